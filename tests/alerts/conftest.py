"""Fixtures for the alert tests: a real index, a real SMTP server, the real app and CLI."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from helpers import write_post
from indexer.alerts import MailSettings
from indexer.reindex import reindex
from lgsearch.cli import cli
from smtp_server import Handler, smtp_environ, smtp_server
from webui import create_app


@dataclass
class Mail:
    handler: Handler
    port: int
    environ: dict


@pytest.fixture
def mail():
    with smtp_server() as (handler, port):
        yield Mail(handler, port, smtp_environ(port))


@pytest.fixture
def mail_env(mail, monkeypatch):
    """The SMTP settings in the environment, as cron would give them."""
    for name, value in mail.environ.items():
        monkeypatch.setenv(name, value)
    return mail.environ


@pytest.fixture
def alert_app(built_index, mail):
    app = create_app(
        {"TESTING": True, "INDEX_DIR": str(built_index), "ALERTS_MAIL": MailSettings.from_environ(mail.environ)}
    )
    yield app
    service = app.extensions.get("lgsearch.search_service")
    if service is not None:
        service.close()


class Staff:
    """A member of staff using the web pages, and what arrives in their inbox."""

    def __init__(self, client, handler: Handler):
        self.client = client
        self.handler = handler

    def page(self, url: str, status: int = 200) -> BeautifulSoup:
        response = self.client.get(url)
        assert response.status_code == status, (url, response.status_code, response.get_data(as_text=True)[:3000])
        return BeautifulSoup(response.get_data(as_text=True), "html.parser")

    def post_form(self, url: str, data: dict | None = None):
        """GET the page, then send its form with the signed token in it, as a browser would."""
        form = self.page(url).find("form", method="post")
        fields = {field["name"]: field.get("value", "") for field in form.find_all("input") if field.get("name")}
        fields.update(data or {})
        return self.client.post(form["action"], data=fields)

    def ask(self, address: str, query: str = "q=ofsted"):
        response = self.post_form(f"/alerts/new?{query}", {"email": address})
        assert response.status_code == 303, response.get_data(as_text=True)[:3000]
        assert response.headers["Location"].endswith("/alerts/check-email")
        return response

    def confirm_latest(self, address: str):
        """Follow the confirmation link in the newest email to `address`, and press Confirm."""
        email = self.handler.to(address)[-1]
        link = email.link("/alerts/confirm/")
        response = self.post_form(_local(link))
        assert response.status_code == 200, response.get_data(as_text=True)[:3000]
        assert "You are subscribed" in response.get_data(as_text=True)
        return response

    def subscribe(self, address: str, query: str = "q=ofsted"):
        self.ask(address, query)
        return self.confirm_latest(address)


def _local(link: str) -> str:
    """An emailed link (under LGSEARCH_PUBLIC_URL) as a path for the test client."""
    return link.split("http://lgsearch.test", 1)[1]


local_path = _local


@pytest.fixture
def staff(alert_app, mail):
    return Staff(alert_app.test_client(), mail.handler)


def add_post(corpus_dir: Path, index_dir: Path, name: str, title: str, body: str, **meta) -> None:
    write_post(corpus_dir, name, title, body, **meta)
    report = reindex([corpus_dir], index_dir)
    assert not report.rejected


def remove_post(corpus_dir: Path, index_dir: Path, name: str) -> None:
    (corpus_dir / name).unlink()
    reindex([corpus_dir], index_dir)


def send(runner, index_dir: Path, env: dict, expect: int = 0) -> dict:
    """`lgsearch alerts send --json`, checked for its exit status."""
    result = runner.invoke(cli, ["--index-dir", str(index_dir), "alerts", "send", "--json"], env=env)
    assert result.exit_code == expect, (result.exit_code, result.output, result.stderr)
    return json.loads(result.stdout) if result.stdout.strip() else {}
