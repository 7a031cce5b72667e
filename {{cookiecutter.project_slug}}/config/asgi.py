"""ASGI entry point; production settings unless DJANGO_SETTINGS_MODULE says otherwise."""

import os

from django.core.asgi import get_asgi_application

from config.startup import start_or_exit

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = start_or_exit(get_asgi_application)
