"""Request parsing with a size limit: nothing this API accepts comes near 64 KiB."""

from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser

MAX_BODY_BYTES = 64 * 1024


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = f"The request body is larger than {MAX_BODY_BYTES} bytes."
    default_code = "request_too_large"


class LimitedJSONParser(JSONParser):
    """DRF's JSON parser, refusing a body whose Content-Length is over MAX_BODY_BYTES before parsing it.

    Django itself refuses to read a body over DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) once
    something has started reading it; core.exceptions answers that with the same 413.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        length = request.META.get("CONTENT_LENGTH") if request is not None else None
        if length and length.isdigit() and int(length) > MAX_BODY_BYTES:
            raise RequestTooLarge()
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            # 64 KiB of "[" nests deeper than Python's json module can recurse; DRF catches
            # only ValueError, so without this the answer would be a 500.
            raise ParseError("JSON parse error - nested too deeply.") from error
