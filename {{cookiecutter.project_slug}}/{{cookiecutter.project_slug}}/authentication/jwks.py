"""GET /.well-known/jwks.json: the public key other services verify this project's tokens with.

JWK: RFC 7517; key ids are JWK thumbprints, RFC 7638.
"""

import base64
import hashlib
import json
from functools import cache

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from jwt.algorithms import RSAAlgorithm
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView


def public_jwk_of(public_pem: str) -> dict:
    """Return the RSA public key as a JWK dict of its required members (kty, n, e).

    PyJWT adds key_ops too; RFC 7517, section 4.3, says not to publish it beside `use`.
    """
    jwk = RSAAlgorithm.to_jwk(RSAAlgorithm(RSAAlgorithm.SHA256).prepare_key(public_pem), as_dict=True)
    return {name: jwk[name] for name in ("kty", "n", "e")}


@cache
def key_id_of(public_pem: str) -> str:
    """Return the key's RFC 7638 thumbprint: SHA-256 of its required members, base64url."""
    jwk = public_jwk_of(public_pem)
    canonical = json.dumps({name: jwk[name] for name in ("e", "kty", "n")}, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def jwks() -> dict:
    """Return the key set published at /.well-known/jwks.json."""
    public_pem, algorithm = settings.SIMPLE_JWT["VERIFYING_KEY"], settings.SIMPLE_JWT["ALGORITHM"]
    jwk = public_jwk_of(public_pem) | {"kid": key_id_of(public_pem), "use": "sig", "alg": algorithm}
    return {"keys": [jwk]}


class JwksView(APIView):
    """GET the public signing key as a JSON Web Key Set; public, cacheable."""

    authentication_classes = ()
    permission_classes = (AllowAny,)

    @extend_schema(
        operation_id="jwks_retrieve",
        tags=["jwks"],
        summary="The public signing key (JWKS)",
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        response = Response(jwks())
        response["Cache-Control"] = "public, max-age=3600"
        return response
