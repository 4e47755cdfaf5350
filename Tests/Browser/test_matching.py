"""The matching service in the browser, in Polish: a volunteer with an offer of help sees the offers that
fit, each with its reasons; axe checks the page."""
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import assert_accessible, make_driver, url, wait_text
from mail import wait_for_subject
from test_journey import DEMO_PASSWORD, sign_in


def test_recommendations_show_fitting_offers_with_reasons(driver):
    # Anna Kowalska (Gdańsk, 20 km) offers help with education and children, Monday and Wednesday afternoons.
    sign_in(driver, "anna.kowalska@demo.korpus.local", DEMO_PASSWORD)
    driver.find_element(By.LINK_TEXT, "Polecane dla Ciebie").click()
    wait_text(driver, By.TAG_NAME, "h1", lambda t: t == "Polecane dla Ciebie")
    cards = driver.find_elements(By.CSS_SELECTOR, "main li.card")
    assert cards, "some offers fit"
    for card in cards:
        reasons = card.find_element(By.CSS_SELECTOR, "ul.reasons").text
        # Every offer is near enough or remote, and says so.
        assert "km od Ciebie" in reasons or "Zdalnie" in reasons, reasons
    # The best fit is in one of her areas.
    assert "Twój obszar" in cards[0].text
    assert_accessible(driver)
    # The start page shows the best few, with the same reasons.
    best, count = cards[0].find_element(By.CSS_SELECTOR, "a").text, len(cards)
    driver.get(url("/"))
    start = driver.find_element(By.CSS_SELECTOR, "section[aria-labelledby=recommended-title]")
    assert best in start.text
    assert len(start.find_elements(By.CSS_SELECTOR, "li.card")) == min(3, count)
    assert_accessible(driver)


def test_coordinator_sees_fitting_volunteers_of_an_offer(driver):
    sign_in(driver, "karolina.zawadzka@demo.korpus.local", DEMO_PASSWORD)
    driver.find_element(By.LINK_TEXT, "Fundacja Pomocna Dłoń").click()
    driver.find_element(By.LINK_TEXT, "Oferty organizacji").click()
    offers = [a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "main table tbody th a")]
    # The first of the organisation's offers that some volunteer's offer of help fits.
    for href in offers:
        driver.get(href)
        offer_title = driver.find_element(By.TAG_NAME, "h1").text
        driver.find_element(By.LINK_TEXT, "Pasujący wolontariusze").click()
        wait_text(driver, By.TAG_NAME, "h1", lambda t: t == "Pasujący wolontariusze")
        if driver.find_elements(By.CSS_SELECTOR, "main li.card form button"):
            break
    else:
        raise AssertionError("no offer of the organisation has fitting volunteers")
    assert_accessible(driver)
    # One click invites the best-fitting volunteer not invited yet; the card then says so.
    card = next(c for c in driver.find_elements(By.CSS_SELECTOR, "main li.card") if c.find_elements(By.CSS_SELECTOR, "form button"))
    name = card.find_element(By.CSS_SELECTOR, "h2").text
    card.find_element(By.CSS_SELECTOR, "textarea").send_keys("Zapraszamy, pasujesz do nas!")
    invited_at = time.time() - 1
    card.find_element(By.CSS_SELECTOR, "form button").click()
    WebDriverWait(driver, 30).until(lambda d: "komunikat=volunteer_invited" in d.current_url)
    invited = [c for c in driver.find_elements(By.CSS_SELECTOR, "main li.card") if c.find_element(By.CSS_SELECTOR, "h2").text == name]
    assert any("Zaproszenie wysłane" in c.text for c in invited), name
    # The volunteer gets the invitation by e-mail and accepts it in "my applications".
    address = wait_for_subject("Zaproszenie do oferty: " + offer_title, since=invited_at)
    volunteer = make_driver()
    try:
        sign_in(volunteer, address, DEMO_PASSWORD)
        volunteer.get(url("/moje-zgloszenia"))
        assert offer_title in volunteer.find_element(By.ID, "invitations-title").find_element(By.XPATH, "..").text
        assert_accessible(volunteer)
        volunteer.find_element(By.XPATH, "//section[h2[@id='invitations-title']]//li[contains(., %s)]//button[contains(., 'Przyjmuję')]"
                               % xpath_text(offer_title)).click()
        WebDriverWait(volunteer, 30).until(lambda d: "komunikat=" in d.current_url)
        assert offer_title in volunteer.find_element(By.TAG_NAME, "main").text
    finally:
        volunteer.quit()


def xpath_text(text):
    """`text` as an XPath string literal."""
    return "'" + text + "'" if "'" not in text else 'concat("' + text.replace('"', '", \'"\', "') + '")'


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
        wait_text(stranger, By.TAG_NAME, "h1", lambda t: t == "Wypisanie z powiadomień")
        assert_accessible(stranger)
        stranger.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
        WebDriverWait(stranger, 30).until(lambda d: "komunikat=alert_unsubscribed" in d.current_url)
    finally:
        stranger.quit()
