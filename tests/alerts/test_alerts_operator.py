"""`lgsearch alerts list` and `lgsearch alerts remove`: the operator's view."""

from __future__ import annotations

import json
import sqlite3

from indexer.alerts import database_path
from lgsearch.cli import cli


def _run(runner, index_dir, *args):
    return runner.invoke(cli, ["--index-dir", str(index_dir), "alerts", *args])


def test_list_shows_every_subscription_and_whether_it_is_confirmed(staff, runner, built_index):
    staff.subscribe("jo@example.org", "q=ofsted&org=Ofsted")
    staff.ask("sam@example.org", "tag=SLI")
    result = _run(runner, built_index, "list", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["subscriptions"]
    assert [(r["address"], r["search"], r["described"], r["confirmed"]) for r in rows] == [
        ("jo@example.org", "q=ofsted&org=Ofsted", "“ofsted”, Organisation: Ofsted", True),
        ("sam@example.org", "tag=SLI", "Tag: SLI", False),
    ]
    assert rows[0]["confirmed_at"] and rows[0]["last_sent_at"] is None and rows[1]["confirmed_at"] is None
    text = _run(runner, built_index, "list").stdout
    assert "jo@example.org: “ofsted”, Organisation: Ofsted (confirmed)" in text
    assert "sam@example.org: Tag: SLI (waiting for confirmation)" in text


def test_list_with_no_subscriptions(runner, built_index):
    assert _run(runner, built_index, "list").stdout == "There are no subscriptions.\n"
    assert json.loads(_run(runner, built_index, "list", "--json").stdout) == {"subscriptions": []}


def test_remove_takes_everything_about_an_address_and_nothing_else(staff, runner, built_index):
    staff.subscribe("jo@example.org", "q=ofsted")
    staff.ask("jo@example.org", "q=academies")
    staff.subscribe("sam@example.org", "q=ofsted")
    result = _run(runner, built_index, "remove", "JO@example.org")
    assert result.exit_code == 0
    assert result.stdout == "Removed 2 subscriptions for JO@example.org, and everything else kept about it.\n"
    with sqlite3.connect(database_path(built_index)) as db:
        everything = "\n".join(
            str(row)
            for table in ("subscriptions", "confirmation_emails", "runs", "posts_seen")
            for row in db.execute(f"SELECT * FROM {table}")
        )
    assert "jo@example.org" not in everything.lower() and "sam@example.org" in everything
    assert (
        _run(runner, built_index, "remove", "jo@example.org").stdout
        == "There are no subscriptions for jo@example.org.\n"
    )


def test_a_damaged_database_is_named_not_a_traceback(runner, built_index):
    database_path(built_index).write_bytes(b"this is not a database\n" * 100)
    for args in (["list"], ["remove", "jo@example.org"]):
        result = _run(runner, built_index, *args)
        assert result.exit_code == 1, result.output
        assert (
            f"The alerts database {database_path(built_index)} cannot be used: file is not a database." in result.stderr
        )
