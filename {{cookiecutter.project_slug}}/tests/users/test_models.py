"""The custom user model, in place from the first migration."""

from django.contrib.auth import get_user_model


def test_the_project_uses_its_own_user_model():
    assert get_user_model()._meta.label == "users.User"


def test_create_user_hashes_the_password(db):
    user = get_user_model().objects.create_user(username="carol", password="s3cret-pass")

    assert user.password != "s3cret-pass"
    assert user.check_password("s3cret-pass")
