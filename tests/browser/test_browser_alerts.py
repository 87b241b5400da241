"""Email alerts in a real browser, with a real SMTP server: ask from a results page, confirm by
the link in the email, get an alert after a reindex, unsubscribe by the link in the alert."""

from __future__ import annotations

import threading

import pytest
from click.testing import CliRunner
from playwright.sync_api import expect
from werkzeug.serving import make_server

from helpers import write_post
from indexer.alerts import MailSettings
from indexer.reindex import reindex
from lgsearch.cli import cli
from smtp_server import free_port, smtp_environ, smtp_server
from web.web_corpus import build_index, write_corpus
from webui import create_app

pytestmark = pytest.mark.browser


@pytest.fixture
def alerts_site(tmp_path):
    """(base URL, SMTP handler, environment, corpus, index): the app served with alerts on."""
    corpus = write_corpus(tmp_path / "corpus")
    index_dir = tmp_path / "index"
    build_index(corpus, index_dir)
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    with smtp_server() as (handler, smtp_port):
        environ = smtp_environ(smtp_port, LGSEARCH_PUBLIC_URL=base_url)
        app = create_app({"INDEX_DIR": str(index_dir), "ALERTS_MAIL": MailSettings.from_environ(environ)})
        server = make_server("127.0.0.1", port, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield base_url, handler, environ, corpus, index_dir
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=10)
            app.extensions["lgsearch.search_service"].close()


def test_subscribe_confirm_get_an_alert_and_unsubscribe(browser, alerts_site):
    base_url, handler, environ, corpus, index_dir = alerts_site
    context = browser.new_context(base_url=base_url)
    page = context.new_page()
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))

    page.goto("/search?q=inspection")
    page.get_by_role("link", name="Get emails about this search").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Get emails about this search")
    expect(page.locator(".app-alert-search")).to_have_text("“inspection”")

    # A wrong address first: the error summary and the field say what to do.
    page.get_by_label("Email address").fill("jo at example.org")
    page.get_by_role("button", name="Get emails").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter an email address in the correct format")
    page.get_by_label("Email address").fill("jo@example.org")
    page.get_by_role("button", name="Get emails").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")

    [confirmation] = handler.to("jo@example.org")
    page.goto(confirmation.link("/alerts/confirm/"))
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".govuk-panel__title")).to_have_text("You are subscribed")

    runner = CliRunner()
    assert runner.invoke(cli, ["--index-dir", str(index_dir), "alerts", "send"], env=environ).exit_code == 0
    write_post(
        corpus,
        "blogs/new/fresh-inspection.md",
        "A fresh inspection report",
        "The inspection found strong leadership.",
        date="2026-12-01",
    )
    reindex([corpus], index_dir)
    result = runner.invoke(cli, ["--index-dir", str(index_dir), "alerts", "send"], env=environ)
    assert result.exit_code == 0, result.output

    alert = handler.to("jo@example.org")[-1]
    assert alert.message["Subject"] == "1 new post: “inspection”"
    page.goto(alert.link("/doc/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("A fresh inspection report")

    page.goto(alert.link("/alerts/unsubscribe/"))
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.locator(".govuk-panel__title")).to_have_text("You have unsubscribed")
    result = runner.invoke(cli, ["--index-dir", str(index_dir), "alerts", "list", "--json"], env=environ)
    assert '"subscriptions": []' in result.stdout
    # The one answer that is not 200 is the wrong address's 400, which Chromium logs.
    assert [p for p in problems if "status of 400" not in p] == [] and len(problems) <= 1
    context.close()


def test_the_alert_pages_have_no_wcag_a_or_aa_failures(browser, alerts_site, axe_script):
    from browser.test_browser_accessibility import violations

    base_url, handler, environ, corpus, index_dir = alerts_site
    context = browser.new_context(base_url=base_url, bypass_csp=True)  # to inject axe-core
    page = context.new_page()
    found = {}
    page.goto("/alerts/new?q=inspection&tag=SLI")
    found["form"] = violations(page, axe_script)
    page.get_by_role("button", name="Get emails").click()  # no address: the error summary
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    found["form with an error"] = violations(page, axe_script)
    page.get_by_label("Email address").fill("jo@example.org")
    page.get_by_role("button", name="Get emails").click()
    found["check your email"] = violations(page, axe_script)
    page.goto(handler.to("jo@example.org")[-1].link("/alerts/confirm/"))
    found["confirm"] = violations(page, axe_script)
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".govuk-panel__title")).to_have_text("You are subscribed")
    found["subscribed"] = violations(page, axe_script)
    page.goto("/alerts/unsubscribe/forged")
    found["a link that does not work"] = violations(page, axe_script)
    context.close()
    assert found == {name: [] for name in found}
