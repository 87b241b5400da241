"""What alerts need from the environment: the SMTP server, the sender, the public address, and
where subscriptions are kept. Read once, checked, and turned into plain values."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping
from urllib.parse import urlsplit

TLS_MODES = ("starttls", "ssl", "none")
DEFAULT_PORT = 25
DATABASE_NAME = "alerts.sqlite3"


class SettingsError(ValueError):
    """An alerts setting in the environment has a value it cannot take; the message names it."""


@dataclass(frozen=True)
class MailSettings:
    """How to send email, and the address links in emails start with."""

    host: str
    mail_from: str
    public_url: str
    port: int = DEFAULT_PORT
    user: str | None = None
    password: str | None = None
    tls: str = "starttls"
    timeout: float = 30.0  # seconds for each SMTP step, so a stuck server never hangs cron

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> "MailSettings | None":
        """The settings, or None when LGSEARCH_SMTP_HOST is unset (alerts are off).
        Raises SettingsError for a setting that is missing or wrong."""
        env = os.environ if environ is None else environ
        host = (env.get("LGSEARCH_SMTP_HOST") or "").strip()
        if not host:
            return None
        port_text = (env.get("LGSEARCH_SMTP_PORT") or "").strip() or str(DEFAULT_PORT)
        if not port_text.isdigit() or not 1 <= int(port_text) <= 65535:
            raise SettingsError(f"LGSEARCH_SMTP_PORT must be a port number from 1 to 65535 (it is “{port_text}”).")
        tls = (env.get("LGSEARCH_SMTP_TLS") or "").strip().lower() or "starttls"
        if tls not in TLS_MODES:
            raise SettingsError(f"LGSEARCH_SMTP_TLS must be starttls, ssl or none (it is “{tls}”).")
        mail_from = (env.get("LGSEARCH_MAIL_FROM") or "").strip()
        if not mail_from or "@" not in mail_from:
            raise SettingsError(
                "Set LGSEARCH_MAIL_FROM to the address alerts are sent from, like lgsearch@example.gov.uk."
            )
        public_url = (env.get("LGSEARCH_PUBLIC_URL") or "").strip().rstrip("/")
        parts = urlsplit(public_url)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
            raise SettingsError(
                "Set LGSEARCH_PUBLIC_URL to the address people open lgsearch at, "
                "like https://lgsearch.example.gov.uk (links in emails start with it)."
            )
        user = env.get("LGSEARCH_SMTP_USER") or None
        password = env.get("LGSEARCH_SMTP_PASSWORD") or None
        if password and not user:
            raise SettingsError("LGSEARCH_SMTP_PASSWORD is set without LGSEARCH_SMTP_USER.")
        return cls(
            host=host,
            port=int(port_text),
            user=user,
            password=password,
            tls=tls,
            mail_from=mail_from,
            public_url=public_url,
        )


def database_path(index_dir: Path, environ: Mapping[str, str] | None = None) -> Path:
    """Subscriptions live beside the index's generations (never inside one, which a reindex
    replaces), or where LGSEARCH_ALERTS_DB says."""
    env = os.environ if environ is None else environ
    named = (env.get("LGSEARCH_ALERTS_DB") or "").strip()
    return Path(named) if named else Path(index_dir) / DATABASE_NAME
