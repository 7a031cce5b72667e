from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "{{ cookiecutter.project_slug }}.demo"
    label = "demo"
    verbose_name = "Demo"
