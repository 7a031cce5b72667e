"""The session policy this project was generated with, as one object read from settings."""

from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from rest_framework_simplejwt import settings as simplejwt_settings


@dataclass(frozen=True)
class SessionPolicy:
    """How refresh tokens rotate, when sessions end, and what logout revokes."""

    access_lifetime: timedelta
    refresh_lifetime: timedelta
    leeway: timedelta
    rotate: bool
    spend_on_rotation: bool
    grace: timedelta
    reuse_detection: bool
    max_session: timedelta | None
    revoke_access_on_logout: bool
    revocation_sync_seconds: float
    revocation_pubsub: bool
    custom_claims: tuple[str, ...]
    max_sessions_per_user: int

    @property
    def revocation_ttl(self) -> timedelta:
        """Return how long a revocation must be remembered: until every access token it ends has expired."""
        return self.access_lifetime + self.leeway + timedelta(seconds=5)


@cache
def session_policy() -> SessionPolicy:
    """Return the policy for the current settings (cached; tests that override settings reset it)."""
    # Read through the module: simplejwt rebinds api_settings when settings change.
    api_settings = simplejwt_settings.api_settings
    return SessionPolicy(
        access_lifetime=api_settings.ACCESS_TOKEN_LIFETIME,
        refresh_lifetime=api_settings.REFRESH_TOKEN_LIFETIME,
        leeway=timedelta(seconds=api_settings.LEEWAY),
        rotate=api_settings.ROTATE_REFRESH_TOKENS,
        # Never on without the blacklist (generation refuses it): the blacklist records spent tokens.
        spend_on_rotation=api_settings.BLACKLIST_AFTER_ROTATION,
        grace=timedelta(seconds=settings.JWT_ROTATION_GRACE_SECONDS),
        reuse_detection=settings.JWT_REUSE_DETECTION,
        max_session=settings.JWT_MAX_SESSION,
        revoke_access_on_logout=settings.JWT_REVOKE_ACCESS_ON_LOGOUT,
        revocation_sync_seconds=settings.JWT_REVOCATION_SYNC_SECONDS,
        revocation_pubsub=settings.JWT_REVOCATION_PUBSUB,
        custom_claims=tuple(settings.JWT_CUSTOM_CLAIMS),
        max_sessions_per_user=settings.JWT_MAX_SESSIONS_PER_USER,
    )


@receiver(setting_changed)
def forget_policy(**kwargs) -> None:
    """Drop the cached policy when a test overrides settings."""
    session_policy.cache_clear()
