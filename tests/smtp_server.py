"""A real SMTP server for the alert tests (aiosmtpd on 127.0.0.1), keeping what it receives and
able to misbehave on cue: refuse every message, refuse after some, or run a hook as a message
begins (to kill the process sending, say)."""

from __future__ import annotations

import email
import email.policy
import re
import socket
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable

from aiosmtpd.controller import Controller

LINK = re.compile(r"https?://[^\s<>\"]+")


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: email.message.EmailMessage

    @property
    def text(self) -> str:
        return self.message.get_body(("plain",)).get_content()

    @property
    def html(self) -> str:
        return self.message.get_body(("html",)).get_content()

    def links(self, containing: str = "") -> list[str]:
        return [link for link in LINK.findall(self.text) if containing in link]

    def link(self, containing: str) -> str:
        found = self.links(containing)
        assert len(found) == 1, (containing, found, self.text)
        return found[0]


@dataclass
class Handler:
    messages: list[Received] = field(default_factory=list)
    refuse_all: str | None = None  # an SMTP reply to every MAIL FROM, like "554 No thanks"
    accept_only: int | None = None  # accept this many messages, then refuse the rest
    refuse_recipients: set[str] = field(default_factory=set)
    on_mail: Callable[[int], None] | None = None  # called with how many messages were accepted so far
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.on_mail is not None:
            self.on_mail(len(self.messages))
        if self.refuse_all:
            return self.refuse_all
        if self.accept_only is not None and len(self.messages) >= self.accept_only:
            return "451 Try again later"
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse_recipients:
            return "550 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        with self.lock:
            self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted"

    def to(self, address: str) -> list[Received]:
        return [m for m in self.messages if address in m.recipients]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def smtp_server(**controller_options):
    """(handler, port): a server on 127.0.0.1 for the block's length."""
    handler = Handler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, **controller_options)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def smtp_environ(port: int, **extra) -> dict[str, str]:
    """The environment `lgsearch alerts send` and the web read, for a server on `port`."""
    env = {
        "LGSEARCH_SMTP_HOST": "127.0.0.1",
        "LGSEARCH_SMTP_PORT": str(port),
        "LGSEARCH_SMTP_TLS": "none",
        "LGSEARCH_MAIL_FROM": "alerts@lgsearch.test",
        "LGSEARCH_PUBLIC_URL": "http://lgsearch.test",
    }
    env.update(extra)
    return env
