from django.contrib import admin
{%- if cookiecutter.token_blacklist == "yes" %}
from rest_framework_simplejwt.token_blacklist.admin import OutstandingTokenAdmin
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken
{%- endif %}

from .models import TokenFamily


@admin.register(TokenFamily)
class TokenFamilyAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "created_at", "last_rotated_at", "expires_at", "revoked_at", "revoked_reason")
    list_filter = ("revoked_reason",)
    search_fields = ("user__username", "id")
    readonly_fields = [field.name for field in TokenFamily._meta.fields]
{%- if cookiecutter.token_blacklist == "yes" %}


class OutstandingTokenWithoutTokenAdmin(OutstandingTokenAdmin):
    """simplejwt's read-only page of issued refresh tokens, minus the stored token field.

    The field holds a digest now (blacklist.token_digest), and before migration 0003 the
    token itself: staff with view permission have no use for either.
    """

    exclude = ("token",)

    def get_readonly_fields(self, *args, **kwargs) -> list[str]:
        return [name for name in super().get_readonly_fields(*args, **kwargs) if name != "token"]


# Importing simplejwt's admin module above registered its own; this one replaces it.
admin.site.unregister(OutstandingToken)
admin.site.register(OutstandingToken, OutstandingTokenWithoutTokenAdmin)
{%- endif %}
