"""Security events an operator can act on: a Django signal and one structured log line each.

Connect a receiver to a signal to act in Python (page someone, lock the account), or route the
`{{ cookiecutter.project_slug }}.security` logger to wherever alerts go; docs/sessions.md shows both.
Each log line is one JSON object with an `event` field, so a log pipeline can match on it.
"""

import json
import logging
from dataclasses import asdict

from django.dispatch import Signal

from .clients import Client

logger = logging.getLogger("{{ cookiecutter.project_slug }}.security")

# A spent refresh token came back: someone holds a copy, and the session was revoked.
# Arguments: session_id, user_id, last_use (the Client of the session's last sign-in or
# refresh), replay (the Client that presented the spent token).
refresh_token_reused = Signal()
# A sign-in beyond JWT_MAX_SESSIONS_PER_USER ended this session. Arguments: session_id, user_id.
session_ended_by_cap = Signal()
# A sign-in from a user agent and IP address none of the user's open sessions has.
# Arguments: session_id, user_id, client.
sign_in_from_new_client = Signal()


def report(signal: Signal, event: str, **details) -> None:
    """Send the signal and write the event's one log line (a JSON object)."""
    signal.send(sender=event, **details)
    logged = {name: asdict(value) if isinstance(value, Client) else value for name, value in details.items()}
    logger.warning(json.dumps({"event": event, **logged}, default=str))


def report_reuse(family, replay: Client) -> None:
    last_use = Client(ip_address=family.ip_address, user_agent=family.user_agent)
    report(
        refresh_token_reused,
        "refresh_token_reused",
        session_id=str(family.pk),
        user_id=family.user_id,
        last_use=last_use,
        replay=replay,
    )


def report_ended_by_cap(session_id, user_id) -> None:
    report(session_ended_by_cap, "session_ended_by_cap", session_id=str(session_id), user_id=user_id)


def report_new_client(family, client: Client) -> None:
    report(
        sign_in_from_new_client,
        "sign_in_from_new_client",
        session_id=str(family.pk),
        user_id=family.user_id,
        client=client,
    )
