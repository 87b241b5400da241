"""Signed, expiring tokens: the confirm and unsubscribe links, and the forms' CSRF field.

A token names a subscription's random key, never its address, and is signed with the secret
from LGSEARCH_SECRET_KEY, or else from `alerts.secret` beside the database (made on first use,
readable by its owner only). Changing the secret makes every link already sent stop working.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
import time
from typing import Callable, Mapping

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

SECRET_FILE_NAME = "alerts.secret"
CONFIRM_DAYS = 7  # a confirmation link works this long; an unconfirmed subscription is then dropped
UNSUBSCRIBE_DAYS = 400  # every email brings a fresh unsubscribe link; an old email's works for over a year
FORM_HOURS = 24  # a form left open longer asks to be sent again

_PURPOSES = {"confirm": CONFIRM_DAYS * 86400, "unsubscribe": UNSUBSCRIBE_DAYS * 86400, "form": FORM_HOURS * 3600}


class TokenExpired(Exception):
    """A genuine token past its time; `value` is what it named."""

    def __init__(self, value):
        super().__init__("expired")
        self.value = value


class TokenInvalid(Exception):
    """A token that was not made here (forged, altered or cut short)."""


def secret_key(database: Path, environ: Mapping[str, str] | None = None) -> str:
    """LGSEARCH_SECRET_KEY, else the secret file beside the database, made now if there is none."""
    env = os.environ if environ is None else environ
    if env.get("LGSEARCH_SECRET_KEY"):
        return env["LGSEARCH_SECRET_KEY"]
    path = Path(database).parent / SECRET_FILE_NAME
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written whole under another name, then linked into place: a process that loses the race
    # reads the winner's secret, never an empty file.
    draft = path.with_name(f".{SECRET_FILE_NAME}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(draft, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as file:
        file.write(secrets.token_urlsafe(48) + "\n")
        file.flush()
        os.fsync(file.fileno())
    try:
        os.link(draft, path)
    except FileExistsError:
        pass
    finally:
        draft.unlink()
    return path.read_text(encoding="ascii").strip()


class Tokens:
    """Makes and reads the tokens for one secret; `clock` (seconds since the epoch) is for tests."""

    def __init__(self, secret: str, clock: Callable[[], float] = time.time):
        class ClockedSigner(TimestampSigner):
            def get_timestamp(self) -> int:
                return int(clock())

        self._serializer = URLSafeTimedSerializer(secret, salt="lgsearch-alerts", signer=ClockedSigner)

    def make(self, purpose: str, value: str) -> str:
        return self._serializer.dumps([purpose, value])

    def read(self, purpose: str, token: str) -> str:
        """The value a token of this purpose names; TokenExpired or TokenInvalid otherwise."""
        try:
            payload = self._serializer.loads(token, max_age=_PURPOSES[purpose])
        except SignatureExpired as error:
            # The signature was checked before the age: the payload is genuine.
            payload = (
                self._serializer.load_payload(error.payload) if isinstance(error.payload, bytes) else error.payload
            )
            if _purpose_of(payload) != purpose:
                raise TokenInvalid() from None
            raise TokenExpired(payload[1]) from None
        except BadSignature:
            raise TokenInvalid() from None
        if _purpose_of(payload) != purpose:
            raise TokenInvalid()
        return payload[1]


def _purpose_of(payload) -> str | None:
    if isinstance(payload, list) and len(payload) == 2 and all(isinstance(part, str) for part in payload):
        return payload[0]
    return None
