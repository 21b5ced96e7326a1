from django.contrib import admin

from kindred.safety.models import CrisisCountry, CrisisLine


class CrisisLineInline(admin.TabularInline):  # type: ignore[type-arg]
    model = CrisisLine
    extra = 1


@admin.register(CrisisCountry)
class CrisisCountryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "name", "emergency_number")
    search_fields = ("code", "name")
    inlines = (CrisisLineInline,)
