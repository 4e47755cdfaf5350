"""The competence self-assessment in the browser, in Polish: Anna (whose hours at Fundacja Pomocna Dłoń are
confirmed with the competences she practised) takes it, pausing half-way, then takes it again; the result
compares the two on the radar chart, shows the hours behind each area and suggests the training that develops
her weakest one; the PDF summary reads right (pdftotext); a shared link works without signing in until she
withdraws it. axe checks every page."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import assert_accessible, make_driver, url, wait_text
from test_documents import pdf_text
from test_journey import DEMO_PASSWORD, sign_in


def answer_page(driver, levels, button="Zapisz i dalej"):
    """Answers every statement of the page (its area's level from `levels`, 3 if not named) and sends it."""
    area = driver.find_element(By.TAG_NAME, "h1").text
    level = levels.get(area, 3)
    for fieldset in driver.find_elements(By.CSS_SELECTOR, "main form fieldset"):
        fieldset.find_element(By.CSS_SELECTOR, f"input[type=radio][value='{level}'] + label").click()
    driver.find_element(By.XPATH, f"//button[normalize-space()='{button}']").click()
    return area


def answer_all(driver, levels):
    """Answers the pages from the current one to the end; the result page opens."""
    while True:
        progress = wait_text(driver, By.ID, "progress-text", lambda t: t.startswith("Obszar"))
        last = progress.endswith("9 z 9")
        answer_page(driver, levels, "Zakończ i zobacz wynik" if last else "Zapisz i dalej")
        if last:
            break
        wait_text(driver, By.ID, "progress-text", lambda t, before=progress: t != before)
    wait_text(driver, By.TAG_NAME, "h1", lambda t: t == "Wynik samooceny kompetencji")


def row(driver, area):
    return driver.find_element(By.XPATH, f"//table[@id='result-table']//tr[th[contains(normalize-space(), '{area}')]]").text


def test_a_volunteer_assesses_herself_twice_and_shares_the_result(driver):
    sign_in(driver, "anna.kowalska@demo.korpus.local", DEMO_PASSWORD)
    driver.find_element(By.LINK_TEXT, "Kompetencje").click()
    wait_text(driver, By.TAG_NAME, "h1", lambda t: t == "Samoocena kompetencji")
    hours = driver.find_element(By.ID, "evidence-hours").text
    assert "Troska o innych" in hours and "Komunikacja" in hours
    assert "Youthpass" in driver.find_element(By.TAG_NAME, "main").text
    assert_accessible(driver)

    # The first page: progress shown; "next" without answers asks for them.
    driver.find_element(By.XPATH, "//button[normalize-space()='Rozpocznij samoocenę']").click()
    wait_text(driver, By.ID, "progress-text", lambda t: t == "Obszar 1 z 9")
    assert driver.find_element(By.TAG_NAME, "h1").text == "Komunikacja"
    assert_accessible(driver)
    driver.find_element(By.XPATH, "//button[normalize-space()='Zapisz i dalej']").click()
    errors = wait_text(driver, By.ID, "form-errors", lambda t: "Zaznacz odpowiedź na to stwierdzenie." in t)
    assert errors
    assert_accessible(driver)

    # Two pages, then a pause; continuing opens the third.
    answer_page(driver, {}, "Zapisz i dalej")
    wait_text(driver, By.ID, "progress-text", lambda t: t == "Obszar 2 z 9")
    answer_page(driver, {}, "Zapisz i dalej")
    wait_text(driver, By.ID, "progress-text", lambda t: t == "Obszar 3 z 9")
    driver.find_element(By.XPATH, "//button[normalize-space()='Zapisz i dokończ później']").click()
    wait_text(driver, By.ID, "in-progress", lambda t: "odpowiedzi 8 z 33" in t)
    driver.find_element(By.XPATH, "//button[normalize-space()='Kontynuuj samoocenę']").click()
    wait_text(driver, By.ID, "progress-text", lambda t: t == "Obszar 3 z 9")
    answer_all(driver, {})
    assert driver.find_elements(By.ID, "radar-current") and not driver.find_elements(By.ID, "radar-previous")
    assert_accessible(driver)

    # Again, months of visits later: communication rated low, the rest higher.
    driver.find_element(By.XPATH, "//button[normalize-space()='Wypełnij samoocenę ponownie']").click()
    wait_text(driver, By.ID, "progress-text", lambda t: t == "Obszar 1 z 9")
    levels = {area: 4 for area in ["Praca w zespole", "Organizacja i planowanie", "Rozwiązywanie problemów", "Przywództwo",
                                   "Kompetencje cyfrowe", "Kompetencje międzykulturowe i obywatelskie", "Troska o innych",
                                   "Zarządzanie projektem"]}
    levels["Komunikacja"] = 2
    answer_all(driver, levels)
    assert "Porównanie z wynikiem z" in driver.find_element(By.ID, "result-intro").text
    assert driver.find_elements(By.ID, "radar-previous"), "the chart compares with the earlier result"
    care = row(driver, "Troska o innych")
    assert "4" in care and "+1" in care and "Godziny potwierdzone przez organizacje" in care
    communication = row(driver, "Komunikacja")
    assert "−1" in communication and "Godziny potwierdzone przez organizacje" in communication
    assert "jeszcze brak" in row(driver, "Kompetencje cyfrowe")
    suggestions = driver.find_element(By.CSS_SELECTOR, "article.suggestion").text
    assert suggestions.startswith("Komunikacja") and "Komunikacja w zespole wolontariuszy" in suggestions
    assert_accessible(driver)

    # The PDF summary for a CV.
    text = pdf_text(driver, "Pobierz podsumowanie w PDF")
    for phrase in ["Samoocena kompetencji wolontariackich", "Anna Kowalska", "1. Komunikacja", "Samoocena: 2 / 5 (poprzednio 3)",
                   "Troska o innych", "Godziny potwierdzone przez organizacje", "Zarządzanie projektem"]:
        assert phrase in text, phrase

    # A link for a future employer: readable without signing in, until withdrawn.
    driver.find_element(By.XPATH, "//button[normalize-space()='Utwórz link do wyniku']").click()
    link = WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.ID, "share-address") and d.find_element(By.ID, "share-address"))
    address = link.get_attribute("value")
    assert "/kompetencje/udostepnione/" in address
    assert_accessible(driver)
    reader = make_driver()
    try:
        reader.get(address)
        wait_text(reader, By.TAG_NAME, "h1", lambda t: t == "Samoocena kompetencji: Anna Kowalska")
        assert reader.find_elements(By.ID, "radar-current") and "Troska o innych" in reader.find_element(By.ID, "result-table").text
        assert "Jak rozwijać słabsze obszary" not in reader.find_element(By.TAG_NAME, "main").text
        assert not reader.find_elements(By.ID, "radar-previous"), "only the shared result is shown"
        assert_accessible(reader)
        driver.get(url("/kompetencje"))
        driver.find_element(By.XPATH, "//ul[@id='shares']//button").click()
        WebDriverWait(driver, 30).until(lambda d: "komunikat=competence_link_revoked" in d.current_url)
        reader.get(address)
        wait_text(reader, By.TAG_NAME, "main", lambda t: "Właściciel wycofał ten link" in t)
    finally:
        reader.quit()
