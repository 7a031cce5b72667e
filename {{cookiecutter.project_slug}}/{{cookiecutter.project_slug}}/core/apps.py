from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What the whole API shares: error shape, parsers, the OpenAPI schema, test support."""

    name = "{{ cookiecutter.project_slug }}.core"
    label = "core"

    def ready(self) -> None:
        from . import checks, openapi  # noqa: F401  (registers the system checks and schema extensions)
