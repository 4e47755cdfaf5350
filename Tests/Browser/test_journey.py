"""The accounts and organisations journey in the browser, in Polish, with axe checks on each page:
register, open the verification mail from the outbox folder, verify, sign in, register an organisation,
an operator verifies it, the representative invites a coordinator, who accepts."""
import os
import struct
import tempfile
import time
import zlib

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import assert_accessible, make_driver, url
from mail import wait_for_link

DEMO_PASSWORD = "Korpus-demo-2026"
PASSWORD = "zielone-jablko-nad-rzeka"


def fill(driver, values):
    for name, value in values.items():
        field = driver.find_element(By.NAME, name)
        if field.tag_name == "select":
            Select(field).select_by_value(value)
        elif field.get_attribute("type") == "checkbox":
            if bool(value) != field.is_selected():
                driver.execute_script("arguments[0].click()", field)
        else:
            field.clear()
            field.send_keys(value)


def submit(driver, form_selector="main form.stack"):
    driver.find_element(By.CSS_SELECTOR, form_selector + " button[type=submit]").click()


def wait_for(driver, by, value, timeout=30):
    """The element once it is on the page: after a form is sent, the next page may still be loading."""
    return WebDriverWait(driver, timeout).until(lambda d: d.find_elements(by, value) and d.find_element(by, value))


def expect_url(driver, fragment, timeout=30):
    """Waits for the address to contain `fragment`; if it does not, says what the page shows instead."""
    try:
        WebDriverWait(driver, timeout).until(lambda d: fragment in d.current_url)
    except Exception:
        problems = driver.find_elements(By.ID, "form-errors")
        shown = problems[0].text if problems else driver.find_element(By.TAG_NAME, "h1").text
        raise AssertionError(f"expected {fragment} in {driver.current_url}; the page says: {shown}")


def wait_path(driver, prefix):
    WebDriverWait(driver, 30).until(lambda d: d.current_url.split("://", 1)[1].split("/", 1)[1].startswith(prefix.lstrip("/")))


def register_and_verify(driver, name, email):
    driver.get(url("/rejestracja"))
    assert driver.find_element(By.TAG_NAME, "h1").text == "Załóż konto"
    assert_accessible(driver)
    fill(driver, {
        "name": name, "email": email, "password": PASSWORD, "password_confirm": PASSWORD,
        "locality": "gdansk", "phone": "+48 600 100 200", "terms": True, "privacy": True,
    })
    driver.execute_script("document.getElementById('date_of_birth').value = '1994-04-04'")
    submit(driver)
    wait_path(driver, "/rejestracja/wyslano")
    assert "Sprawdź pocztę" in driver.find_element(By.TAG_NAME, "h1").text
    driver.get(url(wait_for_link(email, "/rejestracja/potwierdz/")))
    assert_accessible(driver)
    driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    wait_path(driver, "/konto")
    assert "Adres e-mail potwierdzony" in driver.find_element(By.TAG_NAME, "main").text
    assert_accessible(driver)


def sign_in(driver, email, password):
    driver.get(url("/logowanie"))
    fill(driver, {"email": email, "password": password})
    submit(driver)
    wait_path(driver, "/konto")


def sign_out(driver):
    driver.find_element(By.CSS_SELECTOR, "form.sign-out button").click()
    WebDriverWait(driver, 30).until(lambda d: "komunikat=signed_out" in d.current_url)


def tiny_png():
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"\x00\xb0\x12\x2b"
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def test_registration_errors_are_clear_and_accessible(driver):
    driver.get(url("/rejestracja"))
    fill(driver, {"email": "to-nie-jest-adres", "password": "qwerty1234", "password_confirm": "qwerty1234"})
    submit(driver)
    summary = wait_for(driver, By.ID, "form-errors")
    assert "To pole jest wymagane." in summary.text
    assert "Podaj poprawny adres e-mail" in summary.text
    assert "zbyt popularne" in summary.text
    assert driver.find_element(By.ID, "email").get_attribute("aria-invalid") == "true"
    assert driver.find_element(By.ID, "password").get_attribute("value") == ""
    assert_accessible(driver)


