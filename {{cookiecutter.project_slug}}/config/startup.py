"""Start-up of every entry point: a missing or bad environment variable is one clear error line."""

import sys
from collections.abc import Callable
from typing import TypeVar

Started = TypeVar("Started")
# gunicorn's "App failed to load": it then stops, instead of booting new workers forever
# (any other non-zero status from a worker makes it start another). Any status does for manage.py.
APP_LOAD_ERROR = 4


def start_or_exit(start: Callable[[], Started]) -> Started:
    """Return what start() returns; on a configuration mistake, exit with one line naming it."""
    from django.core.exceptions import ImproperlyConfigured

    try:
        return start()
    except ImproperlyConfigured as error:
        # A missing or unreadable environment variable is a setup mistake, not a crash: say which one.
        print(f"error: {error} (see .env.example)", file=sys.stderr)
        sys.exit(APP_LOAD_ERROR)
