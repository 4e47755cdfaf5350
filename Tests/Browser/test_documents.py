"""Agreements and certificates in the browser, in Polish: a minor's agreement is prepared by the association
and accepted by her, by the association and by her mother from the link in her e-mail; a volunteer asks for a
certificate, her coordinator issues it, its PDF reads right (pdftotext) and its code verifies on the public
page while a tampered one fails. axe checks every page."""
import os
import re
import subprocess
import tempfile
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import assert_accessible, make_driver, url, wait_text
from mail import wait_for_link
from test_journey import DEMO_PASSWORD, fill, sign_in, submit


def accept_agreement(driver):
    driver.find_element(By.XPATH, "//button[normalize-space()='Akceptuję porozumienie']").click()
    WebDriverWait(driver, 30).until(lambda d: "komunikat=agreement_accepted" in d.current_url)


def test_a_minors_agreement_is_accepted_by_her_the_association_and_her_guardian(driver):
    # Adam Sikora represents Stowarzyszenie Razem dla Słupska, which accepted Zofia Kaczmarek (seeded).
    sign_in(driver, "adam.sikora@demo.korpus.local", DEMO_PASSWORD)
    driver.find_element(By.LINK_TEXT, "Stowarzyszenie Razem dla Słupska").click()
    driver.find_element(By.LINK_TEXT, "Wolontariusze organizacji: porozumienia i zaświadczenia").click()
    wait_text(driver, By.TAG_NAME, "h1", lambda t: t.startswith("Wolontariusze organizacji"))
    assert_accessible(driver)
    row = driver.find_element(By.XPATH, "//tr[th[normalize-space()='Zofia Kaczmarek']]")
    row.find_element(By.PARTIAL_LINK_TEXT, "brak porozumienia").click()
    driver.find_element(By.ID, "prepare-agreement").click()
    wait_text(driver, By.TAG_NAME, "h1", lambda t: t == "Przygotuj porozumienie")
    assert "Wolontariusz wykonuje świadczenia osobiście" in driver.find_element(By.ID, "manner").get_attribute("value")
    assert_accessible(driver)
    # An empty scope is refused beside the field; then it is written and sent.
    fill(driver, {"scope": ""})
    submit(driver)
    WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.ID, "form-errors"))
    assert "Zakres świadczeń" in driver.find_element(By.ID, "form-errors").text
    assert_accessible(driver)
    fill(driver, {"scope": "Pomoc trenerowi na zajęciach piłkarskich dla dzieci: sprzęt, rozgrzewka, kibicowanie."})
    submit(driver)
    WebDriverWait(driver, 30).until(lambda d: "komunikat=agreement_prepared" in d.current_url)
    assert driver.find_element(By.ID, "agreement-status").text == "czeka na akceptację"
    parties = driver.find_element(By.ID, "agreement-parties").text
    assert "Przedstawiciel ustawowy: czeka na akceptację" in parties
    assert_accessible(driver)
    accept_agreement(driver)
    agreement_path = driver.current_url.split("?")[0]

    # Zofia sees it waiting for her and accepts it.
    volunteer = make_driver()
    try:
        sign_in(volunteer, "zofia.kaczmarek@demo.korpus.local", DEMO_PASSWORD)
        volunteer.get(url("/moje-godziny"))
        panel = volunteer.find_element(By.ID, "my-engagements").text
        assert "czeka na Twoją akceptację" in panel
        volunteer.find_element(By.CSS_SELECTOR, "#my-engagements a[href$='/porozumienie']").click()
        wait_text(volunteer, By.TAG_NAME, "h1", lambda t: t == "Porozumienie wolontariackie")
        assert "Zakres świadczeń" in volunteer.find_element(By.TAG_NAME, "main").text
        assert_accessible(volunteer)
        accept_agreement(volunteer)
        assert volunteer.find_element(By.ID, "agreement-status").text == "czeka na akceptację"
    finally:
        volunteer.quit()

    # Her mother accepts from the link in her e-mail, without an account.
    guardian = make_driver()
    try:
        guardian.get(url(wait_for_link("marta.kaczmarek@demo.korpus.local", "/porozumienie-opiekuna/")))
        wait_text(guardian, By.TAG_NAME, "h1", lambda t: t.startswith("Porozumienie wolontariackie"))
        assert "Zofia Kaczmarek" in guardian.find_element(By.TAG_NAME, "main").text
        assert_accessible(guardian)
        fill(guardian, {"guardian_name": "Marta Kaczmarek", "consent": True})
        submit(guardian)
        wait_text(guardian, By.TAG_NAME, "h1", lambda t: t == "Dziękujemy")
        assert_accessible(guardian)
    finally:
        guardian.quit()

    driver.get(agreement_path)
    assert driver.find_element(By.ID, "agreement-status").text == "zawarte"
    assert "Marta Kaczmarek" in driver.find_element(By.ID, "agreement-parties").text


