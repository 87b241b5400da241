"""The alert pages: the link on results pages, the form, the limits, the links in emails, and
that no page says who is subscribed to what."""

from __future__ import annotations

import sqlite3
import time

import pytest
from bs4 import BeautifulSoup

from alerts.conftest import local_path
from indexer.alerts import Tokens, checked_address, database_path, secret_key
from indexer.alerts import InvalidAddress
from webui import create_app


def test_results_pages_link_to_emails_about_the_same_search(staff):
    page = staff.page("/search?q=ofsted&tag=SLI&sort=newest&page=2&per_page=1")
    link = page.find("a", string="Get emails about this search")
    assert link["href"] == "/alerts/new?q=ofsted&tag=SLI"  # order, page and page size are not the search


def test_without_smtp_settings_there_is_no_link_and_no_alert_pages(built_index):
    app = create_app({"TESTING": True, "INDEX_DIR": str(built_index), "ALERTS_MAIL": None})
    client = app.test_client()
    try:
        assert "Get emails about this search" not in client.get("/search?q=ofsted").get_data(as_text=True)
        assert client.get("/alerts/new?q=ofsted").status_code == 404
    finally:
        service = app.extensions.get("lgsearch.search_service")
        if service:
            service.close()


def test_the_form_says_what_is_kept_and_asks_for_one_address(staff):
    page = staff.page("/alerts/new?q=ofsted&org=Ofsted")
    assert page.h1.get_text() == "Get emails about this search"
    assert page.find(class_="app-alert-search").get_text() == "“ofsted”, Organisation: Ofsted"
    assert "Only your email address and this search" in page.get_text()
    field = page.find("input", id="email")
    assert (field["type"], field["autocomplete"], field["name"]) == ("email", "email", "email")
    assert page.find("input", attrs={"name": "csrf_token"})["value"]


def test_a_search_url_that_is_not_canonical_is_redirected(staff):
    response = staff.client.get("/alerts/new?org=LGA&page=3&q=+ofsted+")
    assert response.status_code == 302
    assert response.headers["Location"] == "/alerts/new?q=ofsted&org=Local+Government+Association"


def test_a_bad_search_parameter_is_a_400_naming_it(staff):
    page = staff.page("/alerts/new?q=ofsted&year=20x4", status=400)
    assert "Year must be 4 digits" in page.get_text()


@pytest.mark.parametrize(
    "typed, message",
    [
        ("", "Enter your email address"),
        ("jo.example.org", "Enter an email address in the correct format, like name@example.com"),
        ("jo@example", "Enter an email address in the correct format, like name@example.com"),
        (
            "jo@example.org\r\nBcc: all@example.org",
            "Enter an email address in the correct format, like name@example.com",
        ),
    ],
)
def test_a_wrong_address_is_shown_beside_the_field(staff, mail, typed, message):
    response = staff.post_form("/alerts/new?q=ofsted", {"email": typed})
    assert response.status_code == 400
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    summary = page.find(class_="govuk-error-summary")
    assert summary.find("a", href="#email").get_text().strip() == message
    assert message in page.find(class_="govuk-error-message").get_text()
    assert page.title.get_text().startswith("Error: ")
    assert mail.handler.messages == []


def test_addresses_are_kept_with_the_domain_in_lower_case():
    assert checked_address("  Jo.Bloggs@Example.GOV.uk ") == "Jo.Bloggs@example.gov.uk"
    with pytest.raises(InvalidAddress):
        checked_address("a" * 250 + "@example.org")


def test_a_form_without_its_token_or_from_another_site_is_refused(staff, mail):
    assert staff.client.post("/alerts/new?q=ofsted", data={"email": "jo@example.org"}).status_code == 400
    token = staff.page("/alerts/new?q=ofsted").find("input", attrs={"name": "csrf_token"})["value"]
    other_site = staff.client.post(
        "/alerts/new?q=ofsted",
        data={"email": "jo@example.org", "csrf_token": token},
        headers={"Origin": "https://elsewhere.example"},
    )
    assert other_site.status_code == 400
    tokens = Tokens(secret_key(database_path(staff.client.application.config["INDEX_DIR"])))
    wrong_purpose = staff.client.post(
        "/alerts/new?q=ofsted", data={"email": "jo@example.org", "csrf_token": tokens.make("form", "confirm")}
    )
    assert wrong_purpose.status_code == 400
    assert mail.handler.messages == []
    assert (
        staff.client.post(
            "/alerts/new?q=ofsted",
            data={"email": "jo@example.org", "csrf_token": token},
            headers={"Origin": "http://localhost"},
        ).status_code
        == 303
    )


def _sent_answer(response) -> tuple:
    return response.status_code, response.headers["Location"], response.get_data()


