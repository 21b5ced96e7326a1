from typing import Any

from django.contrib import admin, messages

from kindred.api.actions import do_revoke_token
from kindred.api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "user",
        "public_id",
        "scopes",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    )
    list_filter = ("revoked_at",)
    search_fields = ("name", "public_id", "user__handle", "user__email")
    list_select_related = ("user",)
    # Read-only: changes go through the audited actions (the revoke action below).
    readonly_fields = (
        "user",
        "name",
        "public_id",
        "secret_hash",
        "scopes",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    )
    actions = ("revoke_tokens",)

    def has_add_permission(self, request: Any) -> bool:
        # A token made here would have no plaintext to hand over: use the token page.
        return False

    @admin.action(description="Revoke selected tokens")
    def revoke_tokens(self, request: Any, queryset: Any) -> None:
        revoked = sum(do_revoke_token(request.user, t, request=request) for t in queryset)
        self.message_user(request, f"Revoked {revoked} token(s).", messages.SUCCESS)
