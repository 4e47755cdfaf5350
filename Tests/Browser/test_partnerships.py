"""Organisations looking for partners, in the browser, in Polish: a coordinator publishes a partnership need
and sees the organisations of the region that fit it, with reasons; another organisation answers; axe checks
every page."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import assert_accessible, make_driver, url, wait_text
from test_journey import DEMO_PASSWORD, fill, sign_in, submit


def test_a_need_is_published_matched_and_answered(driver):
    sign_in(driver, "ewa.nowicka@demo.korpus.local", DEMO_PASSWORD)
    driver.find_element(By.LINK_TEXT, "Fundacja Pomocna Dłoń").click()
    driver.find_element(By.LINK_TEXT, "Partnerstwa organizacji").click()
    wait_text(driver, By.TAG_NAME, "h1", lambda t: t.startswith("Partnerstwa organizacji"))
    assert_accessible(driver)
    driver.find_element(By.LINK_TEXT, "Nowa potrzeba partnerska").click()
    # A form sent half-filled names every problem and keeps what was typed.
    fill(driver, {"title": "Wspólny piknik sąsiedzki w Oliwie"})
    submit(driver)
    WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.ID, "form-errors"))
    assert "Wybierz, czego szukacie." in driver.find_element(By.ID, "form-errors").text
    assert driver.find_element(By.ID, "title").get_attribute("value") == "Wspólny piknik sąsiedzki w Oliwie"
    assert_accessible(driver)
    fill(driver, {
        "kind": "joint_action", "reach_km": "50",
        "description": "Latem chcemy zorganizować piknik dla seniorów i ich sąsiadów. Szukamy partnerów z okolicy.",
        "wanted": "wolontariusze, namiot", "area_seniors": True, "area_community": True,
    })
    submit(driver)
    WebDriverWait(driver, 30).until(lambda d: "komunikat=partnership_published" in d.current_url)
    assert driver.find_element(By.TAG_NAME, "h1").text == "Wspólny piknik sąsiedzki w Oliwie"
    partners = driver.find_elements(By.CSS_SELECTOR, "section[aria-labelledby=partners-title] li.card")
    assert partners, "organisations of the region fit"
    for card in partners:
        reasons = card.find_element(By.CSS_SELECTOR, "ul.reasons").text
        assert "km od miejsca potrzeby" in reasons, reasons
    assert_accessible(driver)
    need_path = driver.current_url.split("?")[0]

    # Another organisation's coordinator finds it in the list and answers.
    other = make_driver()
    try:
        sign_in(other, "adam.sikora@demo.korpus.local", DEMO_PASSWORD)
        other.find_element(By.LINK_TEXT, "Partnerstwa").click()
        assert_accessible(other)
        other.find_element(By.LINK_TEXT, "Wspólny piknik sąsiedzki w Oliwie").click()
        fill(other, {"message": "Chętnie pomożemy — mamy namiot i kilkoro wolontariuszy."})
        other.find_element(By.CSS_SELECTOR, "section[aria-labelledby=respond-title] button[type=submit]").click()
        WebDriverWait(other, 30).until(lambda d: "komunikat=partnership_answered" in d.current_url)
        assert "Stowarzyszenie Razem dla Słupska" in other.find_element(By.TAG_NAME, "main").text
        assert_accessible(other)
    finally:
        other.quit()

    driver.get(need_path)
    responses = driver.find_element(By.CSS_SELECTOR, "section[aria-labelledby=responses-title]").text
    assert "Stowarzyszenie Razem dla Słupska" in responses and "mamy namiot" in responses
