from django.apps import AppConfig


class AuthenticationConfig(AppConfig):
    name = "{{ cookiecutter.project_slug }}.authentication"
    label = "authentication"
    verbose_name = "Authentication"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the receivers)
