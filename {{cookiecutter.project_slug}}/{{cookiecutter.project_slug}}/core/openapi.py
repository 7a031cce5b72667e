"""The OpenAPI schema: bearer-JWT security, one error shape, and the errors every operation may answer.

Served at /api/schema/ with Swagger UI at /api/docs/ (drf-spectacular).
https://drf-spectacular.readthedocs.io/en/latest/customization.html
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object

# What any operation may answer besides its success: bad input, refused credentials,
# CSRF or ownership, a body too large, a wrong content type, a throttle.
COMMON_ERRORS = {
    "400": "The request was malformed or had invalid fields.",
    "401": "No valid credentials: the token is missing, bad, expired, or its session has ended.",
    "403": "Forbidden: a failed CSRF check, or a token that belongs to someone else.",
    "405": "Method not allowed.",
    "406": "Not acceptable: the API answers only application/json.",
    "413": "The request body is too large.",
    "415": "Unsupported media type: send application/json.",
    "429": "Too many requests; see Retry-After.",
}

# Where the access token comes from and how refreshing works, for a Swagger UI user.
{%- if cookiecutter.refresh_token_storage == "httponly_cookie" %}
HOW_TO_AUTHORIZE = (
    "Sign in with POST /api/token/ (Try it out), then paste its `access` here. The same answer"
    " leaves the refresh token in an HttpOnly cookie: POST /api/token/refresh/ from this page"
    " needs no input and returns a new `access` to paste."
)
{%- else %}
HOW_TO_AUTHORIZE = (
    "Sign in with POST /api/token/ (Try it out), then paste its `access` here. To refresh, POST"
    " its `refresh` to /api/token/refresh/ and paste the new `access`."
)
{%- endif %}


class JWTAuthenticationScheme(OpenApiAuthenticationExtension):
    """Describe the project's JWTAuthentication as an HTTP bearer scheme, so "Authorize" works."""

    target_class = "{{ cookiecutter.project_slug }}.authentication.authentication.JWTAuthentication"
    name = "jwtAuth"

    def get_security_definition(self, auto_schema):
        scheme = build_bearer_security_scheme_object(
            header_name="AUTHORIZATION", token_prefix="Bearer", bearer_format="JWT"
        )
        return {**scheme, "description": HOW_TO_AUTHORIZE}


def add_common_errors(result, generator, request, public):
    """Postprocessing hook: document the common error answers on every operation.

    Also marks request bodies closed (additionalProperties: false): the API refuses
    fields it does not know, and the schema says so.
    """
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request") and component.get("type") == "object":
            component["additionalProperties"] = False
    error_schema = {"$ref": "#/components/schemas/Error"}
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = {
        "type": "object",
        "properties": {
            "detail": {"type": "string"},
            "code": {"type": "string"},
            "errors": {"type": "object", "additionalProperties": {}},
        },
        "required": ["detail", "code"],
    }
    for path in result.get("paths", {}).values():
        for operation in path.values():
            responses = operation.setdefault("responses", {})
            for status_code, description in COMMON_ERRORS.items():
                responses.setdefault(
                    status_code,
                    {"description": description, "content": {"application/json": {"schema": error_schema}}},
                )
    return result
