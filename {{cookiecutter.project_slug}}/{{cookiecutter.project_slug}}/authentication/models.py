"""Session families: one row per sign-in, shared by every token rotation derives from it."""

import uuid

from django.conf import settings
from django.db import models

# A User-Agent header is rarely over 300 characters; the rest of a longer one is dropped.
USER_AGENT_MAX_LENGTH = 512


class TokenFamily(models.Model):
    """A sign-in session: the refresh tokens rotated from one login, revoked together.

    RFC 9700 (OAuth 2.0 Security BCP), section 4.14.2, describes the pattern.
    """

    class Reason(models.TextChoices):
        LOGOUT = "logout", "Logged out"
        LOGOUT_ALL = "logout_all", "Logged out everywhere"
        REUSE = "reuse", "Refresh token reused"
        ACCOUNT_CHANGED = "account_changed", "Account changed: password, privileges, claims; disabled or deleted"
        ENDED_BY_USER = "ended_by_user", "Ended by the user from another session"
        SESSION_CAP = "session_cap", "Least recently used beyond the sessions allowed per user"
        ENDED_BY_ADMIN = "ended_by_admin", "Ended by staff in the admin"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="token_families")
    created_at = models.DateTimeField()
    # The absolute limit of the session however often it is refreshed; null = none.
    expires_at = models.DateTimeField(null=True, blank=True)
    # The newest refresh token: logout blacklists it without needing to be shown it.
    last_issued_jti = models.CharField(max_length=255, blank=True, default="")
    # The last token spent by rotation and when: only it may be spent again, and only
    # within the grace window.
    last_spent_jti = models.CharField(max_length=255, blank=True, default="")
    last_rotated_at = models.DateTimeField(null=True, blank=True)
    # The last sign-in or refresh, and the client that made it: what the user sees in the
    # list of their sessions, and what the cap per user ends first (least recently used).
    last_used_at = models.DateTimeField(null=True, blank=True)
    user_agent = models.CharField(max_length=USER_AGENT_MAX_LENGTH, blank=True, default="")
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=32, choices=Reason.choices, blank=True, default="")

    class Meta:
        verbose_name = "session"
        verbose_name_plural = "sessions"
        indexes = [
            models.Index(fields=["user", "revoked_at"]),
            # Refilling the revocation cache reads the sessions revoked in the last minutes.
            models.Index(fields=["revoked_at"], name="tokenfamily_revoked_at"),
            # Listing a user's open sessions, and finding the least recently used beyond the cap.
            models.Index(fields=["user", "revoked_at", "last_used_at"], name="tokenfamily_user_last_used"),
        ]

    def __str__(self) -> str:
        return f"Session {self.pk} of user {self.user_id}"

    @property
    def last_issued_at(self):
        """Return when this family last issued a refresh token."""
        return self.last_rotated_at or self.created_at
