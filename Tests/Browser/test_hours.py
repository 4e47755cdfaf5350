"""The time sheet in the browser, in Polish: a volunteer logs hours and sees where she stands in Korpus
membership; her coordinator confirms them in one go; axe checks every page."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import assert_accessible, make_driver, url, wait_text
from test_journey import DEMO_PASSWORD, fill, sign_in, submit


def test_hours_are_logged_confirmed_and_counted(driver):
    # Anna Kowalska volunteers with Fundacja Pomocna Dłoń since four months ago (seeded).
    sign_in(driver, "anna.kowalska@demo.korpus.local", DEMO_PASSWORD)
    driver.find_element(By.LINK_TEXT, "Moje godziny").click()
    wait_text(driver, By.TAG_NAME, "h1", lambda t: t.startswith("Moje godziny"))
    assert driver.find_element(By.ID, "membership-state").text == "Jesteś członkiem Korpusu."
    missing_before = driver.find_element(By.ID, "membership-missing").text
    assert "w listopadzie" in missing_before or "Brakuje" in missing_before
    assert_accessible(driver)
    # A day in the future is refused with a message beside the field.
    driver.execute_script("document.getElementById('worked_on').removeAttribute('max'); document.getElementById('worked_on').value = '2099-01-01'")
    fill(driver, {"hours": "2", "description": "Spacer z panią Heleną"})
    submit(driver)
    WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.ID, "form-errors"))
    assert "Nie można wpisać godzin z przyszłości." in driver.find_element(By.ID, "form-errors").text
    assert_accessible(driver)
    driver.execute_script("var f = document.getElementById('worked_on'); f.value = f.getAttribute('max') || new Date().toISOString().slice(0, 10)")
    engagement = next(o.get_attribute("value") for o in driver.find_elements(By.CSS_SELECTOR, "#engagement_id option")
                      if "Fundacja Pomocna Dłoń" in o.text)
    fill(driver, {"engagement_id": engagement, "hours": "1,5", "description": "Spacer z panią Heleną"})
    submit(driver)
    WebDriverWait(driver, 30).until(lambda d: "komunikat=hours_logged" in d.current_url)
    assert "Spacer z panią Heleną" in driver.find_element(By.CSS_SELECTOR, "section[aria-labelledby=entries-title]").text

    # Karolina Zawadzka confirms everything waiting at once.
    coordinator = make_driver()
    try:
        sign_in(coordinator, "karolina.zawadzka@demo.korpus.local", DEMO_PASSWORD)
        coordinator.find_element(By.LINK_TEXT, "Fundacja Pomocna Dłoń").click()
        coordinator.find_element(By.LINK_TEXT, "Godziny wolontariuszy").click()
        wait_text(coordinator, By.TAG_NAME, "h1", lambda t: t.startswith("Godziny wolontariuszy"))
        assert_accessible(coordinator)
        boxes = coordinator.find_elements(By.CSS_SELECTOR, "input[type=checkbox][form=confirm-form]")
        assert len(boxes) >= 3, "the seeded entries and the new one wait"
        for box in boxes:
            box.click()
        coordinator.find_element(By.CSS_SELECTOR, "button[form=confirm-form]").click()
        WebDriverWait(coordinator, 30).until(lambda d: "komunikat=hours_confirmed" in d.current_url)
        assert "Nie ma godzin do potwierdzenia." in coordinator.find_element(By.TAG_NAME, "main").text
    finally:
        coordinator.quit()

    # Her month now counts the confirmed hours: less is missing, or nothing.
    driver.get(url("/moje-godziny"))
    missing_after = driver.find_elements(By.ID, "membership-missing")
    assert not missing_after or missing_after[0].text != missing_before
    table = driver.find_element(By.CSS_SELECTOR, "section[aria-labelledby=membership-title] table").text
    assert "spełniony" in table
    assert_accessible(driver)


def test_the_volunteer_card_is_active_by_the_rules_and_checked_publicly(driver):
    # Anna met October's requirement (seeded and confirmed), so her card is active in November.
    sign_in(driver, "anna.kowalska@demo.korpus.local", DEMO_PASSWORD)
    driver.get(url("/moje-godziny"))
    driver.find_element(By.LINK_TEXT, "Karta Wolontariusza").click()
    wait_text(driver, By.TAG_NAME, "h1", lambda t: t == "Karta Wolontariusza")
    assert driver.find_element(By.ID, "card-status").text.startswith("Aktywna do")
    number = driver.find_element(By.ID, "card-number").text
    assert_accessible(driver)
    partner = make_driver()
    try:
        partner.get(url("/"))
        partner.find_element(By.LINK_TEXT, "Sprawdź Kartę Wolontariusza").click()
        fill(partner, {"numer": number})
        partner.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
        WebDriverWait(partner, 30).until(lambda d: d.find_elements(By.ID, "check-result"))
        result = partner.find_element(By.ID, "check-result").text
        assert result.startswith("Karta aktywna do") and "Anna" not in partner.find_element(By.TAG_NAME, "main").text
        assert_accessible(partner)
        # One digit changed: refused by the check digit.
        changed = number[:-1] + str((int(number[-1]) + 1) % 10)
        fill(partner, {"numer": changed})
        partner.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
        wait_text(partner, By.ID, "check-result", lambda t: "poprawny numer" in t)
    finally:
        partner.quit()
