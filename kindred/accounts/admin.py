from typing import Any

from django.contrib import admin
from django.contrib.admin.widgets import AdminDateWidget
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from kindred.accounts.actions import do_correct_date_of_birth, do_deactivate_account
from kindred.accounts.legal import current_document, do_publish_legal_document
from kindred.accounts.lifecycle import run_account_closed_handlers
from kindred.accounts.models import LegalDocument, LegalKind, User, UserRole
from kindred.core.fields import EncryptedDateField


class UserRoleInline(admin.TabularInline):
    model = UserRole
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("email",)
    list_display = ("email", "handle", "is_active", "date_joined")
    search_fields = ("email", "handle")
    list_filter = ("is_active", "age_band", "roles__role")
    inlines = (UserRoleInline,)
    formfield_overrides = {EncryptedDateField: {"widget": AdminDateWidget}}
    # The band follows the date of birth; staff correct the date, never the band.
    readonly_fields = ("age_band",)
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("handle", "legal_name", "country", "timezone")}),
        (
            "Age",
            {
                "fields": ("date_of_birth", "age_band"),
                "description": "Set by the person at sign-up. Correct it only on good "
                "evidence: the band, and with it access to teen or adult spaces, follows "
                "the date, and the correction is recorded in the audit log.",
            },
        ),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "handle", "password1", "password2")}),
    )

    def save_model(self, request: Any, obj: User, form: Any, change: bool) -> None:
        deactivating = change and "is_active" in form.changed_data and not obj.is_active
        if deactivating:
            # The action switches it off, with its audit record and what follows.
            obj.is_active = True
        super().save_model(request, obj, form, change)
        if change and "date_of_birth" in form.changed_data:
            # The admin saves inside one transaction, so the band change and its audit
            # record commit with the rest of the form.
            do_correct_date_of_birth(request.user, obj, obj.date_of_birth, request=request)
        if deactivating:
            do_deactivate_account(request.user, obj, request=request)

    def delete_model(self, request: Any, obj: User) -> None:
        # Grants would vanish with the rows; ending them first leaves their end audited.
        run_account_closed_handlers(obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request: Any, queryset: Any) -> None:
        for user in queryset:
            run_account_closed_handlers(user)
        super().delete_queryset(request, queryset)

    def get_queryset(self, request: Any) -> Any:
        return super().get_queryset(request).prefetch_related("roles")


@admin.register(LegalDocument)
class LegalDocumentAdmin(admin.ModelAdmin):
    """The host edits the terms and the privacy notice by publishing a new version.

    A published version is read-only (people accepted that text); "Add" starts from
    the current text of the chosen kind (``?kind=privacy``)."""

    list_display = ("kind", "version", "published_at")
    list_filter = ("kind",)
    fields = ("kind", "body")

    def get_readonly_fields(self, request: Any, obj: Any = None) -> tuple[str, ...]:
        return ("kind", "version", "body", "published_at") if obj else ()

    def get_fields(self, request: Any, obj: Any = None) -> tuple[str, ...]:
        return ("kind", "version", "published_at", "body") if obj else ("kind", "body")

    def get_changeform_initial_data(self, request: Any) -> dict[str, Any]:
        kind = request.GET.get("kind", LegalKind.TERMS)
        if kind not in LegalKind.values:
            kind = LegalKind.TERMS
        return {"kind": kind, "body": current_document(kind).body}

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        if change:  # read-only: nothing to save
            return
        published = do_publish_legal_document(request.user, obj.kind, obj.body)
        obj.pk, obj.version, obj.published_at = (
            published.pk,
            published.version,
            published.published_at,
        )
