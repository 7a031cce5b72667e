"""Who is calling: the client's IP address and user agent, as a session records them."""

import ipaddress
from dataclasses import dataclass

from rest_framework.throttling import BaseThrottle

from .models import USER_AGENT_MAX_LENGTH


@dataclass(frozen=True)
class Client:
    """The IP address (None when it cannot be told) and the User-Agent header of a request."""

    ip_address: str | None = None
    user_agent: str = ""


# What a session records when no request is at hand (a management command, a benchmark).
UNKNOWN_CLIENT = Client()


def client_of(request) -> Client:
    """Return the request's client, by the rules the throttles count by."""
    return Client(ip_address=client_ip(request), user_agent=bounded_user_agent(request))


def client_ip(request) -> str | None:
    """Return the client's IP address as DRF's throttles tell it (NUM_PROXIES), or None if it is no address.

    Behind a proxy that is read from X-Forwarded-For, which anyone can fill with anything;
    PostgreSQL's inet column would refuse that with an error, so it is checked here.
    https://www.django-rest-framework.org/api-guide/throttling/#how-clients-are-identified
    """
    ident = BaseThrottle().get_ident(request)
    try:
        return str(ipaddress.ip_address(ident))
    except ValueError:
        return None


def bounded_user_agent(request) -> str:
    """Return the User-Agent header as sent, cut to the column's length; NUL removed (PostgreSQL refuses it)."""
    return request.META.get("HTTP_USER_AGENT", "").replace("\x00", "")[:USER_AGENT_MAX_LENGTH]
