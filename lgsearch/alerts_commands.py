"""`lgsearch alerts send|list|remove`: the cron job and the operator's view of email alerts.
The work is in `indexer.alerts`, shared with the web; this module reads options and prints."""

from __future__ import annotations

import json
import sqlite3
import sys
from contextlib import contextmanager
from pathlib import Path

import click

from indexer.alerts import (
    AlertRunBusy,
    AlertsDatabase,
    Mailer,
    MailSettings,
    RunLock,
    SendReport,
    SettingsError,
    Tokens,
    database_path,
    describe,
    search_from_stored,
    secret_key,
    send_alerts,
)
from indexer.query import IndexUnavailable, InvalidParameter, SearchService

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_SOME_FAILED = 3
# A search for an alert may take longer than a visitor's: it runs in cron, and a search cut short
# is tried again next time rather than taken as the whole answer.
ALERT_TIME_LIMIT = 60.0


class UsageProblem(click.ClickException):
    exit_code = EXIT_USAGE


class Failed(click.ClickException):
    exit_code = EXIT_FAILED


@click.group("alerts")
def alerts_group() -> None:
    """Email alerts: send the new posts to each subscription, list or remove subscriptions."""


def _database(obj: dict) -> Path:
    return database_path(obj["index_dir"])


@contextmanager
def _readable(path: Path):
    """A damaged or foreign alerts database is a plain failure (exit 1) naming the file."""
    try:
        yield
    except sqlite3.DatabaseError as error:
        raise Failed(f"The alerts database {path} cannot be used: {error}.") from None


@alerts_group.command("send")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary on stdout.")
@click.pass_obj
def send_command(obj: dict, as_json: bool) -> None:
    """Email each confirmed subscription the posts new since its last email (run from cron after
    each reindex). Exit 0 done, 3 some emails not sent (tried again next run), 1 failed."""
    try:
        settings = MailSettings.from_environ()
    except SettingsError as error:
        raise UsageProblem(str(error)) from None
    if settings is None:
        raise UsageProblem(
            "Email alerts need an SMTP server: set LGSEARCH_SMTP_HOST, LGSEARCH_MAIL_FROM and "
            "LGSEARCH_PUBLIC_URL (see docs/alerts.md)."
        )
    path = _database(obj)
    from webui import create_app
    from webui.alerts import EmailLinks

    app = create_app({"INDEX_DIR": str(obj["index_dir"]), "ALERTS_MAIL": settings, "ALERTS_DATABASE": str(path)})
    try:
        with (
            _readable(path),
            RunLock(path),
            AlertsDatabase(path) as database,
            SearchService(obj["index_dir"], time_limit=ALERT_TIME_LIMIT) as service,
            Mailer(settings) as mailer,
            app.test_request_context("/"),
        ):
            links = EmailLinks(settings.public_url, app.config["SERVICE_NAME"])
            report = send_alerts(database, service, mailer, Tokens(secret_key(path)), links)
    except AlertRunBusy as error:
        raise Failed(str(error)) from None
    except IndexUnavailable as error:
        raise Failed(f"{error} No alerts were sent.") from None
    if as_json:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False))
    elif obj["verbose"] or sys.stdout.isatty():
        _print_summary(report)
    _print_failed(report)
    if report.unavailable and not report.sent:
        sys.exit(EXIT_FAILED)
    sys.exit(EXIT_SOME_FAILED if report.failed else 0)


def _print_summary(report: SendReport) -> None:
    click.echo(
        f"Sent {report.sent} email{'s' if report.sent != 1 else ''} ({report.posts} new "
        f"post{'s' if report.posts != 1 else ''}) to {report.subscriptions} confirmed "
        f"subscription{'s' if report.subscriptions != 1 else ''}"
        + (f"; {report.waiting} emailed in the last day will get theirs tomorrow" if report.waiting else "")
        + f" ({report.seconds:.1f} seconds)."
    )


def _print_failed(report: SendReport) -> None:
    if report.failed:
        count = len(report.failed)
        click.echo(f"Could not send {count} email{'s' if count != 1 else ''} (the next run tries again):", err=True)
        for failure in report.failed:
            click.echo(f"  {failure.address} ({failure.search}): {failure.reason}", err=True)


@alerts_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the subscriptions as JSON.")
@click.pass_obj
def list_command(obj: dict, as_json: bool) -> None:
    """Every subscription: its address, search, and whether it is confirmed."""
    path = _database(obj)
    subscriptions = []
    if path.exists():
        with _readable(path), AlertsDatabase(path) as database:
            subscriptions = database.all()
    rows = [
        {
            "address": s.address,
            "search": s.search,
            "described": _described(s.search),
            "confirmed": s.confirmed,
            "created_at": s.created_at,
            "confirmed_at": s.confirmed_at,
            "last_sent_at": s.last_sent_at,
        }
        for s in subscriptions
    ]
    if as_json:
        click.echo(json.dumps({"subscriptions": rows}, ensure_ascii=False))
        return
    if not rows:
        click.echo("There are no subscriptions.")
        return
    for row in rows:
        state = "confirmed" if row["confirmed"] else "waiting for confirmation"
        sent = f", last emailed {row['last_sent_at']}" if row["last_sent_at"] else ""
        click.echo(f"{row['address']}: {row['described']} ({state}{sent})")


def _described(query_string: str) -> str:
    try:
        return describe(search_from_stored(query_string))
    except InvalidParameter:
        return query_string


@alerts_group.command("remove")
@click.argument("address")
@click.pass_obj
def remove_command(obj: dict, address: str) -> None:
    """Remove everything kept about ADDRESS: all its subscriptions."""
    address = address.strip()
    if not address:
        raise UsageProblem("Give the email address to remove.")
    path = _database(obj)
    removed = 0
    if path.exists():
        with _readable(path), AlertsDatabase(path) as database:
            removed = database.remove_address(address)
    if removed:
        click.echo(
            f"Removed {removed} subscription{'s' if removed != 1 else ''} for {address}, "
            "and everything else kept about it."
        )
    else:
        click.echo(f"There are no subscriptions for {address}.")
