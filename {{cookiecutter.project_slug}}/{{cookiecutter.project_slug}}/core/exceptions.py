"""One shape for every API error: {"detail": ..., "code": ...}, plus "errors" for bad fields.

Clients switch on `code`, which stays stable when the human-readable `detail` changes.
https://www.django-rest-framework.org/api-guide/exceptions/#custom-exception-handling
"""

from rest_framework import exceptions
from rest_framework.views import exception_handler


def api_exception_handler(exc, context):
    """Return DRF's response for the exception, reshaped so that it always carries a code."""
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"detail": "Invalid input.", "code": "invalid", "errors": exc.detail}
    elif isinstance(exc, exceptions.APIException):
        response.data = error_body(exc)
    return response


def error_body(exc: exceptions.APIException) -> dict:
    """Return {"detail", "code"} for an exception whose detail is a string or a dict."""
    detail, code = exc.detail, exc.get_codes()
    if isinstance(detail, dict):
        # simplejwt's errors carry their own detail/code pair.
        return {"detail": str(detail.get("detail", "")), "code": str(detail.get("code", code))}
    return {"detail": str(detail), "code": code if isinstance(code, str) else exc.default_code}