def test_every_request_gets_the_same_answer_whoever_is_subscribed(staff, mail, monkeypatch):
    monkeypatch.setattr("indexer.alerts.signup.MOST_SEARCHES_AN_ADDRESS", 1)
    first = staff.ask("new@example.org", "q=ofsted")
    staff.confirm_latest("new@example.org")
    again = staff.ask("new@example.org", "q=ofsted")  # already subscribed
    over_limit = staff.ask("new@example.org", "q=academies")  # at its limit
    held = staff.ask("new@example.org", "q=digital")  # past the hour's confirmation emails
    stranger = staff.ask("someone.else@example.org", "q=ofsted")
    assert len({_sent_answer(r) for r in (first, again, over_limit, held, stranger)}) == 1
    page = staff.page("/alerts/check-email")
    assert page.h1.get_text() == "Check your email" and "@" not in page.get_text()


def test_an_address_at_its_limit_is_emailed_its_searches_instead(staff, mail, monkeypatch):
    monkeypatch.setattr("indexer.alerts.signup.MOST_SEARCHES_AN_ADDRESS", 2)
    staff.subscribe("busy@example.org", "q=ofsted")
    staff.ask("busy@example.org", "q=academies")  # waiting for confirmation: it counts too
    staff.ask("busy@example.org", "q=digital")
    limit = mail.handler.to("busy@example.org")[-1]
    assert limit.message["Subject"] == "You already get emails about 2 searches"
    assert len(limit.links("/alerts/unsubscribe/")) == 2
    assert "“ofsted”" in limit.text and "“academies”" in limit.text and "digital" not in limit.text
    assert not limit.links("/alerts/confirm/")
    # Unsubscribing from one makes room.
    staff.post_form(local_path(limit.links("/alerts/unsubscribe/")[0]))
    with sqlite3.connect(database_path(staff.client.application.config["INDEX_DIR"])) as db:
        assert db.execute("SELECT count(*) FROM subscriptions").fetchone()[0] == 1


def test_confirmation_emails_to_one_address_are_limited_each_hour(staff, mail):
    for query in ("q=ofsted", "q=academies", "q=digital", "q=peer", "q=governance"):
        staff.ask("eager@example.org", query)
    assert len(mail.handler.to("eager@example.org")) == 3
    staff.ask("patient@example.org", "q=ofsted")  # others are not held up
    assert len(mail.handler.to("patient@example.org")) == 1


def test_confirmation_emails_to_everyone_are_limited_each_hour(staff, mail, monkeypatch):
    monkeypatch.setattr("indexer.alerts.signup.CONFIRMATIONS_AN_HOUR", 2)
    staff.ask("one@example.org")
    staff.ask("two@example.org")
    response = staff.post_form("/alerts/new?q=ofsted", {"email": "three@example.org"})
    assert response.status_code == 429 and response.headers["Retry-After"] == "3600"
    assert "Try again in an hour" in response.get_data(as_text=True)
    assert len(mail.handler.messages) == 2


def test_following_the_link_asks_before_confirming(staff, mail):
    """Mail scanners open every link in an email; only the button confirms."""
    staff.ask("jo@example.org")
    link = mail.handler.to("jo@example.org")[-1].link("/alerts/confirm/")
    page = staff.page(local_path(link))
    assert page.h1.get_text() == "Confirm you want emails" and page.find("button").get_text().strip() == "Confirm"
    with sqlite3.connect(database_path(staff.client.application.config["INDEX_DIR"])) as db:
        assert db.execute("SELECT confirmed_at FROM subscriptions").fetchone() == (None,)
    staff.confirm_latest("jo@example.org")
    assert "You are subscribed" in staff.page(local_path(link)).get_text()  # following it again is harmless


def _tokens(staff, clock=time.time) -> Tokens:
    return Tokens(secret_key(database_path(staff.client.application.config["INDEX_DIR"])), clock=clock)


def _key(staff) -> str:
    with sqlite3.connect(database_path(staff.client.application.config["INDEX_DIR"])) as db:
        return db.execute("SELECT key FROM subscriptions").fetchone()[0]


def test_an_expired_confirmation_link_says_so_and_offers_a_new_one(staff, mail):
    staff.ask("late@example.org", "q=ofsted")
    eight_days_ago = _tokens(staff, clock=lambda: time.time() - 8 * 86400).make("confirm", _key(staff))
    page = staff.page(f"/alerts/confirm/{eight_days_ago}", status=400)
    assert page.h1.get_text() == "This link has expired"
    assert page.find("a", string="Ask for emails about this search again")["href"] == "/alerts/new?q=ofsted"
    six_days_ago = _tokens(staff, clock=lambda: time.time() - 6 * 86400).make("confirm", _key(staff))
    assert staff.page(f"/alerts/confirm/{six_days_ago}").h1.get_text() == "Confirm you want emails"


