"""The locality picker: a plain search form without JavaScript, suggestions with it."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import assert_accessible, url


def result_names(driver):
    return [cell.text for cell in driver.find_elements(By.CSS_SELECTOR, "tbody th[scope=row]")]


def test_search_without_javascript_finds_lodz_typed_without_diacritics(driver_without_js):
    d = driver_without_js
    d.get(url("/miejscowosci"))
    field = d.find_element(By.ID, "q")
    field.send_keys("lodz")
    d.find_element(By.CSS_SELECTOR, "form[role=search] button[type=submit]").click()
    WebDriverWait(d, 10).until(lambda d: result_names(d))
    assert result_names(d)[0] == "Łódź"
    assert "q=lodz" in d.current_url
    # axe needs scripts, so the same page is checked in a browser with them on (test_results_are_accessible).


def test_search_from_the_home_page_with_a_voivodeship(driver_without_js):
    d = driver_without_js
    d.get(url("/"))
    d.find_element(By.ID, "home-q").send_keys("gdansk")
    d.find_element(By.CSS_SELECTOR, ".find button[type=submit]").click()
    WebDriverWait(d, 10).until(lambda d: result_names(d))
    assert result_names(d)[0] == "Gdańsk"
    Select(d.find_element(By.ID, "wojewodztwo")).select_by_value("12")
    d.find_element(By.CSS_SELECTOR, "form[role=search] button[type=submit]").click()
    WebDriverWait(d, 10).until(lambda d: "wojewodztwo=12" in d.current_url)
    assert "Gdańsk" not in result_names(d)


def test_suggestions_appear_while_typing(driver):
    driver.get(url("/miejscowosci"))
    driver.find_element(By.ID, "q").send_keys("gdan")
    WebDriverWait(driver, 10).until(
        lambda d: d.execute_script("return document.getElementById('q-suggestions').options.length") > 0)
    values = driver.execute_script(
        "return Array.from(document.getElementById('q-suggestions').options).map(o => o.value)")
    assert values[0] == "Gdańsk"


def test_results_are_accessible(driver):
    driver.get(url("/miejscowosci?q=lodz&wojewodztwo=10"))
    assert result_names(driver)[0] == "Łódź"
    assert_accessible(driver)


def test_too_long_query_is_explained(driver):
    driver.get(url("/miejscowosci?q=" + "a" * 10000))
    alert = driver.find_element(By.CSS_SELECTOR, "[role=alert]")
    assert "Wpisz najwyżej 100 znaków." in alert.text
    assert driver.find_element(By.ID, "q").get_attribute("aria-invalid") == "true"
    assert_accessible(driver)


def test_hostile_query_is_shown_as_text(driver):
    driver.get(url("/miejscowosci?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E"))
    assert driver.find_element(By.ID, "q").get_attribute("value") == "<script>alert(1)</script>"
    assert driver.execute_script("return document.querySelectorAll('main script').length") == 0
    assert "Znaleziono 0 miejscowości." in driver.find_element(By.TAG_NAME, "main").text
