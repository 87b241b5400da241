"""Nothing lost, nothing sent twice: a run killed half-way, an SMTP server that stops accepting,
refuses, or is not there; one run at a time."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from alerts.conftest import add_post, send
from helpers import REPO_ROOT
from indexer.alerts import AlertsDatabase, Mailer, MailSettings, RunLock, Tokens, database_path, secret_key, send_alerts
from indexer.query import SearchService
from webui.alerts import EmailLinks
from lgsearch.cli import cli
from smtp_server import free_port

ADDRESSES = [f"staff{number}@example.org" for number in range(4)]


def _subscribe_everyone(staff, corpus_dir, built_index):
    for address in ADDRESSES:
        staff.subscribe(address, "q=ofsted")
    add_post(corpus_dir, built_index, "new.md", "Ofsted's new framework", "Ofsted published a framework.")


def _alerts_to(handler, address):
    return [m for m in handler.to(address) if "new post" in m.message["Subject"]]


def test_a_killed_run_sends_the_rest_next_time_and_repeats_nothing(
    staff, mail, mail_env, runner, corpus_dir, built_index
):
    _subscribe_everyone(staff, corpus_dir, built_index)
    confirmations = len(mail.handler.messages)
    command = [sys.executable, "-m", "indexer", "--index-dir", str(built_index), "alerts", "send"]
    process = subprocess.Popen(
        command, cwd=REPO_ROOT, env={**os.environ, **mail_env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )

    def kill_after_two(accepted_so_far: int) -> None:
        # As the third alert begins, the two before it have been accepted and recorded.
        if accepted_so_far - confirmations == 2:
            os.kill(process.pid, signal.SIGKILL)

    mail.handler.on_mail = kill_after_two
    process.communicate(timeout=120)
    assert process.returncode == -signal.SIGKILL
    mail.handler.on_mail = None
    assert len(mail.handler.messages) - confirmations == 2

    report = send(runner, built_index, mail_env)
    assert report["sent"] == 2
    assert [len(_alerts_to(mail.handler, address)) for address in ADDRESSES] == [1, 1, 1, 1]


def test_a_server_that_stops_accepting_is_retried_next_run_and_reported(
    staff, mail, mail_env, runner, corpus_dir, built_index
):
    _subscribe_everyone(staff, corpus_dir, built_index)
    mail.handler.accept_only = len(mail.handler.messages) + 1
    result = runner.invoke(cli, ["--index-dir", str(built_index), "alerts", "send"], env=mail_env)
    assert result.exit_code == 3, result.output
    assert "Could not send 3 emails (the next run tries again):" in result.stderr
    assert "the server said 451 Try again later" in result.stderr
    assert sum(len(_alerts_to(mail.handler, a)) for a in ADDRESSES) == 1

    mail.handler.accept_only = None
    assert send(runner, built_index, mail_env)["sent"] == 3
    assert [len(_alerts_to(mail.handler, address)) for address in ADDRESSES] == [1, 1, 1, 1]


def test_a_server_that_refuses_every_email_fails_them_all_for_next_time(
    staff, mail, mail_env, runner, corpus_dir, built_index
):
    _subscribe_everyone(staff, corpus_dir, built_index)
    mail.handler.refuse_all = "554 Relaying denied"
    report = send(runner, built_index, mail_env, expect=3)
    assert report["sent"] == 0 and len(report["failed"]) == 4
    assert report["failed"][0]["reason"] == "the server said 554 Relaying denied"
    mail.handler.refuse_all = None
    assert send(runner, built_index, mail_env)["sent"] == 4


def test_one_refused_address_does_not_stop_the_others(staff, mail, mail_env, runner, corpus_dir, built_index):
    _subscribe_everyone(staff, corpus_dir, built_index)
    mail.handler.refuse_recipients = {ADDRESSES[1]}
    report = send(runner, built_index, mail_env, expect=3)
    assert report["sent"] == 3
    assert report["failed"] == [
        {
            "address": ADDRESSES[1],
            "search": "“ofsted”",
            "reason": "the server refused the address (550 No such mailbox)",
        }
    ]


def test_no_server_at_all_fails_the_run_and_loses_nothing(staff, mail, mail_env, runner, corpus_dir, built_index):
    _subscribe_everyone(staff, corpus_dir, built_index)
    nowhere = {**mail_env, "LGSEARCH_SMTP_PORT": str(free_port())}
    result = runner.invoke(cli, ["--index-dir", str(built_index), "alerts", "send"], env=nowhere)
    assert result.exit_code == 1, result.output
    assert "Could not connect to the SMTP server at 127.0.0.1:" in result.stderr
    assert send(runner, built_index, mail_env)["sent"] == 4


def test_one_run_at_a_time(staff, mail_env, runner, built_index):
    with RunLock(database_path(built_index)):
        result = runner.invoke(cli, ["--index-dir", str(built_index), "alerts", "send"], env=mail_env)
    assert result.exit_code == 1
    assert f"Another alert run is running (pid {os.getpid()})." in result.stderr


def test_without_smtp_settings_send_is_a_usage_error(runner, built_index, monkeypatch):
    for name in ("LGSEARCH_SMTP_HOST", "LGSEARCH_MAIL_FROM", "LGSEARCH_PUBLIC_URL"):
        monkeypatch.delenv(name, raising=False)
    result = runner.invoke(cli, ["--index-dir", str(built_index), "alerts", "send"])
    assert result.exit_code == 2 and "set LGSEARCH_SMTP_HOST" in result.stderr


def test_a_wrong_setting_is_named(runner, built_index, mail_env):
    for name, value, said in [
        ("LGSEARCH_SMTP_PORT", "twenty-five", "LGSEARCH_SMTP_PORT must be a port number"),
        ("LGSEARCH_SMTP_TLS", "yes", "LGSEARCH_SMTP_TLS must be starttls, ssl or none"),
        ("LGSEARCH_PUBLIC_URL", "lgsearch.example", "Set LGSEARCH_PUBLIC_URL"),
    ]:
        result = runner.invoke(cli, ["--index-dir", str(built_index), "alerts", "send"], env={**mail_env, name: value})
        assert result.exit_code == 2 and said in result.stderr, (name, result.output)


class _Interrupting(Mailer):
    """A real mailer that runs `between` once, after the first email is accepted and recorded,
    as the second begins."""

    def __init__(self, settings, between):
        super().__init__(settings)
        self.between = between
        self.calls = 0

    def send(self, message):
        self.calls += 1
        if self.calls == 2:
            self.between()
        super().send(message)


def _run_with(staff, built_index, mailer):
    path = database_path(built_index)
    with (
        staff.client.application.test_request_context("/"),
        AlertsDatabase(path) as database,
        SearchService(built_index) as service,
        mailer,
    ):
        links = EmailLinks(mailer.settings.public_url, "lgsearch")
        return send_alerts(database, service, mailer, Tokens(secret_key(path)), links)


def test_an_exception_mid_run_loses_nothing(staff, mail, mail_env, runner, corpus_dir, built_index):
    _subscribe_everyone(staff, corpus_dir, built_index)

    def crash():
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _run_with(staff, built_index, _Interrupting(MailSettings.from_environ(mail_env), crash))
    assert send(runner, built_index, mail_env)["sent"] == 3
    assert [len(_alerts_to(mail.handler, address)) for address in ADDRESSES] == [1, 1, 1, 1]


def test_unsubscribing_while_a_run_is_going_stops_its_email(staff, mail, mail_env, corpus_dir, built_index):
    _subscribe_everyone(staff, corpus_dir, built_index)
    path = database_path(built_index)

    def last_one_unsubscribes():
        with AlertsDatabase(path) as database:
            database.remove_address(ADDRESSES[-1])

    report = _run_with(staff, built_index, _Interrupting(MailSettings.from_environ(mail_env), last_one_unsubscribes))
    assert report.sent == 3 and report.failed == []
    assert [len(_alerts_to(mail.handler, address)) for address in ADDRESSES] == [1, 1, 1, 0]


def test_without_an_index_the_run_fails_and_says_so(runner, tmp_path, mail_env):
    result = runner.invoke(cli, ["--index-dir", str(tmp_path / "nothing"), "alerts", "send"], env=mail_env)
    assert result.exit_code == 1
    assert "There is no search index yet. Run `lgsearch index` to build it. No alerts were sent." in result.stderr
