from django.contrib import admin

from kindred.safety.models import CrisisCountry, CrisisLine


class CrisisLineInline(admin.TabularInline):
    model = CrisisLine
    extra = 1


@admin.register(CrisisCountry)
class CrisisCountryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "emergency_number")
    search_fields = ("code", "name")
    inlines = (CrisisLineInline,)
