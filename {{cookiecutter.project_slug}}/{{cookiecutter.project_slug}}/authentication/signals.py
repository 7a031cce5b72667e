"""End a user's sessions when their password changes or their account is disabled or deleted."""

from django.conf import settings
from django.db.models.signals import post_save, pre_delete, pre_save
from django.dispatch import receiver

from .models import TokenFamily
from .sessions import end_all_sessions


def was_active(user) -> bool:
    """Return whether the stored copy of this user is active (before the pending save)."""
    return type(user).objects.filter(pk=user.pk, is_active=True).exists()


@receiver(pre_save, sender=settings.AUTH_USER_MODEL)
def note_account_change(sender, instance, **kwargs) -> None:
    """Mark a save that changes the password or disables the account."""
    if instance.pk is None:
        return
    # set_password() keeps the raw password in _password until the user is saved.
    password_changed = getattr(instance, "_password", None) is not None
    disabled = not instance.is_active and was_active(instance)
    instance._ends_sessions = password_changed or disabled


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def end_sessions_after_account_change(sender, instance, **kwargs) -> None:
    if getattr(instance, "_ends_sessions", False):
        instance._ends_sessions = False
        end_all_sessions(instance.pk, TokenFamily.Reason.ACCOUNT_CHANGED)


@receiver(pre_delete, sender=settings.AUTH_USER_MODEL)
def end_sessions_before_delete(sender, instance, **kwargs) -> None:
    # Before the delete cascades away the families the cache revocation needs to name.
    end_all_sessions(instance.pk, TokenFamily.Reason.ACCOUNT_CHANGED)
