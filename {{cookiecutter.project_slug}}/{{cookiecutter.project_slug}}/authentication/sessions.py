"""Sign-in sessions: start one, refresh it (rotating atomically), end one or all of them.

A session is a TokenFamily row plus the tokens issued from it. Views and serializers call
only these functions; the rules (rotation, absolute lifetime, revocation and, with the
blacklist, spending rotated tokens, the grace window and reuse detection) live here.
"""

import math
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from {{ cookiecutter.project_slug }}.core import statements
{% if cookiecutter.token_blacklist == "yes" %}
from . import blacklist, events, revocation
from .clients import UNKNOWN_CLIENT, Client
from .exceptions import SessionExpired, SessionRevoked, TokenBlacklisted, TokenReused, UserInactive
{%- else %}
from . import events, revocation
from .clients import UNKNOWN_CLIENT, Client
from .exceptions import SessionExpired, SessionRevoked, UserInactive
{%- endif %}
from .models import TokenFamily
from .policy import session_policy
from .tokens import (
    AccessToken,
    RefreshToken,
    cap_expiry,
    decode_token,
    is_canonical_uuid,
    typed_user_id,
    user_claims,
)


@dataclass(frozen=True)
class IssuedTokens:
    """The tokens a login or refresh hands out; `refresh` is None when it did not rotate."""

    access: AccessToken
    refresh: RefreshToken | None

    # Signed once: with RS256 each signature costs about a millisecond.
    @cached_property
    def access_jwt(self) -> str:
        return str(self.access)

    @cached_property
    def refresh_jwt(self) -> str | None:
        return None if self.refresh is None else str(self.refresh)

    @property
    def expires_in(self) -> int:
        """Return the whole seconds the access token has left, so clients need not trust their clock.

        Counted from now, not from `iat`: `exp` is truncated to the second, so the token can
        have up to a second less than its nominal lifetime.
        """
        return max(0, math.floor(self.access["exp"] - time.time()))


def start_session(user, client: Client = UNKNOWN_CLIENT) -> IssuedTokens:
    """Open a new session family for a user who has just signed in from `client`.

    Beyond the sessions a user may hold (JWT_MAX_SESSIONS_PER_USER), the least recently
    used end in the same transaction. The user's row is locked first, so concurrent
    sign-ins of one user take turns and each sees the others' sessions (on SQLite the
    IMMEDIATE transaction already does that). A sign-in below the cap, the usual one,
    costs one read of the user's open sessions besides its two inserts.
    """
    policy = session_policy()
    now = timezone.now()
    expires_at = now + policy.max_session if policy.max_session else None
    family = TokenFamily(
        user=user,
        created_at=now,
        last_used_at=now,
        expires_at=expires_at,
        ip_address=client.ip_address,
        user_agent=client.user_agent,
    )
    refresh = RefreshToken.for_session(user, family.pk, not_after=expires_at)
    family.last_issued_jti = refresh.jti
    issued = IssuedTokens(access=refresh.access_token(), refresh=refresh)
    issued.refresh_jwt  # noqa: B018  (sign now, outside the transaction)
    with transaction.atomic():
        if policy.max_sessions_per_user:
            lock_user(user.pk)
        open_before, known_client = open_sessions_and_client(user.pk, client)
        statements.insert(family)
{%- if cookiecutter.token_blacklist == "yes" %}
        blacklist.record_issued(issued.refresh, issued.refresh_jwt, user.pk)
{%- endif %}
        if policy.max_sessions_per_user and open_before >= policy.max_sessions_per_user:
            end_sessions_beyond_cap(user.pk)
    if not known_client:
        events.report_new_client(family, client)
    return issued


def open_sessions_and_client(user_id, client: Client) -> tuple[int, bool]:
    """Return how many open sessions the user has and whether one was last used from this client
    (the same user agent and IP address), in one statement.

    Its SQL is written here: the ORM builds an aggregate like this one in about a quarter of
    a millisecond of Python, on every sign-in, more than the database takes to answer it.
    """
    quote = connection.ops.quote_name
    same_ip = f"{quote('ip_address')} IS NULL" if client.ip_address is None else f"{quote('ip_address')} = %s"
    from_client = f"{quote('user_agent')} = %s AND {same_ip}"
    where = f"{quote('user_id')} = %s AND {quote('revoked_at')} IS NULL"
    # Only quoted table and column names are formatted in; the values are parameters.
    sql = (
        f"SELECT COUNT(*), COALESCE(SUM(CASE WHEN {from_client} THEN 1 ELSE 0 END), 0)"  # noqa: S608
        f" FROM {quote(TokenFamily._meta.db_table)} WHERE {where}"
    )
    ip_address = TokenFamily._meta.get_field("ip_address").get_db_prep_value(client.ip_address, connection)
    params = [client.user_agent, *([] if client.ip_address is None else [ip_address]), user_id]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        open_count, from_client_count = cursor.fetchone()
    return open_count, from_client_count > 0


