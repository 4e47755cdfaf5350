"""Events in the browser, in Polish: a partner publishes a training with 2 places, three people register and
the third waits, one cancels and the third moves up (and is e-mailed), attendance is marked, the certificate
is issued and its code verifies; a counselling time is booked, and both are in the person's calendar feed.
axe checks every page."""
import datetime
import re
import time
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.support.expected_conditions import staleness_of
from selenium.webdriver.support.ui import WebDriverWait

from conftest import assert_accessible, make_driver, url, wait_text
from mail import wait_for_subject
from test_documents import pdf_text
from test_journey import DEMO_PASSWORD, fill, sign_in, submit

TITLE = "Szkolenie podstawowe — przeglądarka"


def local(days, hour):
    day = datetime.date.today() + datetime.timedelta(days=days)
    return f"{day.isoformat()}T{hour:02d}:00"


def register(driver, email, event_path):
    sign_in(driver, email, DEMO_PASSWORD)
    driver.get(url(event_path))
    driver.find_element(By.ID, "register-button").click()
    WebDriverWait(driver, 30).until(lambda d: "komunikat=event_" in d.current_url)
    return driver.find_element(By.ID, "my-registration").text


def test_a_training_fills_up_the_third_moves_up_and_the_certificate_verifies(driver):
    # The Pomeranian regional partner publishes a training with two places.
    sign_in(driver, "operator.pomorskie@demo.korpus.local", DEMO_PASSWORD)
    driver.find_element(By.LINK_TEXT, "Wydarzenia").click()
    wait_text(driver, By.TAG_NAME, "h1", lambda t: t == "Szkolenia i wydarzenia")
    assert_accessible(driver)
    driver.find_element(By.LINK_TEXT, "Dodaj wydarzenie").click()
    wait_text(driver, By.TAG_NAME, "h1", lambda t: t == "Dodaj wydarzenie")
    assert_accessible(driver)
    organiser = driver.find_element(By.CSS_SELECTOR, "#organiser option:nth-child(2)").get_attribute("value")
    fill(driver, {"organiser": organiser, "kind": "basic_training", "title": TITLE,
                  "description": "Prawa i obowiązki wolontariusza, porozumienie, bezpieczeństwo — dwa spotkania.",
                  "audience_volunteers": True, "voivodeship": "22", "locality": "Gdańsk", "address": "ul. Długa 12, sala 3"})
    for field, value in {"session_1_start": local(3, 17), "session_1_end": local(3, 20),
                         "session_2_start": local(4, 17), "session_2_end": local(4, 20)}.items():
        driver.execute_script("document.getElementById(arguments[0]).value = arguments[1]", field, value)
    driver.execute_script("document.getElementById('capacity').value = '2'")
    submit(driver)
    WebDriverWait(driver, 30).until(lambda d: "komunikat=event_created" in d.current_url)
    event_path = "/" + driver.current_url.split("://", 1)[1].split("/", 1)[1].split("?")[0]
    assert driver.find_element(By.ID, "event-places").text == "Zostały 2 miejsca"
    assert_accessible(driver)

    # Three people register: the third goes to the waitlist.
    people = {}
    try:
        for email in ["anna.kowalska", "piotr.nowak", "oksana.melnyk"]:
            people[email] = make_driver()
            shown = register(people[email], f"{email}@demo.korpus.local", event_path)
            assert shown == ("Jesteś na liście rezerwowej (miejsce 1)." if email == "oksana.melnyk" else "Jesteś zapisany(-a).")
        assert_accessible(people["oksana.melnyk"])

        # Piotr cancels; Oksana moves up and is told by e-mail.
        since = time.time()
        people["piotr.nowak"].find_element(By.ID, "cancel-button").click()
        WebDriverWait(people["piotr.nowak"], 30).until(lambda d: "komunikat=event_cancelled" in d.current_url)
        assert wait_for_subject(f"Zwolniło się miejsce: {TITLE}", since=since) == "oksana.melnyk@demo.korpus.local"
        people["oksana.melnyk"].get(url(event_path))
        assert people["oksana.melnyk"].find_element(By.ID, "my-registration").text == "Jesteś zapisany(-a)."

        # The partner marks both sessions for Anna, the first only for Oksana, and issues certificates.
        driver.get(url(event_path))
        driver.find_element(By.ID, "manage-event").click()
        wait_text(driver, By.TAG_NAME, "h1", lambda t: t.startswith("Zapisani i obecność"))
        assert_accessible(driver)
        forms = len(driver.find_elements(By.CSS_SELECTOR, "form.panel"))
        assert forms == 2
        for index, names in enumerate([["Anna Kowalska", "Oksana Melnyk"], ["Anna Kowalska"]]):
            form = driver.find_elements(By.CSS_SELECTOR, "form.panel")[index]
            for label in form.find_elements(By.CSS_SELECTOR, ".check label"):
                if label.text in names:
                    label.click()
            form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
            WebDriverWait(driver, 30).until(staleness_of(form))
            WebDriverWait(driver, 30).until(lambda d: "komunikat=attendance_saved" in d.current_url)
        table = driver.find_element(By.ID, "registrants").text
        assert "Anna Kowalska" in table and "Oksana Melnyk" in table
        driver.find_element(By.ID, "issue-certificates").click()
        WebDriverWait(driver, 30).until(lambda d: "komunikat=event_certificates_issued" in d.current_url)
        assert_accessible(driver)

        # Anna downloads her certificate; its code verifies. Her calendar feed has the training.
        anna = people["anna.kowalska"]
        anna.get(url("/moje-wydarzenia"))
        wait_text(anna, By.TAG_NAME, "h1", lambda t: t == "Moje wydarzenia")
        text = pdf_text(anna, "Pobierz zaświadczenie (PDF)")
        assert "Zaświadczenie ukończenia" in text and "Anna Kowalska" in text and TITLE in text
        code = re.search(r"Kod weryfikacyjny: (\S+)", text).group(1)
        # She books a counselling time; it shows among her events and in the same feed.
        anna.get(url("/wydarzenia"))
        anna.find_element(By.LINK_TEXT, "Poradnictwo: zarezerwuj konsultację").click()
        wait_text(anna, By.TAG_NAME, "h1", lambda t: t == "Poradnictwo")
        assert_accessible(anna)
        slot = anna.find_elements(By.CSS_SELECTOR, "#slots form")[0]
        slot.find_element(By.TAG_NAME, "textarea").send_keys("Jak rozliczyć koszty dojazdu wolontariuszy?")
        slot.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        WebDriverWait(anna, 30).until(lambda d: "komunikat=counselling_booked" in d.current_url)
        assert "Jak rozliczyć koszty dojazdu" in anna.find_element(By.ID, "my-bookings").text
        anna.find_element(By.XPATH, "//button[contains(., 'Utwórz adres kalendarza')]").click()
        WebDriverWait(anna, 30).until(lambda d: "komunikat=feed_renewed" in d.current_url)
        assert_accessible(anna)
        feed = anna.find_element(By.ID, "feed-url").text
        with urllib.request.urlopen(feed, timeout=30) as response:
            calendar = response.read().decode("utf-8")
        assert "BEGIN:VEVENT" in calendar and "SUMMARY:Konsultacja" in calendar
    finally:
        for browser in people.values():
            browser.quit()

    public = make_driver()
    try:
        public.get(url("/weryfikacja"))
        fill(public, {"kod": code})
        public.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
        wait_text(public, By.CSS_SELECTOR, "#verification-result h2", lambda t: t == "Zaświadczenie ukończenia jest prawdziwe")
        assert "Anna Kowalska" in public.find_element(By.ID, "verification-result").text
    finally:
        public.quit()


