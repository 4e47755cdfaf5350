"""Two instances of Korpus on one PostgreSQL database, with no sticky routing (step 4 of .ci/run): a person
signs in through one and goes on through the other — pages, forms and their CSRF check — and what one
instance wrote the other shows. Both run the background worker; .ci/run then checks that every e-mail was
sent exactly once. The access tokens made here are the ones the API fuzzing (schemathesis) uses."""
import os
import time

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import assert_accessible, make_driver, url, wait_text
from test_journey import DEMO_PASSWORD, fill, sign_in, submit

SECOND = os.environ.get("KORPUS_SECOND_URL", "")
TOKENS = os.environ.get("KORPUS_TOKENS_FILE", "")
RESET_SENT = "Sprawdź pocztę"
pytestmark = pytest.mark.skipif(not SECOND, reason="needs two instances: KORPUS_SECOND_URL (step 4 of .ci/run)")


def new_token(driver, base):
    driver.get(base + "/konto")
    fill(driver, {"token_name": "Testy API"})
    driver.find_element(By.XPATH, "//form[.//input[@name='token_name']]//button[@type='submit']").click()
    return wait_text(driver, By.ID, "new-token", lambda t: len(t) == 43)


def test_signed_in_through_one_instance_a_person_goes_on_through_the_other(driver):
    sign_in(driver, "anna.kowalska@demo.korpus.local", DEMO_PASSWORD)
    # The second instance knows the session.
    driver.get(SECOND + "/konto")
    wait_text(driver, By.TAG_NAME, "h1", lambda t: t == "Moje konto")
    assert "Anna Kowalska" in driver.find_element(By.TAG_NAME, "header").text
    # A form of the second instance, with the token the first one set.
    driver.get(SECOND + "/moje-godziny")
    driver.execute_script("var f = document.getElementById('worked_on'); f.value = f.getAttribute('max') || new Date().toISOString().slice(0, 10)")
    engagement = next(o.get_attribute("value") for o in driver.find_elements(By.CSS_SELECTOR, "#engagement_id option")
                      if "Fundacja Pomocna Dłoń" in o.text)
    fill(driver, {"engagement_id": engagement, "hours": "0,5", "description": "Wpis przez drugą instancję"})
    submit(driver)
    WebDriverWait(driver, 30).until(lambda d: "komunikat=hours_logged" in d.current_url and d.current_url.startswith(SECOND))
    assert_accessible(driver)
    # The first instance shows it.
    driver.get(url("/moje-godziny"))
    assert "Wpis przez drugą instancję" in driver.find_element(By.TAG_NAME, "main").text
    volunteer_token = new_token(driver, SECOND)

    # The coordinator, on the other instance first, confirms it on the first.
    coordinator = make_driver()
    try:
        coordinator.get(SECOND + "/logowanie")
        fill(coordinator, {"email": "karolina.zawadzka@demo.korpus.local", "password": DEMO_PASSWORD})
        submit(coordinator)
        WebDriverWait(coordinator, 30).until(lambda d: "/konto" in d.current_url)
        coordinator_token = new_token(coordinator, url(""))
        coordinator.get(url("/konto"))
        coordinator.find_element(By.LINK_TEXT, "Fundacja Pomocna Dłoń").click()
        coordinator.find_element(By.LINK_TEXT, "Godziny wolontariuszy").click()
        wait_text(coordinator, By.TAG_NAME, "h1", lambda t: t.startswith("Godziny wolontariuszy"))
        row = coordinator.find_element(By.XPATH, "//tr[td[contains(., 'Wpis przez drugą instancję')]]")
        row.find_element(By.CSS_SELECTOR, "input[type=checkbox]").click()
        coordinator.find_element(By.CSS_SELECTOR, "button[form=confirm-form]").click()
        WebDriverWait(coordinator, 30).until(lambda d: "komunikat=hours_confirmed" in d.current_url)
    finally:
        coordinator.quit()
    driver.get(SECOND + "/moje-godziny")
    entries = driver.find_element(By.ID, "entries-title").find_element(By.XPATH, "..").text
    assert "Wpis przez drugą instancję" in entries and "potwierdzone" in entries

    # Mail from both instances: password resets asked on each (the workers of both deliver the outbox).
    reset = make_driver()
    try:
        for base, people in ((url(""), ["piotr.nowak", "oksana.melnyk", "jan.wisniewski", "ewa.nowicka"]),
                             (SECOND, ["adam.sikora", "maria.baran", "jerzy.kubiak", "barbara.wrobel"])):
            for person in people:
                reset.get(base + "/haslo")
                fill(reset, {"email": f"{person}@demo.korpus.local"})
                submit(reset)
                wait_text(reset, By.TAG_NAME, "h1", lambda t: t == RESET_SENT)
    finally:
        reset.quit()
    if TOKENS:
        with open(TOKENS, "w") as f:
            f.write(f"{volunteer_token}\n{coordinator_token}\n")


def test_an_offer_posted_through_one_instance_is_found_through_the_other(driver):
    """Each instance searches its own copy of the offers in memory; the change log brings what the other
    instance wrote within about a second."""
    stamp = str(int(time.time()))[-6:]
    title = f"Porządki w ogrodzie {stamp} dwie instancje"
    # The second instance has read its offers before the offer exists.
    driver.get(SECOND + f"/oferty?q={stamp}")
    assert driver.find_element(By.CSS_SELECTOR, "[role=status]").text.startswith("Znaleziono 0 ")
    sign_in(driver, "karolina.zawadzka@demo.korpus.local", DEMO_PASSWORD)
    driver.find_element(By.LINK_TEXT, "Fundacja Pomocna Dłoń").click()
    driver.find_element(By.LINK_TEXT, "Oferty organizacji").click()
    driver.find_element(By.LINK_TEXT, "Nowa oferta").click()
    fill(driver, {
        "title": title, "description": "Pomagasz w porządkowaniu przydomowego ogrodu hospicjum.",
        "area": "environment", "schedule": "ongoing", "hours_per_week": "2", "locality": "gdansk", "address": "ul. Długa 1",
        "volunteers_needed": "2", "minimum_age": "16", "slot_sat-morning": True, "publish": True,
    })
    submit(driver)
    WebDriverWait(driver, 30).until(lambda d: "/oferty/" in d.current_url and "/organizacje/" not in d.current_url)
    visitor = make_driver()
    try:
        def found(d):
            d.get(SECOND + f"/oferty?q=ogrodzie+{stamp}&miejscowosc=sopot&odleglosc=20")
            return d.find_elements(By.LINK_TEXT, title)
        WebDriverWait(visitor, 5, poll_frequency=0.5).until(found)
        assert_accessible(visitor)
    finally:
        visitor.quit()