def lock_user(user_id) -> None:
    """Lock the user's row until the transaction ends.

    Skipped where rows cannot be locked (SQLite, whose IMMEDIATE transactions already make
    writers take turns): the SELECT would lock nothing and cost a statement.
    """
    if not connection.features.has_select_for_update:
        return
    list(get_user_model().objects.select_for_update().filter(pk=user_id).values_list("pk", flat=True))


def end_sessions_beyond_cap(user_id) -> None:
    """End the user's least recently used open sessions beyond JWT_MAX_SESSIONS_PER_USER (0: no cap)."""
    cap = session_policy().max_sessions_per_user
    if not cap:
        return
    users_sessions = TokenFamily.objects.filter(user_id=user_id)
    kept = users_sessions.filter(revoked_at__isnull=True).order_by("-last_used_at", "-created_at").values("pk")[:cap]
    # Not narrowed to the open ones: end_families reads back what it ended by their new revoked_at.
    revoked_at = end_families(users_sessions.exclude(pk__in=kept), TokenFamily.Reason.SESSION_CAP)
    if revoked_at is None:
        return
    ended = users_sessions.filter(revoked_at=revoked_at, revoked_reason=TokenFamily.Reason.SESSION_CAP)
    ended_ids = list(ended.values_list("pk", flat=True))
    transaction.on_commit(lambda: [events.report_ended_by_cap(pk, user_id) for pk in ended_ids])


def live_family(token: RefreshToken) -> TokenFamily:
    """Return the token's family with its user, or raise if the session may not continue."""
    # A written statement: built by the ORM it took 0.2 ms more than the database does (core/statements.py).
    family = statements.get_with_related(
        TokenFamily, "user", id=parse_family_id(token.family_id), user=typed_user_id(token)
    )
    if family is None or family.revoked_at is not None:
        raise SessionRevoked()
    deadline = session_deadline(family)
    if deadline is not None and deadline <= timezone.now():
        raise SessionExpired()
    if not family.user.is_active:
        raise UserInactive()
    return family


def session_deadline(family: TokenFamily) -> datetime | None:
    """Return when the session ends: the limit fixed at sign-in or, if sooner, the one the settings set now.

    The settings count too, so lowering JWT_MAX_SESSION (or setting one) also ends the
    sessions that began under the old value.
    """
    max_session = session_policy().max_session
    limits = [family.expires_at, family.created_at + max_session if max_session else None]
    return min((limit for limit in limits if limit is not None), default=None)


def parse_family_id(value) -> uuid.UUID:
    """Return the family id as a UUID, or raise SessionRevoked for a token without one.

    Only the form this project writes (str(uuid)), as for access tokens (family_of).
    """
    if isinstance(value, uuid.UUID):
        return value
    if not is_canonical_uuid(value):
        raise SessionRevoked()
    return uuid.UUID(value)


def refresh_session(raw: str, client: Client = UNKNOWN_CLIENT) -> IssuedTokens:
    """Exchange a refresh token for new tokens, rotating it if the policy says so.

    A rotation records when and from where (`client`) the session was last used, in the
    UPDATE it makes anyway; without rotation nothing is written, so the session shows its sign-in.
    """
    token = decode_token(RefreshToken, raw)
    policy = session_policy()
    if not policy.rotate:
        return reissue_access(token)
{%- if cookiecutter.token_blacklist == "yes" %}
    if policy.spend_on_rotation:
        return rotate_and_spend(token, raw, client)
{%- endif %}
    return rotate(token, client)


