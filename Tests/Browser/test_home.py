"""The home page and layout in all three languages, with the accessibility checks."""
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import assert_accessible, url

HEADINGS = {
    "pl": ("Korpus Solidarności — wolontariat, który trwa", "Dla wolontariuszy"),
    "en": ("Korpus Solidarności — volunteering that lasts", "For volunteers"),
    "uk": ("Корпус Солідарності — волонтерство, яке триває", "Для волонтерів"),
}
SWITCH_LABELS = {"pl": "Polski", "en": "English", "uk": "Українська"}


def html_lang(driver):
    return driver.find_element(By.TAG_NAME, "html").get_attribute("lang")


def test_home_page_in_polish_english_and_ukrainian(driver):
    driver.get(url("/"))
    assert html_lang(driver) == "pl"
    for language in ("pl", "en", "uk", "pl"):
        if html_lang(driver) != language:
            driver.find_element(By.LINK_TEXT, SWITCH_LABELS[language]).click()
            WebDriverWait(driver, 10).until(lambda d: html_lang(d) == language)
        title, audience = HEADINGS[language]
        assert driver.find_element(By.TAG_NAME, "h1").text == title
        assert audience in [h.text for h in driver.find_elements(By.CSS_SELECTOR, ".card h3")]
        assert len(driver.find_elements(By.CSS_SELECTOR, ".card")) == 4
        current = driver.find_element(By.CSS_SELECTOR, ".languages a[aria-current]")
        assert current.text == SWITCH_LABELS[language]
        assert_accessible(driver)


def test_language_choice_is_remembered(driver):
    driver.get(url("/"))
    driver.find_element(By.LINK_TEXT, "English").click()
    WebDriverWait(driver, 10).until(lambda d: html_lang(d) == "en")
    driver.get(url("/o-danych"))
    assert html_lang(driver) == "en"
    assert driver.find_element(By.TAG_NAME, "h1").text == "About the data"
    assert "GeoNames" in driver.find_element(By.TAG_NAME, "main").text
    assert_accessible(driver)


def test_skip_link_moves_focus_to_the_content(driver):
    driver.get(url("/"))
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    active = driver.switch_to.active_element
    assert active.get_attribute("class") == "skip-link"
    assert active.is_displayed()
    active.send_keys(Keys.ENTER)
    WebDriverWait(driver, 5).until(lambda d: d.switch_to.active_element.get_attribute("id") == "main")


def test_landmarks_and_headings(driver):
    driver.get(url("/"))
    for selector in ("header", "nav", "main", "footer"):
        assert driver.find_elements(By.CSS_SELECTOR, selector), selector
    assert len(driver.find_elements(By.TAG_NAME, "h1")) == 1


def test_phone_width_has_no_sideways_scrolling(phone):
    for path in ("/", "/miejscowosci?q=nowy", "/o-danych"):
        phone.get(url(path))
        width = phone.execute_script("return document.documentElement.scrollWidth")
        viewport = phone.execute_script("return window.innerWidth")
        assert viewport == 360
        assert width <= viewport, f"{path}: {width}px wide in a {viewport}px viewport"
        assert_accessible(phone)


def test_not_found_page_is_translated_and_accessible(driver):
    driver.get(url("/"))
    driver.find_element(By.LINK_TEXT, "Українська").click()
    WebDriverWait(driver, 10).until(lambda d: html_lang(d) == "uk")
    driver.get(url("/nie-ma-takiej-strony"))
    assert driver.find_element(By.TAG_NAME, "h1").text == "Сторінку не знайдено"
    assert_accessible(driver)