def download(driver, href):
    """A file the signed-in browser may download, fetched with its session cookie."""
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())
    request = urllib.request.Request(url(href), headers={"Cookie": cookies})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.headers["Content-Type"] == "application/pdf"
        return response.read()


def pdf_text(driver, link_text):
    """The text of the PDF behind a link on the page, read by pdftotext, its lines joined (paragraphs wrap
    where the page ends)."""
    link = driver.find_element(By.PARTIAL_LINK_TEXT, link_text)
    pdf = download(driver, link.get_attribute("href").replace(url(""), ""))
    with tempfile.NamedTemporaryFile(suffix=".pdf", delete=False) as f:
        f.write(pdf)
    try:
        return " ".join(subprocess.run(["pdftotext", f.name, "-"], check=True, capture_output=True, text=True).stdout.split())
    finally:
        os.unlink(f.name)


def test_a_certificate_is_issued_and_its_code_verifies_while_a_tampered_one_fails(driver):
    # Anna asks Fundacja Pomocna Dłoń for a certificate.
    sign_in(driver, "anna.kowalska@demo.korpus.local", DEMO_PASSWORD)
    driver.get(url("/moje-godziny"))
    panel = next(p for p in driver.find_elements(By.CSS_SELECTOR, "#my-engagements > li") if "Fundacja Pomocna Dłoń" in p.text)
    panel.find_element(By.TAG_NAME, "summary").click()
    panel.find_element(By.TAG_NAME, "textarea").send_keys("Do dokumentów na studia, proszę.")
    panel.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(driver, 30).until(lambda d: "komunikat=certificate_requested" in d.current_url)
    assert_accessible(driver)

    # Karolina Zawadzka issues it from the link in her e-mail.
    coordinator = make_driver()
    try:
        sign_in(coordinator, "karolina.zawadzka@demo.korpus.local", DEMO_PASSWORD)
        coordinator.get(url(wait_for_link("karolina.zawadzka@demo.korpus.local", "/wystaw")))
        wait_text(coordinator, By.TAG_NAME, "h1", lambda t: t == "Wystaw zaświadczenie")
        assert "Do dokumentów na studia" in coordinator.find_element(By.TAG_NAME, "main").text
        assert_accessible(coordinator)
        fill(coordinator, {"scope": "Odwiedziny u seniorów: zakupy, spacery, rozmowa; pomoc przy paczkach świątecznych.",
                           "opinion": "Anna jest sumienna, życzliwa i punktualna. Polecamy ją z pełnym przekonaniem."})
        submit(coordinator)
        WebDriverWait(coordinator, 30).until(lambda d: "komunikat=certificate_issued" in d.current_url)
        assert_accessible(coordinator)
    finally:
        coordinator.quit()

    # Anna downloads the PDF: the Polish text reads right.
    driver.get(url("/moje-godziny"))
    text = pdf_text(driver, "Pobierz zaświadczenie (PDF)")
    assert "Zaświadczenie o wykonywaniu świadczeń wolontariackich" in text
    assert "Fundacja Pomocna Dłoń zaświadcza, że Anna Kowalska" in text
    assert "Odwiedziny u seniorów: zakupy, spacery, rozmowa; pomoc przy paczkach świątecznych." in text
    assert "sumienna, życzliwa" in text
    code = re.search(r"Kod weryfikacyjny: (\S+)", text).group(1)

    # Anyone checks the code on the public page; one character changed is not genuine.
    public = make_driver()
    try:
        public.get(url("/"))
        public.find_element(By.LINK_TEXT, "Sprawdź dokument").click()
        fill(public, {"kod": code})
        public.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
        wait_text(public, By.CSS_SELECTOR, "#verification-result h2", lambda t: t == "Zaświadczenie jest prawdziwe")
        result = public.find_element(By.ID, "verification-result").text
        assert "Anna Kowalska" in result and "Fundacja Pomocna Dłoń" in result and "sumienna" not in result
        assert_accessible(public)
        tampered = code[:40] + ("B" if code[40] == "A" else "A") + code[41:]
        fill(public, {"kod": tampered})
        public.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
        wait_text(public, By.CSS_SELECTOR, "#verification-result h2", lambda t: t == "Dokument nie jest prawdziwy")
        assert_accessible(public)
    finally:
        public.quit()
