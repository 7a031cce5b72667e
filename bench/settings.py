"""Settings of the benchmark's servers: this project's code, configured as in production.

The test settings, less what a benchmark must not inherit from them: the database and
cache named in the environment with the project's own connection settings and cache
backend, and no throttling (every request of the benchmark comes from 127.0.0.1; stock
simplejwt has none). The password hasher is chosen by BENCH_HASHER, the same for both sides.
"""

import copy

from django.conf import global_settings

from config.settings import base
from config.settings.test import *  # noqa: F403
from config.settings.test import BASE_DIR, env

BENCH_VARIANT = "ours"
DEBUG = False
ROOT_URLCONF = "bench.urls"
# Sign-in hashes the password. With "md5" (`make bench`) it takes microseconds, so what
# differs between the servers, the statements around the password check, is what shows;
# with "pbkdf2" it is Django's production hasher, a large part of a second of CPU a
# sign-in, next to which the rest is noise. The other is accepted too, so a hash stored
# under one is upgraded by the first sign-in (the warm-up's) under the other.
MD5_HASHER = "django.contrib.auth.hashers.MD5PasswordHasher"
BENCH_HASHER = env.str("BENCH_HASHER", default="pbkdf2")
if BENCH_HASHER == "md5":
    PASSWORD_HASHERS = [MD5_HASHER, *global_settings.PASSWORD_HASHERS]
else:
    PASSWORD_HASHERS = [*global_settings.PASSWORD_HASHERS, MD5_HASHER]
JWT_THROTTLE_RATES = {"login": None, "refresh": None, "verify": None, "login_account": None}

# The database the driver created for this server. Connection settings are the project's
# (base.py's, the same for this project and for stock simplejwt); BENCH_CONN_MAX_AGE
# overrides them. A PostgreSQL project benchmarked on SQLite gets base.py's SQLite options.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
project_database = base.DATABASES["default"]
database = env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'bench.sqlite3'}")
if database["ENGINE"].endswith("sqlite3"):
    database["OPTIONS"] = dict(project_database.get("OPTIONS") or SQLITE_OPTIONS)
database["CONN_MAX_AGE"] = env.int("BENCH_CONN_MAX_AGE", default=project_database.get("CONN_MAX_AGE") or 0)
database["CONN_HEALTH_CHECKS"] = project_database.get("CONN_HEALTH_CHECKS", False)
DATABASES = {"default": database}

# Revoked sessions are looked up in the cache base.py configures (Redis when REDIS_URL is
# set, else the database cache), never in the tests' per-process memory cache.
CACHES = base.redis_caches(base.REDIS_URL, "bench") if base.REDIS_URL else copy.deepcopy(base.CACHES)
# As base.py reads it from the environment: the test settings pin it off for their local cache.
JWT_REVOCATION_PUBSUB = getattr(base, "JWT_REVOCATION_PUBSUB", False)

# psycopg's connection pool instead of persistent connections (BENCH_DB_POOL=true, `--all`, when
# the project installs psycopg[pool]),
# the same for both sides; Django allows a pool only without persistent connections.
if database["ENGINE"].endswith("postgresql") and env.bool("BENCH_DB_POOL", default=False):
    database["OPTIONS"] = {**(database.get("OPTIONS") or {}), "pool": True}
    database["CONN_MAX_AGE"] = 0