def rotate(token: RefreshToken, client: Client) -> IssuedTokens:
    """Return the family's next token pair; the old refresh token stays valid until it expires.

    The new tokens are signed before the write, so the write lock (on SQLite, the whole
    database's) is held as briefly as it can be; the family is updated only while open.
    """
    family = ensure_refresh_token_usable(token)
    issued = next_pair(family)
{%- if cookiecutter.token_blacklist == "yes" %}
    with transaction.atomic():
        blacklist.record_issued(issued.refresh, issued.refresh_jwt, family.user_id)
        note_rotation(family, spent=token, issued=issued, client=client)
{%- else %}
    note_rotation(family, spent=token, issued=issued, client=client)
{%- endif %}
    return issued


def note_rotation(family: TokenFamily, spent: RefreshToken, issued: "IssuedTokens", client: Client) -> None:
    """Record the family's newest and last spent token, and its last use; refuse if it was revoked meanwhile."""
    now = timezone.now()
    updated = statements.update_while_null(
        TokenFamily,
        family.pk,
        "revoked_at",
        last_issued_jti=issued.refresh.jti,
        last_spent_jti=spent.jti,
        last_rotated_at=now,
        last_used_at=now,
        ip_address=client.ip_address,
        user_agent=client.user_agent,
    )
    if not updated:
        raise SessionRevoked()


def reissue_access(token: RefreshToken) -> IssuedTokens:
    """Return a new access token for a refresh token that does not rotate."""
    return access_only(ensure_refresh_token_usable(token), token)


def access_only(family: TokenFamily, token: RefreshToken) -> IssuedTokens:
    """Return a fresh access token from this refresh token, its claims read afresh from the user; no refresh token."""
    token.payload.update(user_claims(family.user))
    access = token.access_token()
    cap_expiry(access, session_deadline(family))
    return IssuedTokens(access=access, refresh=None)


def ensure_refresh_token_usable(token: RefreshToken) -> TokenFamily:
    """Return the token's live family, or raise TokenRefused if the token or its session may not be used."""
{%- if cookiecutter.token_blacklist == "yes" %}
    # A blacklisted token is refused whatever the rotation settings.
    if blacklist.is_blacklisted(token):
        raise TokenBlacklisted()
{%- endif %}
    return live_family(token)


def ensure_session_not_revoked(family_id: str) -> None:
    """Refuse an access token whose session has been revoked (the cache's record)."""
    if revocation.is_family_revoked(family_id):
        raise SessionRevoked()


def next_pair(family: TokenFamily) -> IssuedTokens:
    """Return the family's next token pair, signed, with claims read afresh from the user."""
    refresh = RefreshToken.for_session(family.user, family.pk, not_after=session_deadline(family))
    issued = IssuedTokens(access=refresh.access_token(), refresh=refresh)
    issued.refresh_jwt  # noqa: B018  (sign now, outside any transaction)
    return issued


{% if cookiecutter.token_blacklist == "yes" -%}
def rotate_and_spend(token: RefreshToken, raw: str, client: Client) -> IssuedTokens:
    """Return the family's next token pair and spend (blacklist) the old refresh token.

    Everything that only reads or computes (the family, the new tokens and their
    signatures) happens before the transaction, so the write lock (on SQLite, the
    whole database's) is held for three statements only. What was read is checked
    again by the writes themselves: the spend is a unique insert, and the family is
    updated only while it is still open. A token already spent is a replay.
    """
    # No blacklist lookup first: spending a blacklisted token conflicts by itself.
    family = live_family(token)
    issued = next_pair(family)
    try:
        with transaction.atomic():
            blacklist.spend(token, raw)
            blacklist.record_issued(issued.refresh, issued.refresh_jwt, family.user_id)
            note_rotation(family, spent=token, issued=issued, client=client)
    except blacklist.AlreadySpent:
        return handle_replay(token, client)
    return issued


def handle_replay(token: RefreshToken, client: Client) -> IssuedTokens:
    """Answer a refresh token that was already spent: grace, or reuse (revoke the family)."""
    policy = session_policy()
    with transaction.atomic():
        family = live_family(token)
        if within_grace(family, token):
            return answer_in_grace(family, token)
        if policy.reuse_detection:
            end_families(TokenFamily.objects.filter(pk=family.pk), TokenFamily.Reason.REUSE)
    # Raised after the block commits, so the revocation is kept.
    if policy.reuse_detection:
        events.report_reuse(family, replay=client)
        raise TokenReused()
    raise TokenBlacklisted()


