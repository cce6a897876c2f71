"""A real headless Chromium (Debian's chromium and chromium-driver) driven through selenium.

Pages are opened from files; every request the browser makes is read from its performance
log, so a test can prove a page made none. Screenshots go to ``test-artifacts/html/``.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "html"
LOAD_TIMEOUT = 30.0
"""Seconds a page may take to load and run its script on a loaded machine (a bound, not a figure)."""


@dataclass
class Opened:
    driver: object
    url: str

    def requests(self) -> list[str]:
        """URLs the browser asked for since the page was opened (the page's own file included)."""
        urls = []
        for entry in self.driver.get_log("performance"):  # type: ignore[attr-defined]
            message = json.loads(entry["message"])["message"]
            if message["method"] == "Network.requestWillBeSent":
                urls.append(message["params"]["request"]["url"])
        return urls


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip("Debian's chromium and chromium-driver are not installed (.ci/run installs them)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1280,1600",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    driver.set_page_load_timeout(LOAD_TIMEOUT)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def open_page(browser: object) -> Iterator[object]:
    from selenium.webdriver.support.ui import WebDriverWait

    def opener(path: Path) -> Opened:
        browser.get_log("performance")  # type: ignore[attr-defined]  # forget earlier pages' requests
        browser.get_log("browser")  # type: ignore[attr-defined]
        url = path.resolve().as_uri()
        browser.get(url)  # type: ignore[attr-defined]
        WebDriverWait(browser, LOAD_TIMEOUT).until(lambda driver: driver.execute_script("return document.documentElement.dataset.ready"))
        return Opened(browser, url)

    yield opener


def save_screenshot(driver: object, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    driver.save_screenshot(str(path))  # type: ignore[attr-defined]
    return path


def non_blank(png: Path) -> bool:
    """A screenshot shows something: a blank page compresses to almost nothing and its pixel
    data holds a handful of byte values; a rendered report neither."""
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pixels, at = b"", 8
    while at < len(data):
        length = int.from_bytes(data[at : at + 4], "big")
        kind = data[at + 4 : at + 8]
        if kind == b"IDAT":
            pixels += data[at + 8 : at + 8 + length]
        at += 12 + length
    return len(data) > 20_000 and len(set(zlib.decompress(pixels))) > 64
