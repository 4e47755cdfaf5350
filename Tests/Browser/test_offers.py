"""SOW in the browser, in Polish: a coordinator posts an offer, a volunteer finds it by a word without
diacritics and by distance, applies and is accepted; a second volunteer lands on the reserve list and
moves up when the first withdraws. axe checks on every page."""
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import assert_accessible, make_driver, url, wait_text
from test_journey import DEMO_PASSWORD, fill, sign_in, submit, wait_path


def test_offer_search_page_is_accessible_and_shareable(driver):
    driver.get(url("/oferty?q=seniorow&wojewodztwo=22"))
    status = driver.find_element(By.CSS_SELECTOR, "[role=status]").text
    assert status.startswith("Znaleziono")
    assert_accessible(driver)
    driver.get(url("/oferty?miejscowosc=gdansk&odleglosc=-5"))
    assert "Odległość to liczba kilometrów" in driver.find_element(By.CSS_SELECTOR, "[role=alert]").text
    assert_accessible(driver)


def test_post_find_apply_accept_reserve_and_move_up(driver):
    stamp = str(int(time.time()))[-6:]
    title = f"Spacery po Gdańsku {stamp} z seniorami"

    # The coordinator of Fundacja Pomocna Dłoń (Gdańsk) posts an offer for one volunteer.
    sign_in(driver, "karolina.zawadzka@demo.korpus.local", DEMO_PASSWORD)
    driver.find_element(By.LINK_TEXT, "Fundacja Pomocna Dłoń").click()
    driver.find_element(By.LINK_TEXT, "Oferty organizacji").click()
    assert_accessible(driver)
    organisation_offers = driver.current_url
    driver.find_element(By.LINK_TEXT, "Nowa oferta").click()
    assert_accessible(driver)
    fill(driver, {
        "title": title, "description": "Raz w tygodniu spacerujesz z osobą starszą po parku nad morzem i rozmawiasz o wszystkim.",
        "area": "seniors", "schedule": "regular", "hours_per_week": "3", "locality": "gdansk", "address": "ul. Długa 1",
        "volunteers_needed": "1", "minimum_age": "16", "slot_tue-afternoon": True, "publish": True,
    })
    driver.execute_script("document.getElementById('starts_on').value = '2026-12-01'; document.getElementById('ends_on').value = '2099-06-30';")
    submit(driver)
    WebDriverWait(driver, 30).until(lambda d: "/oferty/" in d.current_url and "/organizacje/" not in d.current_url)
    wait_text(driver, By.TAG_NAME, "h1", lambda t: t == title)
    assert_accessible(driver)
    offer_path = "/" + driver.current_url.split("://", 1)[1].split("/", 1)[1].split("?")[0]

    first = make_driver()
    second = make_driver()
    try:
        # A volunteer finds it by a word without Polish letters, and by distance from Sopot.
        sign_in(first, "anna.kowalska@demo.korpus.local", DEMO_PASSWORD)
        first.get(url("/oferty"))
        fill(first, {"q": f"gdansku {stamp}"})
        first.find_element(By.CSS_SELECTOR, "form.offer-search button[type=submit]").click()
        WebDriverWait(first, 10).until(lambda d: "q=gdansku" in d.current_url)
        first.find_element(By.LINK_TEXT, title)
        first.get(url(f"/oferty?q={stamp}&miejscowosc=sopot&odleglosc=20&sortuj=nearest"))
        first.find_element(By.LINK_TEXT, title).click()
        wait_path(first, offer_path)
        assert_accessible(first)
        fill(first, {"message": "Chętnie pomogę we wtorki."})
        first.find_element(By.CSS_SELECTOR, "main form.stack button[type=submit]").click()
        wait_path(first, "/moje-zgloszenia")
        assert title in first.find_element(By.TAG_NAME, "main").text
        assert_accessible(first)

        # The coordinator accepts the application.
        driver.get(url(offer_path + "/zgloszenia"))
        assert_accessible(driver)
        article = driver.find_element(By.CSS_SELECTOR, "article[aria-label='Anna Kowalska']")
        driver.execute_script("arguments[0].click()", article.find_element(By.CSS_SELECTOR, "input[value=accepted]"))
        article.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        WebDriverWait(driver, 30).until(lambda d: "komunikat=application_decided" in d.current_url)

        # A second volunteer lands on the reserve list.
        sign_in(second, "piotr.nowak@demo.korpus.local", DEMO_PASSWORD)
        second.get(url(offer_path))
        second.find_element(By.CSS_SELECTOR, "main form.stack button[type=submit]").click()
        wait_path(second, "/moje-zgloszenia")
        assert "liście rezerwowej" in second.find_element(By.TAG_NAME, "main").text

        # The first withdraws; the second moves up.
        first.get(url("/moje-zgloszenia"))
        item = [li for li in first.find_elements(By.CSS_SELECTOR, "main li.panel") if title in li.text][0]
        item.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        WebDriverWait(first, 30).until(lambda d: "komunikat=application_withdrawn" in d.current_url)
        assert "Zgłoszenie wycofane." in first.find_element(By.TAG_NAME, "main").text
        second.get(url("/moje-zgloszenia"))
        moved = [li for li in second.find_elements(By.CSS_SELECTOR, "main li.panel") if title in li.text][0]
        assert "przyjęte" in moved.text
        assert_accessible(second)

        # The coordinator sees the applications to all the organisation's offers and filters them.
        driver.get(organisation_offers)
        driver.find_element(By.LINK_TEXT, "Zgłoszenia do ofert organizacji").click()
        Select(driver.find_element(By.ID, "oferta")).select_by_visible_text(title)
        Select(driver.find_element(By.ID, "stan")).select_by_value("accepted")
        driver.find_element(By.CSS_SELECTOR, "main form.search-form button[type=submit]").click()
        WebDriverWait(driver, 30).until(lambda d: "stan=accepted" in d.current_url)
        listed = driver.find_element(By.TAG_NAME, "main").text
        assert "Piotr Nowak" in listed and "Anna Kowalska" not in listed
        assert_accessible(driver)

        # The coordinator finds an offer of help and invites its author, who sees only a first name so far.
        driver.get(url("/oferty-pomocy?q=ukrainski"))
        assert_accessible(driver)
        card = [li for li in driver.find_elements(By.CSS_SELECTOR, "main li.card") if "Oksana" in li.text][0]
        assert "Melnyk" not in card.text
        Select(card.find_element(By.TAG_NAME, "select")).select_by_visible_text(title)
        card.find_element(By.TAG_NAME, "textarea").send_keys("Przydałaby się nam osoba mówiąca po ukraińsku.")
        card.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        WebDriverWait(driver, 30).until(lambda d: "komunikat=volunteer_invited" in d.current_url)
        third = make_driver()
        try:
            sign_in(third, "oksana.melnyk@demo.korpus.local", DEMO_PASSWORD)
            third.get(url("/moje-zgloszenia"))
            assert_accessible(third)
            invitation = [li for li in third.find_elements(By.CSS_SELECTOR, "main li.panel") if title in li.text][0]
            invitation.find_element(By.CSS_SELECTOR, "form input[value=accept] ~ button").click()
            WebDriverWait(third, 30).until(lambda d: "komunikat=application_reserve" in d.current_url)
        finally:
            third.quit()
    finally:
        first.quit()
        second.quit()
