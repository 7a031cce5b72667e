"""`make bench`: this project's token endpoints against stock simplejwt, under gunicorn and wrk.

run.py drives it; settings.py and stock_settings.py are the two servers compared;
worker.py does the in-process work (migrations, token pools, SQL counts).
"""

# The user every benchmark database has: the first one created, signed in as by the runs.
BENCH_USER_ID = 1
BENCH_USERNAME = "bench"
BENCH_PASSWORD = "bench-password-not-secret"