def test_forged_and_misused_links_do_not_work(staff, mail):
    staff.subscribe("jo@example.org", "q=ofsted")
    key = _key(staff)
    genuine = _tokens(staff).make("unsubscribe", key)
    forged = Tokens("a guessed secret").make("unsubscribe", key)
    altered = genuine[:-3] + ("AAA" if not genuine.endswith("AAA") else "BBB")
    for token in (forged, altered, "not-a-token", _tokens(staff).make("confirm", key)):
        page = staff.page(f"/alerts/unsubscribe/{token}", status=400)
        assert page.h1.get_text() == "This link does not work"
        assert (
            staff.client.post(f"/alerts/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"}).status_code == 400
        )
    assert staff.page(f"/alerts/confirm/{genuine}", status=400).h1.get_text() == "This link does not work"
    expired = _tokens(staff, clock=lambda: time.time() - 401 * 86400).make("unsubscribe", key)
    assert staff.page(f"/alerts/unsubscribe/{expired}", status=400).h1.get_text() == "This link has expired"
    # Still subscribed after all that.
    assert staff.page(f"/alerts/unsubscribe/{genuine}").h1.get_text() == "Unsubscribe from these emails?"


def test_unsubscribing_by_the_page_button(staff, mail):
    staff.subscribe("jo@example.org", "q=ofsted")
    token = _tokens(staff).make("unsubscribe", _key(staff))
    response = staff.post_form(f"/alerts/unsubscribe/{token}")
    assert "You have unsubscribed" in response.get_data(as_text=True)
    assert staff.page(f"/alerts/unsubscribe/{token}").h1.get_text() == "You are not subscribed"


def test_the_database_and_secret_are_the_owners_alone_and_keep_only_what_is_said(staff, mail):
    staff.subscribe("jo@example.org", "q=ofsted&org=Ofsted")
    path = database_path(staff.client.application.config["INDEX_DIR"])
    assert path.stat().st_mode & 0o777 == 0o600
    assert (path.parent / "alerts.secret").stat().st_mode & 0o777 == 0o600
    with sqlite3.connect(path) as db:
        row = db.execute("SELECT * FROM subscriptions").fetchone()
        columns = [c[0] for c in db.execute("SELECT * FROM subscriptions").description]
    assert columns == [
        "id",
        "key",
        "address",
        "search",
        "created_at",
        "confirmed_at",
        "index_version",
        "alerted_run",
        "last_sent_at",
    ]
    assert (row[2], row[3]) == ("jo@example.org", "q=ofsted&org=Ofsted")


def test_the_secret_can_come_from_the_environment(staff, mail, monkeypatch, built_index):
    monkeypatch.setenv("LGSEARCH_SECRET_KEY", "from the environment")
    app = create_app(
        {"TESTING": True, "INDEX_DIR": str(built_index), "ALERTS_MAIL": staff.client.application.config["ALERTS_MAIL"]}
    )
    staff.client = app.test_client()
    try:
        staff.ask("env@example.org")
        link = mail.handler.to("env@example.org")[-1].link("/alerts/confirm/")
        assert Tokens("from the environment").read("confirm", link.rsplit("/", 1)[1]) == _key(staff)
    finally:
        service = app.extensions.get("lgsearch.search_service")
        if service:
            service.close()


def test_under_a_path_prefix_every_page_and_emailed_link_keeps_it(built_index, mail):
    from werkzeug.middleware.dispatcher import DispatcherMiddleware
    from werkzeug.test import Client

    from indexer.alerts import MailSettings

    settings = MailSettings.from_environ({**mail.environ, "LGSEARCH_PUBLIC_URL": "https://intranet.example/lgsearch"})
    app = create_app({"TESTING": True, "INDEX_DIR": str(built_index), "ALERTS_MAIL": settings})
    client = Client(DispatcherMiddleware(lambda environ, start: [], {"/lgsearch": app}))
    try:
        results = BeautifulSoup(client.get("/lgsearch/search?q=ofsted").get_data(as_text=True), "html.parser")
        assert results.find("a", string="Get emails about this search")["href"] == "/lgsearch/alerts/new?q=ofsted"
        form = BeautifulSoup(client.get("/lgsearch/alerts/new?q=ofsted").get_data(as_text=True), "html.parser")
        post = form.find("form", method="post")
        assert post["action"] == "/lgsearch/alerts/new?q=ofsted"
        response = client.post(
            post["action"], data={"email": "jo@example.org", "csrf_token": post.find("input")["value"]}
        )
        assert (response.status_code, response.headers["Location"]) == (303, "/lgsearch/alerts/check-email")
        email = mail.handler.to("jo@example.org")[-1]
        assert email.link("/alerts/confirm/").startswith("https://intranet.example/lgsearch/alerts/confirm/")
        assert "https://intranet.example/lgsearch/search?q=ofsted" in email.text
        confirm_path = email.link("/alerts/confirm/").split("https://intranet.example", 1)[1]
        assert client.get(confirm_path).status_code == 200
    finally:
        service = app.extensions.get("lgsearch.search_service")
        if service:
            service.close()
