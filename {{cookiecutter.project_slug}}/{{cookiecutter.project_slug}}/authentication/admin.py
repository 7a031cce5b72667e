from django.contrib import admin

from .models import TokenFamily


@admin.register(TokenFamily)
class TokenFamilyAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "created_at", "last_rotated_at", "expires_at", "revoked_at", "revoked_reason")
    list_filter = ("revoked_reason",)
    search_fields = ("user__username", "id")
    readonly_fields = [field.name for field in TokenFamily._meta.fields]
