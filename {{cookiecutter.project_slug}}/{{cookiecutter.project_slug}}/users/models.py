from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """The project's user: Django's fields today, room to grow without a painful migration.

    https://docs.djangoproject.com/en/stable/topics/auth/customizing/#using-a-custom-user-model-when-starting-a-project
    """
