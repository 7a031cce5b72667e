"""Delete what can no longer be used: expired token records and sessions past all tokens.

Overrides simplejwt's command of the same name (this app is listed first) and does its
work too. Schedule it daily, e.g. from cron: `python manage.py flushexpiredtokens`.
"""

from django.core.management.base import BaseCommand
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from ...models import TokenFamily
from ...policy import session_policy


def flush_expired_token_records() -> int:
    """Delete expired outstanding tokens (and, by cascade, their blacklist rows)."""
    if not session_policy().blacklist:
        return 0
    from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

    deleted, _ = OutstandingToken.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted


def flush_dead_families() -> int:
    """Delete sessions that can issue no more tokens: past their limit, or idle past a refresh lifetime."""
    now = timezone.now()
    policy = session_policy()
    # A grace-window reissue can follow the last rotation by at most the grace.
    idle_before = now - policy.refresh_lifetime - policy.grace
    dead = TokenFamily.objects.alias(last_issued=Coalesce("last_rotated_at", "created_at")).filter(
        Q(expires_at__lte=now) | Q(last_issued__lt=idle_before)
    )
    deleted, _ = dead.delete()
    return deleted


class Command(BaseCommand):
    help = "Deletes expired outstanding/blacklisted tokens and sessions that can issue no more tokens."

    def handle(self, *args, **options) -> None:
        tokens = flush_expired_token_records()
        families = flush_dead_families()
        self.stdout.write(f"Deleted {tokens} expired token records and {families} ended sessions.")