def within_grace(family: TokenFamily, token: RefreshToken) -> bool:
    """Return whether this is the family's last spent token, spent less than the grace ago."""
    grace = session_policy().grace
    if not grace or family.last_spent_jti != token.jti or family.last_rotated_at is None:
        return False
    return timezone.now() - family.last_rotated_at < grace


def answer_in_grace(family: TokenFamily, token: RefreshToken) -> IssuedTokens:
    """Return a fresh access token, and no refresh token, for the token spent last replayed inside the window.

    A second tab or a retried request shares the newest refresh token through the cookie or
    storage, so it needs only an access token. Handing the replay the newest refresh token
    too would let a thief who watches for the victim's rotation ride along indefinitely;
    this way the thief's copy dies with the window, and presenting it after that is reuse.
    Called inside a transaction; the row lock makes a logout that revoked the family
    since it was read win, so no token of an ended session is handed out.
    """
    lock_open_family(family.pk)
    return access_only(family, token)


def lock_open_family(family_id) -> None:
    """Lock the family's row until the transaction ends; raise SessionRevoked if it has ended."""
    if not TokenFamily.objects.select_for_update().filter(pk=family_id, revoked_at__isnull=True).exists():
        raise SessionRevoked()


{% endif -%}
def end_session(family_id, user_id, reason=TokenFamily.Reason.LOGOUT) -> None:
    """End one session of this user; its refresh tokens stop working with it.

    Scoped to the user, so nobody can end a session that is not theirs.
    """
    with transaction.atomic():
        family = TokenFamily.objects.filter(pk=parse_family_id(family_id), user_id=user_id).first()
        if family is None:
            raise SessionRevoked()
{%- if cookiecutter.token_blacklist == "yes" %}
        # Its newest refresh token, so the blacklist says why it is refused.
        blacklist.blacklist_jti(family.last_issued_jti)
{%- endif %}
        end_families(TokenFamily.objects.filter(pk=family.pk), reason)


def open_sessions(user_id):
    """Return the user's open sessions (not ended, not past the deadline fixed at sign-in), newest first."""
    unexpired = Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())
    return TokenFamily.objects.filter(unexpired, user_id=user_id, revoked_at__isnull=True).order_by("-created_at")


def end_session_by_id(session_id: str, user_id) -> bool:
    """End the user's open session with this id; return False, changing nothing, if they have none.

    Another user's session, an ended one and an unknown id look alike: False.
    """
    if not is_canonical_uuid(session_id):
        return False
    with transaction.atomic():
        family = TokenFamily.objects.filter(pk=session_id, user_id=user_id, revoked_at__isnull=True).first()
        if family is None:
            return False
{%- if cookiecutter.token_blacklist == "yes" %}
        blacklist.blacklist_jti(family.last_issued_jti)
{%- endif %}
        end_families(TokenFamily.objects.filter(pk=family.pk), TokenFamily.Reason.ENDED_BY_USER)
    return True


def end_other_sessions(user_id, current_session_id: str) -> None:
    """End every open session of the user except the current one."""
    others = TokenFamily.objects.filter(user_id=user_id).exclude(pk=parse_family_id(current_session_id))
    end_families(others, TokenFamily.Reason.ENDED_BY_USER)


def end_all_sessions(user_id, reason=TokenFamily.Reason.LOGOUT_ALL) -> None:
    """End every open session of a user (logout everywhere, password change, deactivation)."""
    end_families(TokenFamily.objects.filter(user_id=user_id), reason)


def end_families(families, reason) -> datetime | None:
    """Revoke the open families in this queryset: one UPDATE in the database, then the cache.

    The UPDATE names them by its WHERE clause, never by a list of ids: a user with more open
    sessions than SQLite takes variables (32,766) would otherwise get a 500 from logout-all,
    and a password change would save the password and end no session. The ids the cache
    needs are read back by the timestamp this call wrote, a batch at a time; it is returned
    (None if no family was open) for callers that read them back too.
    """
    revoked_at = timezone.now()
    if not families.filter(revoked_at__isnull=True).update(revoked_at=revoked_at, revoked_reason=reason):
        return None
    just_revoked = families.filter(revoked_at=revoked_at, revoked_reason=reason).values_list("pk", flat=True)
    revocation.revoke_families(str(pk) for pk in just_revoked.iterator(chunk_size=revocation.WRITE_BATCH))
    return revoked_at
