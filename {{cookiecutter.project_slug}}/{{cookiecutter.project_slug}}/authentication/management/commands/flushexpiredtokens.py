{% if cookiecutter.token_blacklist == "yes" -%}
"""Delete what can no longer be used: expired token records and sessions past all tokens.

Overrides simplejwt's command of the same name (this app is listed first) and does its
work too. Schedule it daily, e.g. from cron: `python manage.py flushexpiredtokens`.
"""
{%- else -%}
"""Delete what can no longer be used: sessions past all tokens.

Named like simplejwt's blacklist command, which this project leaves out. Schedule it
daily, e.g. from cron: `python manage.py flushexpiredtokens`.
"""
{%- endif %}

from datetime import datetime

from django.core.management.base import BaseCommand
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
{%- if cookiecutter.token_blacklist == "yes" %}
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken
{%- endif %}

from ...models import TokenFamily
from ...policy import session_policy


def flush_cutoff() -> datetime:
    """Return the moment before which an expiry is past for good.

    simplejwt accepts a token until its expiry plus SIMPLE_JWT["LEEWAY"]; until then the
    records it is checked against must stay (a spent token replayed in the leeway must
    still be found spent, not taken for one issued before the records began).
    """
    return timezone.now() - session_policy().leeway


{% if cookiecutter.token_blacklist == "yes" -%}
def flush_expired_token_records() -> int:
    """Delete outstanding tokens expired beyond the leeway (and, by cascade, their blacklist rows)."""
    deleted, _ = OutstandingToken.objects.filter(expires_at__lte=flush_cutoff()).delete()
    return deleted


{% endif -%}
def flush_dead_families() -> int:
    """Delete sessions that can issue no more tokens: past their limit, or idle past a refresh lifetime."""
    cutoff = flush_cutoff()
    policy = session_policy()
    # A grace-window reissue can follow the last rotation by at most the grace.
    idle_before = cutoff - policy.refresh_lifetime - policy.grace
    dead = Q(expires_at__lte=cutoff) | Q(last_issued__lt=idle_before)
    if policy.max_session:  # the limit the settings set now, as sessions.session_deadline counts it
        dead |= Q(created_at__lte=cutoff - policy.max_session)
    families = TokenFamily.objects.alias(last_issued=Coalesce("last_rotated_at", "created_at")).filter(dead)
    deleted, _ = families.delete()
    return deleted


class Command(BaseCommand):
{%- if cookiecutter.token_blacklist == "yes" %}
    help = "Deletes expired outstanding/blacklisted tokens and sessions that can issue no more tokens."

    def handle(self, *args, **options) -> None:
        tokens = flush_expired_token_records()
        families = flush_dead_families()
        self.stdout.write(f"Deleted {tokens} expired token records and {families} ended sessions.")
{%- else %}
    help = "Deletes sessions that can issue no more tokens."

    def handle(self, *args, **options) -> None:
        families = flush_dead_families()
        self.stdout.write(f"Deleted {families} ended sessions.")
{%- endif %}
