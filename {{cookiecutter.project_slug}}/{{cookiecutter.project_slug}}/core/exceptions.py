"""One shape for every API error: {"detail": ..., "code": ...}, plus "errors" for bad fields.

Clients switch on `code`, which stays stable when the human-readable `detail` changes.
Errors raised inside DRF views go through api_exception_handler; those Django answers
itself (an unknown URL, a disallowed Host, a crash) through the handlers below, which
config/urls.py installs: JSON under the API's paths, Django's pages elsewhere.
https://www.django-rest-framework.org/api-guide/exceptions/#custom-exception-handling
"""

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.http import Http404, JsonResponse
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.views import exception_handler

from .parsers import RequestTooLarge

# Paths that answer errors in JSON: the API, and the JWKS document other services fetch.
API_PATHS = ("/api/", "/.well-known/")


class BadRequest(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "The request could not be read."
    default_code = "bad_request"


class ServerError(exceptions.APIException):
    status_code = status.HTTP_500_INTERNAL_SERVER_ERROR
    default_detail = "A server error occurred."
    default_code = "server_error"


def api_exception_handler(exc, context):
    """Return DRF's response for the exception, reshaped so that it always carries a code."""
    exc = as_api_exception(exc)
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"detail": "Invalid input.", "code": "invalid", "errors": exc.detail}
    elif isinstance(exc, exceptions.APIException):
        response.data = error_body(exc)
    return response


def as_api_exception(exc: Exception) -> Exception:
    """Return the APIException for Django's own refusals (DRF would answer them without a code)."""
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, PermissionDenied):
        return exceptions.PermissionDenied()
    if isinstance(exc, RequestDataTooBig):
        return RequestTooLarge()
    if isinstance(exc, SuspiciousOperation):  # e.g. too many query parameters
        return BadRequest()
    return exc


def error_body(exc: exceptions.APIException) -> dict:
    """Return {"detail", "code"} for an exception whose detail is a string or a dict."""
    detail, code = exc.detail, exc.get_codes()
    if isinstance(detail, dict):
        # simplejwt's errors carry their own detail/code pair.
        return {"detail": str(detail.get("detail", "")), "code": str(detail.get("code", code))}
    return {"detail": str(detail), "code": code if isinstance(code, str) else exc.default_code}


def json_error(exc: exceptions.APIException) -> JsonResponse:
    return JsonResponse(error_body(exc), status=exc.status_code)


def is_api_request(request) -> bool:
    return request.path.startswith(API_PATHS)


def bad_request(request, exception):
    """handler400: a request Django refused before any view (disallowed Host, a body too large)."""
    if not is_api_request(request):
        return defaults.bad_request(request, exception)
    return json_error(RequestTooLarge() if isinstance(exception, RequestDataTooBig) else BadRequest())


def page_not_found(request, exception):
    """handler404: a path no URL matches."""
    if not is_api_request(request):
        return defaults.page_not_found(request, exception)
    return json_error(exceptions.NotFound())


def server_error(request):
    """handler500: a crash, answered without its traceback (which goes to the log)."""
    if not is_api_request(request):
        return defaults.server_error(request)
    return json_error(ServerError())
