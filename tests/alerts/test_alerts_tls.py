"""SMTP with TLS and a password, as a council's mail relay asks: STARTTLS (the default), SSL from
the start, and the clear errors when TLS or the password is wrong. The server's certificate is
made for 127.0.0.1 by openssl and trusted through SSL_CERT_FILE, as an operator's own CA would be."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from email.message import EmailMessage

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword

from indexer.alerts import Mailer, MailError, MailSettings, ServerUnavailable
from smtp_server import smtp_environ, smtp_server

USER, PASSWORD = "lgsearch", "correct horse"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    if shutil.which("openssl") is None:
        pytest.fail("The TLS tests need the openssl command (Debian's openssl package).")
    folder = tmp_path_factory.mktemp("tls")
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-keyout",
            str(folder / "key.pem"),
            "-out",
            str(folder / "cert.pem"),
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    return folder / "cert.pem", folder / "key.pem"


@pytest.fixture
def server_tls(certificate):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    return context


def _authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=ok, handled=False)


def _message() -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "alerts@lgsearch.test", "jo@example.org", "Hello"
    message.set_content("Hello.")
    return message


def test_starttls_with_a_password(server_tls, certificate, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    with smtp_server(
        tls_context=server_tls, require_starttls=True, authenticator=_authenticator, auth_require_tls=True
    ) as (handler, port):
        environ = smtp_environ(
            port, LGSEARCH_SMTP_TLS="starttls", LGSEARCH_SMTP_USER=USER, LGSEARCH_SMTP_PASSWORD=PASSWORD
        )
        with Mailer(MailSettings.from_environ(environ)) as mailer:
            mailer.send(_message())
        assert [m.recipients for m in handler.messages] == [["jo@example.org"]]

        wrong = {**environ, "LGSEARCH_SMTP_PASSWORD": "guess"}
        with Mailer(MailSettings.from_environ(wrong)) as mailer, pytest.raises(ServerUnavailable) as refused:
            mailer.send(_message())
        assert "refused the user name and password" in str(refused.value)


def test_ssl_from_the_start(server_tls, certificate, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    with smtp_server(ssl_context=server_tls) as (handler, port):
        with Mailer(MailSettings.from_environ(smtp_environ(port, LGSEARCH_SMTP_TLS="ssl"))) as mailer:
            mailer.send(_message())
        assert len(handler.messages) == 1


def test_an_untrusted_certificate_is_refused(server_tls, tmp_path, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "no-such-file.pem"))
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path))
    with smtp_server(tls_context=server_tls) as (handler, port):
        with (
            Mailer(MailSettings.from_environ(smtp_environ(port, LGSEARCH_SMTP_TLS="starttls"))) as mailer,
            pytest.raises(ServerUnavailable) as refused,
        ):
            mailer.send(_message())
        assert "TLS failed" in str(refused.value) and handler.messages == []


def test_starttls_expected_but_not_offered():
    with smtp_server() as (handler, port):
        with (
            Mailer(MailSettings.from_environ(smtp_environ(port, LGSEARCH_SMTP_TLS="starttls"))) as mailer,
            pytest.raises(ServerUnavailable) as refused,
        ):
            mailer.send(_message())
        assert "does not offer STARTTLS" in str(refused.value)
        assert isinstance(refused.value, MailError) and handler.messages == []
