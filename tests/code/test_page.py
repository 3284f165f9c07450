"""The page for people, in a real headless Chromium driven by Playwright."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from pathlib import Path

import pytest
import uvicorn

from service.app import create_app
from service.deps import get_analyser
from service.settings import Settings

pytestmark = pytest.mark.browser
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[1] / "artifacts"


@pytest.fixture(scope="module")
def base_url(analyser):
    if not Path(CHROMIUM).exists():
        pytest.skip("no Chromium on this machine (make install installs Debian's chromium as root)")
    app = create_app(Settings(models_dir=Path("/nonexistent")), load_model=False)
    app.dependency_overrides[get_analyser] = lambda: analyser
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def page(base_url):
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        context = browser.new_context(viewport={"width": 390, "height": 844})  # a narrow phone
        page = context.new_page()
        yield page
        browser.close()


def ask(page, base_url: str, text: str) -> None:
    page.goto(base_url + "/")
    page.get_by_label("What is happening?").fill(text)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the button, reached with the keyboard
    page.wait_for_selector("#result:not([hidden]), #error:not([hidden])")


def test_answer_shows_banner_causes_and_evidence(page, base_url):
    ask(page, base_url, "my top lip keeps jumping since I quit smoking")
    banner = page.locator("#banner")
    assert "level-self_care" in banner.get_attribute("class")
    assert "Self care" in page.locator("#level").inner_text()
    causes = page.locator("#causes li")
    assert causes.count() == 3
    assert "Nicotine" in causes.first.inner_text()
    assert page.locator("#highlighted mark").count() >= 1
    assert "not a diagnosis" in page.locator("#disclaimer").inner_text().lower()
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "page-self-care.png"), full_page=True)


def test_red_flag_shows_the_emergency_banner(page, base_url):
    ask(page, base_url, "my face is drooping on one side and I can't lift my left arm")
    assert "level-emergency" in page.locator("#banner").get_attribute("class")
    assert "emergency services" in page.locator("#level").inner_text().lower()
    # what the signs may mean comes first; the twitching causes follow with no confident bars
    assert "stroke" in page.locator("#alert").inner_text().lower()
    assert page.locator("#causes-note").is_visible()
    assert page.locator("#causes .bar").count() == 0
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "page-emergency.png"), full_page=True)


def test_emergency_numbers_are_links_that_dial(page, base_url):
    ask(page, base_url, "my face is drooping on one side and I can't lift my left arm")
    links = page.locator("#advice a.call")
    assert sorted(links.nth(i).get_attribute("href") for i in range(links.count())) == [
        "tel:112",
        "tel:911",
        "tel:999",
    ]
    box = links.first.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44  # large enough to tap


def test_another_language_gets_the_message_and_the_numbers(page, base_url):
    ask(page, base_url, "J'ai la paupière qui saute depuis une semaine, surtout le soir")
    message = page.locator("#scope-message")
    assert message.is_visible()
    assert "english" in message.inner_text().lower()
    assert message.locator("a.call").count() == 3
    assert "english" in page.locator("#level").inner_text().lower()
    assert not page.locator("#causes-title").is_visible()  # no empty "Possible causes"
    assert page.locator("#causes li").count() == 0
    assert not page.locator("#advice").is_visible()  # the message is said once


def test_empty_text_is_explained_in_words(page, base_url):
    page.goto(base_url + "/")
    page.locator("#submit").click()
    error = page.locator("#error")
    error.wait_for(state="visible")
    assert "cannot be empty" in error.inner_text()


def test_api_docs_render_with_no_network(page, base_url):
    """Swagger UI's files come from the app (fastapi-offline), not a CDN: every request the
    docs page makes goes to the service itself, and the operations appear."""
    hosts: set[str] = set()
    page.on("request", lambda request: hosts.add(request.url.split("/")[2]))
    page.goto(base_url + "/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=15_000)
    assert "/v1/predict" in page.locator(".swagger-ui").inner_text()
    assert hosts == {base_url.split("/")[2]}, hosts


def test_confidence_reads_as_words_and_a_vague_text_asks_for_detail(page, base_url):
    ask(page, base_url, "my top lip keeps jumping since I quit smoking")
    causes = page.locator("#causes").inner_text()
    assert "%" not in causes
    assert page.locator("#causes .band").first.inner_text() == "likely"
    assert not page.locator("#detail-message").is_visible()
    ask(page, base_url, "my lip twitches")
    assert "not enough detail" in page.locator("#detail-message").inner_text().lower()


def test_out_of_scope_message_is_said_once(page, base_url):
    ask(page, base_url, "how do I fill in my tax return")
    assert page.locator("#scope-message").is_visible()
    assert not page.locator("#advice").is_visible()
    assert not page.locator("#causes-title").is_visible()


def test_follow_up_questions_are_buttons_that_update_the_answer(page, base_url):
    """Reached and pressed with the keyboard; the reply updates the answer in place."""
    ask(page, base_url, "my lip twitches")
    questions = page.locator("#question-list li")
    assert page.locator("#questions").is_visible() and questions.count() >= 1
    first = questions.first
    asked = first.locator(".question-text").inner_text()
    assert first.get_by_role("button", name="Not sure").count() == 1
    first.get_by_role("button", name="No", exact=True).focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#replies:not([hidden])")
    assert asked in page.locator("#replies").inner_text()
    remaining = page.locator("#question-list .question-text").all_inner_texts()
    assert asked not in remaining
    assert page.locator("#result").is_visible()
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "page-questions.png"), full_page=True)


def test_the_page_lists_the_causes_of_the_model_it_serves(page, base_url, analyser):
    """The causes come from the served model's corpus (GET /v1/causes), not from the page."""
    page.goto(base_url + "/")
    page.wait_for_selector("#known:not([hidden])")
    shown = page.locator("#known-causes li").all_text_contents()  # folded: not rendered
    assert shown == [c.name for c in analyser.knowledge.causes]
