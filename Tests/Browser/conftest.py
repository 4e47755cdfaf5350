"""Browser tests: headless Chromium driven by Selenium against a running Korpus.

Environment: KORPUS_BASE_URL (default http://127.0.0.1:8089) and AXE_JS, the path of axe.min.js
(axe-core 4.12, taken from the PyPI package axe-playwright-python by .ci/run).
"""
import os

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.support.ui import WebDriverWait

BASE_URL = os.environ.get("KORPUS_BASE_URL", "http://127.0.0.1:8089").rstrip("/")
AXE_JS = os.environ.get("AXE_JS", "")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def make_driver(javascript=True, width=1280, height=900):
    options = Options()
    options.binary_location = os.environ.get("CHROMIUM_BINARY", "/usr/bin/chromium")
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     f"--window-size={width},{height}", "--lang=pl-PL"):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {
        "intl.accept_languages": "pl-PL,pl",
        "profile.managed_default_content_settings.javascript": 1 if javascript else 2,
    })
    service = Service(executable_path=os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(60)
    return driver


@pytest.fixture
def driver():
    d = make_driver()
    yield d
    d.quit()


@pytest.fixture
def driver_without_js():
    d = make_driver(javascript=False)
    yield d
    d.quit()


@pytest.fixture
def phone():
    """A 360 px wide phone screen (headless Chromium's window cannot be made that narrow)."""
    d = make_driver(width=360, height=740)
    d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                      {"width": 360, "height": 740, "deviceScaleFactor": 2, "mobile": True})
    yield d
    d.quit()


def wait_text(driver, by, value, accept, timeout=30):
    """Waits until the element's text is accepted; while the next page loads the element may be missing, belong
    to the page being left, or the browser may say its node left the document, so each is tried again until the
    time is up rather than failing at once."""
    def text_accepted(d):
        text = d.find_element(by, value).text
        return text if accept(text) else False
    return WebDriverWait(driver, timeout, ignored_exceptions=(WebDriverException,)) \
        .until(text_accepted)


def url(path):
    return BASE_URL + path


def assert_accessible(driver):
    """Runs axe-core on the current page; any WCAG 2.1 A/AA violation fails the test."""
    assert AXE_JS and os.path.exists(AXE_JS), "AXE_JS must point to axe.min.js"
    with open(AXE_JS, encoding="utf-8") as f:
        driver.execute_script(f.read())
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})"
        ".then(r => done({violations: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)})), passes: r.passes.length}))"
        ".catch(e => done({error: String(e)}));",
        WCAG_TAGS,
    )
    assert "error" not in result, result.get("error")
    assert result["passes"] > 0, "axe ran no rule"
    violations = result["violations"]
    assert violations == [], f"axe violations on {driver.current_url}: {violations}"
