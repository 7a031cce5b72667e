from django.contrib import admin
{%- if cookiecutter.token_blacklist == "yes" %}
from rest_framework_simplejwt.token_blacklist.admin import OutstandingTokenAdmin
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken
{%- endif %}

from .models import TokenFamily
from .sessions import end_families


@admin.register(TokenFamily)
class TokenFamilyAdmin(admin.ModelAdmin):
    """The sessions of every user: who, since when, last used from where, and whether and why they ended."""

    list_display = (
        "user",
        "created_at",
        "last_used_at",
        "user_agent",
        "ip_address",
        "expires_at",
        "revoked_at",
        "revoked_reason",
    )
    list_filter = ("revoked_reason", ("revoked_at", admin.EmptyFieldListFilter))
    list_select_related = ("user",)
    search_fields = ("user__username", "id", "ip_address")
    ordering = ("-created_at",)
    readonly_fields = [field.name for field in TokenFamily._meta.fields]
    actions = ("end_selected_sessions",)

    @admin.action(description="End the selected sessions", permissions=["change"])
    def end_selected_sessions(self, request, queryset) -> None:
        """End the open sessions among the selected; their refresh tokens stop working at once."""
        open_before = queryset.filter(revoked_at__isnull=True).count()
        end_families(queryset, TokenFamily.Reason.ENDED_BY_ADMIN)
        self.message_user(request, f"Ended {open_before} open session(s).")
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