def test_a_camp_takes_applications_and_the_organiser_selects(driver):
    # Jan applies to the demo camp in Ustka, answering the organiser's questions.
    sign_in(driver, "jan.wisniewski@demo.korpus.local", DEMO_PASSWORD)
    driver.get(url("/wydarzenia?rodzaj=camp"))
    driver.find_element(By.PARTIAL_LINK_TEXT, "Obóz wolontariacki nad morzem").click()
    wait_text(driver, By.TAG_NAME, "h1", lambda t: t.startswith("Obóz wolontariacki"))
    assert_accessible(driver)
    fill(driver, {"answer_1": "Chcę pomóc przy sprzątaniu plaż.", "answer_2": "Tak, prowadziłem zajęcia dla wnuków i ich kolegów."})
    driver.find_element(By.ID, "register-button").click()
    WebDriverWait(driver, 30).until(lambda d: "komunikat=event_applied" in d.current_url)
    assert driver.find_element(By.ID, "my-registration").text == "Twoje zgłoszenie czeka na decyzję organizatora."
    camp_path = "/" + driver.current_url.split("://", 1)[1].split("/", 1)[1].split("?")[0]

    # The Słupsk partner reads the answers and selects him; he is told.
    organiser = make_driver()
    try:
        sign_in(organiser, "operator.slupsk@demo.korpus.local", DEMO_PASSWORD)
        organiser.get(url(camp_path))
        organiser.find_element(By.ID, "manage-event").click()
        wait_text(organiser, By.TAG_NAME, "h1", lambda t: t.startswith("Zapisani i obecność"))
        applications = organiser.find_element(By.ID, "applications").text
        assert "Jan Wiśniewski" in applications and "sprzątaniu plaż" in applications
        assert_accessible(organiser)
        since = time.time()
        organiser.find_element(By.XPATH, "//ul[@id='applications']//button[contains(., 'Przyjmij')]").click()
        WebDriverWait(organiser, 30).until(lambda d: "komunikat=applicant_selected" in d.current_url)
        assert "Jan Wiśniewski" in organiser.find_element(By.ID, "registrants").text
        assert wait_for_subject("Przyjęto Cię: Obóz wolontariacki nad morzem — Ustka", since=since) == "jan.wisniewski@demo.korpus.local"
    finally:
        organiser.quit()
    driver.get(url(camp_path))
    assert driver.find_element(By.ID, "my-registration").text == "Jesteś zapisany(-a)."