def test_the_whole_journey(driver):
    stamp = str(int(time.time() * 1000))
    representative_email = f"ewa.{stamp}@example.org"
    coordinator_email = f"kasia.{stamp}@example.org"
    organisation_name = f"Fundacja Nadmorska {stamp}"

    # A person registers, verifies the address from the mail, signs out and in again.
    register_and_verify(driver, "Ewa Przykładowa", representative_email)
    sign_out(driver)
    driver.get(url("/logowanie"))
    assert_accessible(driver)
    sign_in(driver, representative_email, PASSWORD)

    # They register an organisation, with a logo.
    driver.get(url("/organizacje/nowa"))
    assert_accessible(driver)
    logo = os.path.join(tempfile.mkdtemp(), "logo.png")
    with open(logo, "wb") as f:
        f.write(tiny_png())
    fill(driver, {
        "name": organisation_name, "kind": "foundation", "krs": "0000123456", "nip": "1234563218", "regon": "123456785",
        "street": "ul. Długa 1", "postal_code": "80-831", "locality": "Gdańsk",
        "description": "Pomagamy seniorom w codziennych sprawach i organizujemy spotkania sąsiedzkie.",
        "contact_email": "kontakt@example.org", "accept_rules": True, "accept_charter": True,
    })
    driver.find_element(By.ID, "logo").send_keys(logo)
    submit(driver)
    expect_url(driver, "/zarzadzanie")
    assert wait_for(driver, By.ID, "organisation-status").text == "czeka na weryfikację"
    assert_accessible(driver)
    manage_url = driver.current_url.split("?")[0]

    # The operator of the pomorskie regional partner verifies it.
    operator = make_driver()
    try:
        sign_in(operator, "operator.pomorskie@demo.korpus.local", DEMO_PASSWORD)
        operator.get(url("/partner"))
        assert_accessible(operator)
        article = operator.find_element(By.CSS_SELECTOR, f"article[aria-label='{organisation_name}']")
        operator.execute_script("arguments[0].click()", article.find_element(By.CSS_SELECTOR, "input[value=verify]"))
        article.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        WebDriverWait(operator, 30).until(lambda d: "komunikat=organisation_verified" in d.current_url)
        assert "Organizacja zweryfikowana." in operator.find_element(By.TAG_NAME, "main").text
    finally:
        operator.quit()

    driver.get(manage_url)
    assert wait_for(driver, By.ID, "organisation-status").text == "zweryfikowana"
    # The representative invites a coordinator.
    fill(driver, {"email": coordinator_email})
    submit(driver)
    WebDriverWait(driver, 30).until(lambda d: "komunikat=invitation_sent" in d.current_url)
    assert coordinator_email in driver.find_element(By.TAG_NAME, "main").text

    # The coordinator registers, opens the invitation and accepts it.
    coordinator = make_driver()
    try:
        register_and_verify(coordinator, "Kasia Koordynatorka", coordinator_email)
        coordinator.get(url(wait_for_link(coordinator_email, "/zaproszenia/")))
        assert organisation_name in coordinator.find_element(By.TAG_NAME, "main").text
        assert_accessible(coordinator)
        coordinator.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
        WebDriverWait(coordinator, 30).until(lambda d: "/zarzadzanie" in d.current_url)
        assert "Jesteś teraz koordynatorem tej organizacji." in coordinator.find_element(By.TAG_NAME, "main").text
        assert_accessible(coordinator)
    finally:
        coordinator.quit()

    # The organisation is public now.
    driver.get(url("/organizacje"))
    assert organisation_name in driver.find_element(By.TAG_NAME, "main").text
    assert_accessible(driver)
    driver.find_element(By.LINK_TEXT, organisation_name).click()
    assert driver.find_element(By.TAG_NAME, "h1").text == organisation_name
    assert_accessible(driver)


def test_account_page_and_documents_are_accessible(driver):
    sign_in(driver, "anna.kowalska@demo.korpus.local", DEMO_PASSWORD)
    assert "Anna Kowalska" in driver.find_element(By.TAG_NAME, "main").text
    assert_accessible(driver)
    for kind in ("terms", "privacy", "membership-rules", "values-charter"):
        driver.get(url("/dokumenty/" + kind))
        assert_accessible(driver)
