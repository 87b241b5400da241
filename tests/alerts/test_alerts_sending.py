"""`lgsearch alerts send` with a real SMTP server: the confirmation, the alert, the unsubscribe,
what counts as new, and at most one email a day."""

from __future__ import annotations

import datetime

from alerts.conftest import add_post, local_path, remove_post, send
from indexer.alerts import AlertsDatabase, Mailer, MailSettings, Tokens, database_path, secret_key, send_alerts
from indexer.query import SearchService
from webui.alerts import EmailLinks

NEW_OFSTED = (
    "new-ofsted.md",
    "Ofsted's new framework for councils",
    "Ofsted published a new inspection framework this week.",
    {"date": "2024-05-02", "source": "Council Leader Blog"},
)
NEW_OTHER = (
    "new-housing.md",
    "Housing repairs in the winter",
    "Damp and mould need quick repairs.",
    {"date": "2024-05-03"},
)


def test_a_confirmed_search_gets_its_new_posts_once_with_one_click_unsubscribe(
    staff, mail, mail_env, runner, corpus_dir, built_index
):
    staff.ask("jo@example.org", "q=ofsted")
    [confirmation] = mail.handler.to("jo@example.org")
    assert confirmation.message["Subject"].startswith("Confirm you want emails about “ofsted”")
    assert confirmation.sender == "alerts@lgsearch.test"
    staff.confirm_latest("jo@example.org")

    add_post(corpus_dir, built_index, NEW_OFSTED[0], NEW_OFSTED[1], NEW_OFSTED[2], **NEW_OFSTED[3])
    add_post(corpus_dir, built_index, NEW_OTHER[0], NEW_OTHER[1], NEW_OTHER[2], **NEW_OTHER[3])
    report = send(runner, built_index, mail_env)
    assert (report["sent"], report["posts"], report["failed"]) == (1, 1, [])

    alert = mail.handler.to("jo@example.org")[-1]
    assert alert.message["Subject"] == "1 new post: “ofsted”"
    assert "Ofsted's new framework for councils" in alert.text
    assert "http://lgsearch.test/doc/new-ofsted" in alert.text
    assert "2 May 2024 · Council Leader Blog" in alert.text
    assert "Housing repairs" not in alert.text  # new, but not a match
    assert "Preparing for an Ofsted inspection" not in alert.text  # a match, but not new
    assert "Ofsted&#x27;s new framework" in alert.html or "Ofsted's new framework" in alert.html
    unsubscribe = alert.link("/alerts/unsubscribe/")
    assert alert.message["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert alert.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # Sent once: the next run has nothing new for it.
    assert send(runner, built_index, mail_env)["sent"] == 0
    assert len(mail.handler.to("jo@example.org")) == 2

    # A mail program's one-click unsubscribe (RFC 8058), with no form token.
    response = staff.client.post(local_path(unsubscribe), data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    add_post(corpus_dir, built_index, "later-ofsted.md", "Ofsted again", "Ofsted visited again.")
    assert send(runner, built_index, mail_env)["sent"] == 0
    assert len(mail.handler.to("jo@example.org")) == 2


def test_nothing_is_sent_before_the_link_is_followed(staff, mail, mail_env, runner, corpus_dir, built_index):
    staff.ask("sam@example.org", "q=ofsted")
    send(runner, built_index, mail_env)
    add_post(corpus_dir, built_index, NEW_OFSTED[0], NEW_OFSTED[1], NEW_OFSTED[2], **NEW_OFSTED[3])
    report = send(runner, built_index, mail_env)
    assert (report["subscriptions"], report["sent"]) == (0, 0)
    assert len(mail.handler.to("sam@example.org")) == 1  # the confirmation alone


def test_posts_indexed_before_confirmation_are_not_new(staff, mail, mail_env, runner, corpus_dir, built_index):
    staff.ask("kim@example.org", "q=ofsted")
    # Indexed after asking but before confirming, with no alert run in between.
    add_post(corpus_dir, built_index, NEW_OFSTED[0], NEW_OFSTED[1], NEW_OFSTED[2], **NEW_OFSTED[3])
    staff.confirm_latest("kim@example.org")
    assert send(runner, built_index, mail_env)["sent"] == 0
    add_post(corpus_dir, built_index, "after.md", "Ofsted after confirming", "Ofsted came back.")
    assert send(runner, built_index, mail_env)["sent"] == 1
    assert "Ofsted after confirming" in mail.handler.to("kim@example.org")[-1].text
    assert "new framework" not in mail.handler.to("kim@example.org")[-1].text


def test_posts_indexed_between_runs_without_a_run_after_confirming_are_not_new(
    staff, mail, mail_env, runner, corpus_dir, built_index
):
    send(runner, built_index, mail_env)  # alerts are running before anyone subscribes
    add_post(corpus_dir, built_index, NEW_OFSTED[0], NEW_OFSTED[1], NEW_OFSTED[2], **NEW_OFSTED[3])
    staff.subscribe("lee@example.org", "q=ofsted")  # after that reindex, before its alert run
    assert send(runner, built_index, mail_env)["sent"] == 0


def test_a_post_removed_by_a_reindex_is_never_alerted(staff, mail, mail_env, runner, corpus_dir, built_index):
    staff.subscribe("ann@example.org", "q=ofsted")
    add_post(corpus_dir, built_index, "gone.md", "Ofsted, removed before its email", "Ofsted, briefly.")
    add_post(corpus_dir, built_index, "stays.md", "Ofsted, still here", "Ofsted stays.")
    remove_post(corpus_dir, built_index, "gone.md")
    assert send(runner, built_index, mail_env)["posts"] == 1
    latest = mail.handler.to("ann@example.org")[-1]
    assert "Ofsted, still here" in latest.text and "removed before its email" not in latest.text


def _a_day_later(index_dir) -> None:
    """Move every subscription's last email back a day (instead of waiting one)."""
    with AlertsDatabase(database_path(index_dir)) as database, database.transaction() as db:
        db.execute("UPDATE subscriptions SET last_sent_at = '2000-01-01T00:00:00+00:00' WHERE last_sent_at IS NOT NULL")


def test_a_removed_post_seen_by_a_run_that_held_its_email_is_not_alerted(
    staff, mail, mail_env, runner, corpus_dir, built_index
):
    staff.subscribe("ben@example.org", "q=ofsted")
    add_post(corpus_dir, built_index, NEW_OFSTED[0], NEW_OFSTED[1], NEW_OFSTED[2], **NEW_OFSTED[3])
    assert send(runner, built_index, mail_env)["sent"] == 1
    # Seen by a run while its email waits for tomorrow, then removed before tomorrow.
    add_post(corpus_dir, built_index, "brief.md", "Ofsted, here today", "Ofsted, gone tomorrow.")
    assert send(runner, built_index, mail_env)["waiting"] == 1
    remove_post(corpus_dir, built_index, "brief.md")
    add_post(corpus_dir, built_index, "stays.md", "Ofsted, still here", "Ofsted stays.")
    _a_day_later(built_index)
    assert send(runner, built_index, mail_env)["posts"] == 1
    latest = mail.handler.to("ben@example.org")[-1]
    assert "Ofsted, still here" in latest.text and "here today" not in latest.text


def test_at_most_one_email_a_day(staff, mail, built_index, corpus_dir):
    staff.subscribe("day@example.org", "q=ofsted")
    settings = MailSettings.from_environ(mail.environ)
    path = database_path(built_index)
    start = datetime.datetime(2030, 1, 1, 6, 0, tzinfo=datetime.timezone.utc)

    def run_at(moment):
        with (
            staff.client.application.test_request_context("/"),
            AlertsDatabase(path) as database,
            SearchService(built_index) as service,
            Mailer(settings) as mailer,
        ):
            links = EmailLinks(settings.public_url, "lgsearch")
            return send_alerts(database, service, mailer, Tokens(secret_key(path)), links, clock=lambda: moment)

    add_post(corpus_dir, built_index, "one.md", "Ofsted one", "Ofsted on Monday.", date="2030-01-01")
    assert run_at(start).sent == 1
    add_post(corpus_dir, built_index, "two.md", "Ofsted two", "Ofsted on Monday evening.", date="2029-12-30")
    held = run_at(start + datetime.timedelta(hours=12))
    assert (held.sent, held.waiting) == (0, 1)
    add_post(corpus_dir, built_index, "three.md", "Ofsted three", "Ofsted on Tuesday.", date="2030-01-02")
    # The next day's cron run, starting a little earlier than the day before's.
    next_day = run_at(start + datetime.timedelta(days=1, minutes=-5))
    assert (next_day.sent, next_day.posts) == (1, 2)
    latest = mail.handler.to("day@example.org")[-1]
    assert latest.message["Subject"] == "2 new posts: “ofsted”"
    assert latest.text.index("Ofsted three") < latest.text.index("Ofsted two")  # newest first
    assert "Ofsted one" not in latest.text
