"""The matching service in the browser, in Polish: a volunteer with an offer of help sees the offers that
fit, each with its reasons; axe checks the page."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import assert_accessible, make_driver, url
from test_journey import DEMO_PASSWORD, sign_in


def test_recommendations_show_fitting_offers_with_reasons(driver):
    # Anna Kowalska (Gdańsk, 20 km) offers help with education and children, Monday and Wednesday afternoons.
    sign_in(driver, "anna.kowalska@demo.korpus.local", DEMO_PASSWORD)
    driver.find_element(By.LINK_TEXT, "Polecane dla Ciebie").click()
    WebDriverWait(driver, 30).until(lambda d: d.find_element(By.TAG_NAME, "h1").text == "Polecane dla Ciebie")
    cards = driver.find_elements(By.CSS_SELECTOR, "main li.card")
    assert cards, "some offers fit"
    for card in cards:
        reasons = card.find_element(By.CSS_SELECTOR, "ul.reasons").text
        # Every offer is near enough or remote, and says so.
        assert "km od Ciebie" in reasons or "Zdalnie" in reasons, reasons
    # The best fit is in one of her areas.
    assert "Twój obszar" in cards[0].text
    assert_accessible(driver)


def test_coordinator_sees_fitting_volunteers_of_an_offer(driver):
    sign_in(driver, "karolina.zawadzka@demo.korpus.local", DEMO_PASSWORD)
    driver.find_element(By.LINK_TEXT, "Fundacja Pomocna Dłoń").click()
    driver.find_element(By.LINK_TEXT, "Oferty organizacji").click()
    driver.find_element(By.CSS_SELECTOR, "main table tbody th a").click()
    driver.find_element(By.LINK_TEXT, "Pasujący wolontariusze").click()
    WebDriverWait(driver, 30).until(lambda d: d.find_element(By.TAG_NAME, "h1").text == "Pasujący wolontariusze")
    assert_accessible(driver)


def test_recommendations_by_email_and_unsubscribing(driver):
    from selenium.webdriver.support.ui import Select
    from mail import wait_for_link
    sign_in(driver, "oksana.melnyk@demo.korpus.local", DEMO_PASSWORD)
    driver.get(url("/polecane"))
    Select(driver.find_element(By.ID, "alert-frequency")).select_by_value("daily")
    driver.find_element(By.CSS_SELECTOR, "form.alert-form button[type=submit]").click()
    WebDriverWait(driver, 30).until(lambda d: "komunikat=alert_saved" in d.current_url)
    assert "Polecane dla Ciebie" in driver.find_element(By.TAG_NAME, "main").text
    assert_accessible(driver)
    # The worker sends the recommendations; the message's link unsubscribes without signing in.
    link = wait_for_link("oksana.melnyk@demo.korpus.local", "/wypisz/", timeout=90)
    stranger = make_driver()
    try:
        stranger.get(url(link))
        WebDriverWait(stranger, 30).until(lambda d: d.find_element(By.TAG_NAME, "h1").text == "Wypisanie z powiadomień")
        assert_accessible(stranger)
        stranger.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
        WebDriverWait(stranger, 30).until(lambda d: "komunikat=alert_unsubscribed" in d.current_url)
    finally:
        stranger.quit()
