"""A real Chromium (Debian's, driven by Playwright) with axe-core run on every page a test visits."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE_JS = Path(__import__("axe_playwright_python").__file__).parent / "axe.min.js"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is not installed: run `apt-get install -y chromium` (scripts/test does).")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def demo(live):
    """The demo data, committed, behind the live server."""
    from organiser.demo import seed_demo

    with live.app_context():
        seed_demo()
    return live


@pytest.fixture
def new_page(browser, live_server):
    """Open a page in a fresh, phone-sized browser context (360 × 740).

    CSP is bypassed only so that axe-core can be injected; the policy itself is tested elsewhere.
    """
    contexts = []

    def make(width: int = 360, height: int = 740):
        context = browser.new_context(
            viewport={"width": width, "height": height}, base_url=live_server, bypass_csp=True
        )
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def check_page(page) -> None:
    """No serious or critical axe-core violation, and nothing wider than the screen."""
    page.wait_for_load_state()  # after a click that submits a form: the answer, not the form
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == [], f"axe-core on {page.url}:\n" + "\n".join(bad)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the screen"
