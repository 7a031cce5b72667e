"""The answer combinations the template is baked with, as data with readable ids.

Every value of every choice appears at least once, plus the risky combinations of
storage x rotation x blacklist x algorithm x database.
"""

DEFAULTS = {}

MATRIX = {
    "defaults": {},
    "storage:local-rotate:no-blacklist:no": {
        "refresh_token_storage": "local_storage",
        "rotate_refresh_tokens": "no",
        "token_blacklist": "no",
        "blacklist_after_rotation": "no",
        "reuse_detection": "no",
    },
    "alg:RS256-db:postgresql": {
        "signing_algorithm": "RS256",
        "database": "postgresql",
    },
    "storage:local-alg:RS256-spend:no": {
        "refresh_token_storage": "local_storage",
        "signing_algorithm": "RS256",
        "blacklist_after_rotation": "no",
        "reuse_detection": "no",
    },
    "storage:cookie-rotate:no-blacklist:yes": {
        "rotate_refresh_tokens": "no",
        "blacklist_after_rotation": "no",
        "reuse_detection": "no",
    },
    "storage:cookie-rotate:yes-blacklist:no": {
        "token_blacklist": "no",
        "blacklist_after_rotation": "no",
        "reuse_detection": "no",
    },
    "storage:local-db:postgresql-grace:10-unlimited-no-access-revocation": {
        "refresh_token_storage": "local_storage",
        "database": "postgresql",
        "rotation_grace_seconds": "10",
        "max_session_days": "0",
        "max_sessions_per_user": "0",
        "revoke_access_on_logout": "no",
    },
    "short-lifetimes-no-claims-no-leeway": {
        "access_token_lifetime_minutes": "1",
        "refresh_token_lifetime_days": "1",
        "max_session_days": "1",
        "leeway_seconds": "0",
        "custom_claims": "",
    },
    "demo:no": {
        "include_demo": "no",
    },
    "storage:cookie-native-app-endpoints:yes": {
        "native_app_endpoints": "yes",
    },
    "hostile-strings-all-claims": {
        "project_name": 'Tom\'s "Quoted" \\ API',
        "project_slug": "quoted_api",
        "description": "Says \"hi\"; __import__('os').system('false') \\n",
        "author_name": 'O\'Brien "the" \\Backslash',
        "custom_claims": "username, email,first_name,last_name,is_staff,is_superuser",
        "access_token_lifetime_minutes": "1440",
        "refresh_token_lifetime_days": "365",
        "max_session_days": "3650",
        "max_sessions_per_user": "1000",
        "leeway_seconds": "300",
        "rotation_grace_seconds": "60",
        "jwt_issuer": "https://auth.example.com/",
        "jwt_audience": "urn:example:api",
        "login_throttle_rate": "100/hour",
        "refresh_throttle_rate": "5/s",
    },
}

# Bakes whose generated test suite needs the PostgreSQL server.
NEEDS_POSTGRESQL = {name for name, answers in MATRIX.items() if answers.get("database") == "postgresql"}

# What of each bake's own suite runs, beyond the defaults' (which run their whole `make test`,
# in test_generated_suites): every bake runs in process; live gunicorn servers run for both
# databases and both algorithms; Chromium for both storage modes. The local_storage bake has
# rotation, a grace window and reuse detection, so its day of use and two-tab grace test run
# in that mode too. Rotation off runs in process.
# The bake without the demo runs in process: its live servers touch nothing of the demo (their
# readiness probe is /api/me/), so they would add nothing there.
FULL_SUITE = {"storage:local-db:postgresql-grace:10-unlimited-no-access-revocation"}
LIVE_SERVERS = {"alg:RS256-db:postgresql"}
