"""WSGI entry point; production settings unless DJANGO_SETTINGS_MODULE says otherwise."""

import os

from django.core.wsgi import get_wsgi_application

from config.startup import start_or_exit

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = start_or_exit(get_wsgi_application)
