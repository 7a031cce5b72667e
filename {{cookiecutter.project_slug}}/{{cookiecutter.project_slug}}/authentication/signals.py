"""Receivers: end a user's sessions when what their tokens stand for changes; count failed sign-ins.

What ends them: the password (a new one, or none), a privilege taken away, a field copied into the
tokens (JWT_CUSTOM_CLAIMS), the account disabled or deleted. Otherwise tokens would go on
claiming the old values until they expire, and every refresh would hand out more of them.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import get_hasher, identify_hasher, is_password_usable
from django.contrib.auth.signals import user_login_failed
from django.db.models.signals import post_save, pre_delete, pre_save
from django.dispatch import receiver

from .models import TokenFamily
from .policy import session_policy
from .sessions import end_all_sessions
from .throttling import FailedSignInLimit

# Taking one away ends the sessions even when it is not a claim: this API's own views read
# the user from the token, and other services may read it from the database.
PRIVILEGES = ("is_staff", "is_superuser", "is_active")


def watched_fields(update_fields) -> list[str]:
    """Return the fields whose stored value decides whether this save ends the sessions."""
    fields = {"password", *PRIVILEGES, *session_policy().custom_claims}
    if update_fields is not None:  # save(update_fields=...) writes only those
        fields &= set(update_fields)
    return sorted(fields)


def ends_sessions(user, stored: dict) -> bool:
    """Return whether saving `user` over its `stored` values should end its sessions."""
    claims = session_policy().custom_claims
    changed = {name for name, value in stored.items() if getattr(user, name) != value}
    if changed & set(claims):
        return True
    if any(stored[name] and not getattr(user, name) for name in changed & set(PRIVILEGES)):
        return True
    return "password" in changed and not is_rehash(user, stored["password"])


def is_rehash(user, old_hash: str) -> bool:
    """Return whether the new hash is Django re-hashing the same password at sign-in.

    check_password() does that when the hasher or its work factor is outdated (every Django
    release raises PBKDF2's iterations), and clears _password as it does; ending every session
    of everyone who signs in after an upgrade would be wrong. set_password() keeps _password.
    """
    if getattr(user, "_password", None) is not None:
        return False
    if not (is_password_usable(old_hash) and is_password_usable(user.password)):
        return False
    try:
        old_hasher = identify_hasher(old_hash)
    except ValueError:
        return False
    preferred = get_hasher()
    return old_hasher.algorithm != preferred.algorithm or preferred.must_update(old_hash)


@receiver(pre_save, sender=settings.AUTH_USER_MODEL)
def note_account_change(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    """Mark a save of an existing user that should end its sessions, comparing with the stored row."""
    instance._ends_sessions = False
    fields = watched_fields(update_fields)
    if raw or instance._state.adding or instance.pk is None or not fields:
        return
    stored = type(instance).objects.filter(pk=instance.pk).values(*fields).first()
    instance._ends_sessions = stored is not None and ends_sessions(instance, stored)


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def end_sessions_after_account_change(sender, instance, **kwargs) -> None:
    if getattr(instance, "_ends_sessions", False):
        instance._ends_sessions = False
        end_all_sessions(instance.pk, TokenFamily.Reason.ACCOUNT_CHANGED)


@receiver(pre_delete, sender=settings.AUTH_USER_MODEL)
def end_sessions_before_delete(sender, instance, **kwargs) -> None:
    # Before the delete cascades away the families the cache revocation needs to name.
    end_all_sessions(instance.pk, TokenFamily.Reason.ACCOUNT_CHANGED)


@receiver(user_login_failed)
def count_failed_sign_in(sender, credentials, request=None, **kwargs) -> None:
    """Count a failed sign-in against its account (POST /api/token/ and the admin's form alike)."""
    username = credentials.get(get_user_model().USERNAME_FIELD)
    if isinstance(username, str):
        FailedSignInLimit(username).record_failure()
