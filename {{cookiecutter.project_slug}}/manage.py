#!/usr/bin/env python
"""Django's command-line utility; local settings unless DJANGO_SETTINGS_MODULE is set."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    from django.core.management import execute_from_command_line

    from config.startup import start_or_exit

    start_or_exit(lambda: execute_from_command_line(sys.argv))


if __name__ == "__main__":
    main()
