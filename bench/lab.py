"""The template's laboratory: bake a project with the defaults, install it, and measure it.

    python -m bench.lab bench   # `make bench`: at most 5 minutes on 2 cores
    python -m bench.lab soak    # `make soak`: days of use in Chromium, about 6 minutes

`bench` runs bench/run.py against the project (wrk against gunicorn, ours vs stock
simplejwt: the ratios of the targets, three rounds each), which prints its own table, then
the time to render the template (`cookiecutter --no-input`, median of several runs) and the
whole run's time.

`soak` first counts refresh requests per access-token expiry with 1, 2 and 5 tabs, from the
project's day of use (tests/demo/test_day_of_use.py with no injected failures; the target is
1), then runs that day long: SOAK_TABS tabs (5) through SOAK_EXPIRIES access-token expiries
(100), with injected failures, and prints its report. The project's own `make test` runs the
same scenario short.
"""

import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cookiecutter.main import cookiecutter

TEMPLATE = Path(__file__).resolve().parents[1]
BUILD = TEMPLATE / "build"
RENDERS = 3
TAB_COUNTS = (1, 2, 5)
EXPIRIES_PER_TAB_RUN = 12


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


def render_seconds() -> list[float]:
    """Render the template with its defaults several times; return each duration."""
    durations = []
    for _ in range(RENDERS):
        with tempfile.TemporaryDirectory() as folder:
            started = time.perf_counter()
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "cookiecutter",
                    "--no-input",
                    "--output-dir",
                    folder,
                    str(TEMPLATE),
                    "setup_environment=no",
                ],
                check=True,
                capture_output=True,
            )
            durations.append(time.perf_counter() - started)
    return durations


def bake_and_install(name: str) -> Path:
    """Render the defaults into build/<name> and install the project into its own .venv."""
    folder = BUILD / name
    subprocess.run(["rm", "-rf", str(folder)], check=True)
    folder.mkdir(parents=True)
    project = Path(
        cookiecutter(str(TEMPLATE), no_input=True, output_dir=str(folder), extra_context={"setup_environment": "no"})
    )
    subprocess.run(
        ["make", "--no-print-directory", "install", f"PYTHON={sys.executable}"],
        cwd=project,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return project


def project_environment() -> dict:
    env = {key: value for key, value in os.environ.items() if key not in {"CI", "DJANGO_SETTINGS_MODULE"}}
    return env


def refreshes_per_expiry(project: Path, tabs: int) -> tuple[int, int, int]:
    """Run the browser scenario with this many tabs and no injected failures.

    Return the refresh requests that reached the server, the access-token expiries the day
    lasted by the clock (its length over the refresh period), and the refreshes any tab sent
    before the newest token was due (a second refresh for one expiry).
    """
    report = project / f"tabs-{tabs}.txt"
    env = project_environment() | {
        "SOAK_TABS": str(tabs),
        "SOAK_EXPIRIES": str(EXPIRIES_PER_TAB_RUN),
        "SOAK_REFRESH_FAILURE_RATE": "0",
        "SOAK_API_FAILURE_RATE": "0",
        "SOAK_SLEEPS": "0",
        "SOAK_RESTARTS": "0",
        "SOAK_REPORT": str(report),
    }
    result = subprocess.run(
        [str(project / ".venv" / "bin" / "pytest"), "-q", "-m", "soak", "-p", "no:cacheprovider"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0 or not report.exists():
        raise SystemExit(f"the browser scenario with {tabs} tabs failed:\n{result.stdout[-3000:]}")
    text = report.read_text()
    return (
        report_number(text, r"Refresh requests reaching the server"),
        report_number(text, r"expiries by the clock: [^\d]*"),
        report_number(text, r"Refreshes sent before the token was due"),
    )


def report_number(report: str, label: str) -> int:
    """Return the number observed on the scenario report's line that starts with `label`."""
    return int(re.search(label + r"\s+(\d+)", report).group(1))


def run_wrk_bench(project: Path) -> int:
    """bench/run.py against the project: three short rounds, so each ratio has a spread and the total stays short."""
    env = project_environment() | {
        "BENCH_ROUNDS": os.environ.get("BENCH_ROUNDS", "3"),
        "BENCH_DURATION": os.environ.get("BENCH_DURATION", "2"),
        # Enough refresh tokens for 2 s of refreshes a round, with room: creating them takes time too.
        "BENCH_POOL": os.environ.get("BENCH_POOL", "1600"),
        "BENCH_PROJECT": str(project),
        "PYTHONPATH": str(TEMPLATE),
    }
    command = [str(project / ".venv" / "bin" / "python"), "-m", "bench.run"]
    return subprocess.run(command, cwd=project, env=env).returncode


def count_refreshes_per_expiry(project: Path) -> None:
    """Run the browser scenario with 1, 2 and 5 tabs and no injected failures; print the refreshes per expiry."""
    rows = []
    for tabs in TAB_COUNTS:
        say(f"Browser scenario with {tabs} tab(s), {EXPIRIES_PER_TAB_RUN} expiries, no injected failures")
        rows.append((tabs, *refreshes_per_expiry(project, tabs)))
    print("Refresh requests per access-token expiry (target 1):")
    for tabs, refreshes, expiries, early in rows:
        print(
            f"  {tabs} tab(s): {refreshes} refreshes for {expiries} expiries by the clock"
            f" = {refreshes / expiries:.2f}; sent before due (a second refresh for one expiry): {early}"
        )


def soak() -> int:
    """Run the baked project's day of use long, printing its report; return pytest's exit status."""
    say("Rendering the defaults into build/soak and installing them")
    project = bake_and_install("soak")
    count_refreshes_per_expiry(project)
    env = project_environment() | {
        "SOAK_TABS": os.environ.get("SOAK_TABS", "5"),
        "SOAK_EXPIRIES": os.environ.get("SOAK_EXPIRIES", "100"),
    }
    say(f"The day of use: {env['SOAK_TABS']} tabs, {env['SOAK_EXPIRIES']} access-token expiries")
    pytest = [str(project / ".venv" / "bin" / "pytest"), "-q", "-s", "-m", "soak", "-p", "no:cacheprovider"]
    return subprocess.run(pytest, cwd=project, env=env).returncode


def bench() -> int:
    """Bake and install the defaults, measure them against stock simplejwt, time the render; 1 if a run failed."""
    started = time.perf_counter()
    say("Rendering the defaults into build/bench and installing them")
    project = bake_and_install("bench")
    say("The project's endpoints against stock simplejwt (bench/run.py)")
    status = run_wrk_bench(project)
    say(f"Rendering the template {RENDERS} times")
    renders = render_seconds()
    print(
        f"\nThe template: render (cookiecutter --no-input), median of {RENDERS}: {statistics.median(renders):.2f} s"
        f" (min {min(renders):.2f}, max {max(renders):.2f})"
    )
    print(f"make bench took {time.perf_counter() - started:.0f} s in all (load average now {os.getloadavg()[0]:.2f})")
    return 1 if status else 0


def main(argv: list[str]) -> int:
    commands = {"bench": bench, "soak": soak}
    if len(argv) != 1 or argv[0] not in commands:
        print(f"usage: python -m bench.lab {{{'|'.join(commands)}}}", file=sys.stderr)
        return 2
    return commands[argv[0]]()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
