"""The token endpoints: obtain, refresh, verify, logout and logout everywhere; the caller's sessions.

Views stay thin: serializers validate, `sessions` decides, the transport carries the
refresh token in a body or a cookie.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.settings import api_settings

from . import sessions
from .clients import client_of
from .exceptions import RefreshCookieDuplicated, SessionNotFound, WrongTokenType
from .serializers import (
    EMPTY_BODY_REQUEST,
    LoginSerializer,
    SessionSerializer,
    VerifySerializer,
    validate_empty_body,
)
from .throttling import AuthRateThrottle
from .tokens import AccessToken, UntypedToken, decode_token, family_of, typed_user_id
from .transport import refresh_transport


def token_response(request, issued: sessions.IssuedTokens, transport) -> Response:
    """Return the access token and its lifetime; the transport adds the refresh token."""
    response = Response({"access": issued.access_jwt, "expires_in": issued.expires_in})
    transport.write(request, response, issued)
    return response


class PublicTokenView(APIView):
    """A token endpoint that takes no access token: the credentials are in the request."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = ()

    def get_authenticate_header(self, request) -> str:
        # Makes DRF answer refused credentials with 401, not 403.
        return 'Bearer realm="api"'


@extend_schema(request=LoginSerializer, responses={200: refresh_transport.response_schema})
class ObtainTokenView(PublicTokenView):
    """POST username and password; get an access token and a refresh token."""

    throttle_classes = (AuthRateThrottle,)
    throttle_scope = "login"
    transport = refresh_transport

    def post(self, request):
        serializer = LoginSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        issued = sessions.start_session(serializer.validated_data["user"], client_of(request))
        return token_response(request, issued, self.transport)


@extend_schema(
    request=refresh_transport.request_schema,
    parameters=refresh_transport.schema_parameters,
    responses={200: refresh_transport.response_schema},
)
class RefreshTokenView(PublicTokenView):
    """POST a refresh token (body or cookie); get a new access token, and with rotation a new refresh token."""

    throttle_classes = (AuthRateThrottle,)
    throttle_scope = "refresh"
    transport = refresh_transport

    def post(self, request):
        raw = self.transport.read(request)
        return token_response(request, sessions.refresh_session(raw, client_of(request)), self.transport)

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        if isinstance(exc, RefreshCookieDuplicated):
            self.transport.clear(response)  # ours; a copy planted for another domain or path stays
        return response


@extend_schema(request=VerifySerializer, responses={200: inline_serializer("Verified", fields={})})
class VerifyTokenView(PublicTokenView):
    """POST an access token; 200 if it is valid, unexpired and its session not revoked.

    Access tokens only: a refresh token, however valid, is refused with `wrong_token_type`,
    so a service that asks here cannot be handed one for an access token (RFC 8725, 3.11).
    Throttled per client IP, so it is no free oracle for guessing or probing tokens.
    """

    throttle_classes = (AuthRateThrottle,)
    throttle_scope = "verify"

    def post(self, request):
        serializer = VerifySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token = decode_token(UntypedToken, serializer.validated_data["token"])
        if token.get(api_settings.TOKEN_TYPE_CLAIM) != AccessToken.token_type:
            raise WrongTokenType()
        typed_user_id(token)
        sessions.ensure_session_not_revoked(family_of(token))
        return Response({})


@extend_schema(
    request=refresh_transport.request_schema,
    parameters=refresh_transport.logout_schema_parameters,
    responses={205: OpenApiResponse(description="Logged out; nothing to return.")},
)
class LogoutView(APIView):
    """POST to end the caller's own session: its refresh tokens stop working."""

    permission_classes = (IsAuthenticated,)
    transport = refresh_transport

    def post(self, request):
        sessions.end_session(self.transport.session_to_end(request), request.user.pk)
        response = Response(status=status.HTTP_205_RESET_CONTENT)
        self.transport.clear(response)
        return response


@extend_schema(request=EMPTY_BODY_REQUEST, responses={205: OpenApiResponse(description="Every session ended.")})
class LogoutAllView(APIView):
    """POST `{}` (or nothing) to end every session of the caller, on every device."""

    permission_classes = (IsAuthenticated,)

    def post(self, request):
        validate_empty_body(request)
        sessions.end_all_sessions(request.user.pk)
        response = Response(status=status.HTTP_205_RESET_CONTENT)
        refresh_transport.clear(response)
        return response


@extend_schema(responses={200: SessionSerializer(many=True)})
class SessionListView(APIView):
    """GET the caller's open sessions, newest first; `current` marks the one making the call."""

    permission_classes = (IsAuthenticated,)

    def get(self, request):
        context = {"current_session_id": family_of(request.auth)}
        families = sessions.open_sessions(request.user.pk)
        return Response(SessionSerializer(families, many=True, context=context).data)


@extend_schema(
    responses={
        204: OpenApiResponse(description="The session has ended: its refresh tokens are refused from now on."),
        404: OpenApiResponse(description="You have no open session with this id (`session_not_found`)."),
    }
)
class SessionView(APIView):
    """DELETE one of the caller's sessions, e.g. on a lost device; another user's id is 404 like an unknown one."""

    permission_classes = (IsAuthenticated,)

    def delete(self, request, session_id: str):
        if not sessions.end_session_by_id(session_id, request.user.pk):
            raise SessionNotFound()
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(request=EMPTY_BODY_REQUEST, responses={205: OpenApiResponse(description="Every other session ended.")})
class LogoutOthersView(APIView):
    """POST `{}` (or nothing) to end every session of the caller except the one making the call."""

    permission_classes = (IsAuthenticated,)

    def post(self, request):
        validate_empty_body(request)
        sessions.end_other_sessions(request.user.pk, family_of(request.auth))
        return Response(status=status.HTTP_205_RESET_CONTENT)
