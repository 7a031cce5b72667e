"""Real Chromium for the browser tests, or why it cannot run here.

Playwright drives the system's chromium (Debian's package; Playwright's own browser
download is not used). One browser context stands for one browser: its pages share
cookies, web storage, Web Locks and BroadcastChannel, so they stand in for its tabs
(tests/demo/tabs.py drives the demo page in them).
"""

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# Headless, and nothing that talks to Google or changes under the test's feet.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def chromium_executable() -> str | None:
    """Return the chromium to drive: $CHROMIUM if set, else chromium (or chromium-browser) on PATH."""
    candidate = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    return candidate if candidate and os.access(candidate, os.X_OK) else None


def why_no_browser() -> str | None:
    """Return why the browser tests cannot run on this machine, or None if they can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[dev]')"
    if chromium_executable() is None:
        return "chromium is not installed (`make browser`, i.e. apt-get install chromium; or set CHROMIUM to its path)"
    return None


@contextmanager
def chromium(user_data_dir: Path, **context_options) -> Iterator:
    """Start chromium on a fresh profile; yield its browser context (one browser, many tabs)."""
    with chromiums(user_data_dir, **context_options) as (context,):
        yield context


@contextmanager
def chromiums(*user_data_dirs: Path, **context_options) -> Iterator[list]:
    """Start one chromium per profile; yield their browser contexts, as many separate browsers.

    They share no cookies, storage or tabs. One Playwright drives them all: its sync API
    cannot be started twice in one thread.
    """
    from playwright.sync_api import sync_playwright

    options = {"viewport": {"width": 800, "height": 640}, "color_scheme": "light", **context_options}
    with sync_playwright() as playwright:
        contexts = []
        try:
            for user_data_dir in user_data_dirs:
                contexts.append(
                    playwright.chromium.launch_persistent_context(
                        str(user_data_dir),
                        executable_path=chromium_executable(),
                        args=list(CHROMIUM_FLAGS),
                        headless=True,
                        **options,
                    )
                )
            yield contexts
        finally:
            for context in contexts:
                context.close()
