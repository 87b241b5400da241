"""Sending through the operator's SMTP server: one connection for a run, opened when the first
email needs it, with TLS as LGSEARCH_SMTP_TLS says and a timeout on every step."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage

from indexer.alerts.settings import MailSettings


class MailError(Exception):
    """An email was not sent; the message says why in a line."""


class ServerUnavailable(MailError):
    """The SMTP server could not be reached, or would not let us in: nothing can be sent."""


def _reason(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(error.recipients.values()))
        return f"the server refused the address ({code} {_text(text)})"
    if isinstance(error, smtplib.SMTPResponseException):
        return f"the server said {error.smtp_code} {_text(error.smtp_error)}"
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return "the server closed the connection"
    if isinstance(error, ssl.SSLError):
        return f"TLS failed ({error.reason or error})"
    if isinstance(error, OSError):
        return error.strerror or str(error) or type(error).__name__
    return str(error) or type(error).__name__


def _text(value) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


class Mailer:
    """Sends emails with the settings given; use as a context manager so the connection closes."""

    def __init__(self, settings: MailSettings):
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        where = f"{s.host}:{s.port}"
        try:
            if s.tls == "ssl":
                smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=ssl.create_default_context())
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            try:
                smtp.ehlo()
                if s.tls == "starttls":
                    smtp.starttls(context=ssl.create_default_context())
                    smtp.ehlo()
                if s.user:
                    smtp.login(s.user, s.password or "")
            except BaseException:
                _quietly_close(smtp)
                raise
        except smtplib.SMTPNotSupportedError:
            raise ServerUnavailable(
                f"The SMTP server at {where} does not offer STARTTLS "
                "(set LGSEARCH_SMTP_TLS to ssl or none if that is expected)."
            ) from None
        except smtplib.SMTPAuthenticationError as error:
            raise ServerUnavailable(
                f"The SMTP server at {where} refused the user name and password ({_reason(error)})."
            ) from None
        except (smtplib.SMTPException, OSError) as error:
            raise ServerUnavailable(f"Could not connect to the SMTP server at {where}: {_reason(error)}.") from None
        return smtp

    def send(self, message: EmailMessage) -> None:
        """Send one email, or raise MailError (ServerUnavailable when the server cannot be reached)."""
        if self._smtp is None:
            self._smtp = self._connect()
        try:
            self._smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            raise MailError(_reason(error)) from None
        except (smtplib.SMTPException, OSError) as error:
            # The connection may be unusable now: the next email opens a fresh one.
            self.close()
            raise MailError(_reason(error)) from None

    def close(self) -> None:
        if self._smtp is not None:
            _quietly_close(self._smtp)
            self._smtp = None

    def __enter__(self) -> "Mailer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _quietly_close(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()
