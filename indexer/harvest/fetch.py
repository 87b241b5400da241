"""The one HTTP client of a harvest (urllib3), polite by construction.

Every request goes through `Fetcher.get`: robots.txt is asked first, one request at a time with a
delay between two to the same host (longer if robots.txt asks), an honest User-Agent naming
lgsearch and the operator's contact, gzip, timeouts, a size limit, redirects followed (and where a
permanent one ends, remembered by the caller), and retries with back-off for 5xx answers and
timeouts. Nothing here decides what an answer means.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from importlib import metadata
from urllib.parse import urljoin, urlsplit

import urllib3
from protego import Protego

logger = logging.getLogger(__name__)

USER_AGENT_TOKEN = "lgsearch"
_RETRIED_STATUSES = frozenset({500, 502, 503, 504})
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_PERMANENT = frozenset({301, 308})
_ROBOTS_LIMIT = 512 * 1024
_MAX_CRAWL_DELAY = 60.0
_CHUNK = 64 * 1024


class MissingContact(ValueError):
    """No contact for the User-Agent: a site must be able to reach whoever runs the harvest."""


@dataclass
class HarvestSettings:
    """How a harvest behaves; the defaults suit a nightly run, tests make the waits small."""

    contact: str
    delay: float = 2.0  # seconds between two requests to one host
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    total_timeout: float = 120.0  # for one whole answer, however slowly it trickles in
    retries: int = 2  # further tries after a 5xx answer or a timeout
    backoff: float = 5.0  # seconds before the first retry, doubled for each next one
    max_page_bytes: int = 5 * 2**20
    max_feed_bytes: int = 10 * 2**20
    max_posts_per_site: int = 100  # new or changed posts fetched from one site in one run
    recheck_days: float = 7.0  # a saved post is asked for again (conditionally) after this
    max_redirects: int = 5

    def __post_init__(self):
        self.contact = " ".join((self.contact or "").split())
        if not self.contact:
            raise MissingContact(
                "Set LGSEARCH_CONTACT to an email address or web page where site owners can reach you "
                "(it goes in the User-Agent of every request), then run lgsearch harvest again."
            )

    @property
    def user_agent(self) -> str:
        try:
            version = metadata.version("lgsearch")
        except metadata.PackageNotFoundError:
            version = "0"
        return f"{USER_AGENT_TOKEN}/{version} (+{self.contact})"


@dataclass
class Answer:
    """What a server answered, after any redirects: `address` is where the answer came from;
    `moved_to` is set when every redirect on the way was permanent (301 or 308)."""

    address: str
    status: int
    headers: dict[str, str]
    body: bytes = b""
    moved_to: str | None = None

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


class FetchFailed(Exception):
    """No answer worth reading; `reason` says why in a sentence an operator can act on."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class Disallowed(FetchFailed):
    """robots.txt asks lgsearch not to fetch the address."""


@dataclass
class _Host:
    robots: Protego | None = None
    robots_failure: str | None = None
    delay: float = 0.0
    last_request: float | None = None


@dataclass
class Fetcher:
    """One harvest's requests. `requests` counts the addresses asked for (retries not counted again)."""

    settings: HarvestSettings
    sleep: object = time.sleep
    clock: object = time.monotonic
    requests: int = 0
    _hosts: dict[str, _Host] = field(default_factory=dict)

    def __post_init__(self):
        self._headers = {"User-Agent": self.settings.user_agent, "Accept-Encoding": "gzip, deflate"}
        self._pool = urllib3.PoolManager(num_pools=32, maxsize=1, retries=False)

    def close(self) -> None:
        self._pool.clear()

    def get(
        self,
        address: str,
        *,
        limit: int,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = "*/*",
    ) -> Answer:
        """GET `address` (following redirects), conditionally when `etag` or `last_modified` is given."""
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current, permanent = address, True
        for _ in range(self.settings.max_redirects + 1):
            _check_scheme(current)
            self._check_robots(current)
            answer = self._request(current, headers, limit)
            location = answer.headers.get("location")
            if answer.status not in _REDIRECTS or not location:
                answer.moved_to = current if permanent and current != address else None
                return answer
            permanent = permanent and answer.status in _PERMANENT
            current = urljoin(current, location.strip())
        raise FetchFailed(f"It redirects more than {self.settings.max_redirects} times.")

    def allowed(self, address: str) -> bool:
        try:
            self._check_robots(address)
            return True
        except Disallowed:
            return False

    def _check_robots(self, address: str) -> None:
        host = self._host(address)
        if host.robots is None and host.robots_failure is None:
            self._read_robots(address, host)
        if host.robots_failure is not None:
            raise Disallowed(host.robots_failure)
        if not host.robots.can_fetch(address, USER_AGENT_TOKEN):
            raise Disallowed("robots.txt asks robots not to fetch it.")

    def _read_robots(self, address: str, host: _Host) -> None:
        robots_address = urljoin(address, "/robots.txt")
        try:
            answer = self._request(robots_address, {"Accept": "text/plain"}, _ROBOTS_LIMIT)
            if answer.status in _REDIRECTS and answer.headers.get("location"):
                target = urljoin(robots_address, answer.headers["location"])
                if _origin(target) == _origin(robots_address):
                    answer = self._request(target, {"Accept": "text/plain"}, _ROBOTS_LIMIT)
        except FetchFailed as failure:
            host.robots_failure = f"Its robots.txt could not be fetched ({_lower_first(failure.reason)})"
            return
        if answer.status >= 500:
            # As the robots.txt standard (RFC 9309) says: a server error means do not crawl yet.
            host.robots_failure = f"Its robots.txt answered {answer.status}, so the site was left alone this time."
            return
        text = answer.body.decode("utf-8", errors="replace") if answer.status == 200 else ""
        host.robots = Protego.parse(text)
        crawl_delay = host.robots.crawl_delay(USER_AGENT_TOKEN)
        if crawl_delay:
            host.delay = min(float(crawl_delay), _MAX_CRAWL_DELAY)

    def _host(self, address: str) -> _Host:
        return self._hosts.setdefault(_origin(address), _Host())

    def _request(self, address: str, headers: dict[str, str], limit: int) -> Answer:
        """One address, tried again after a 5xx answer or a timeout, each try after the host's delay."""
        self.requests += 1
        host = self._host(address)
        failure = None
        for attempt in range(self.settings.retries + 1):
            self._wait_for(host, extra=self.settings.backoff * 2 ** (attempt - 1) if attempt else 0.0)
            try:
                answer = self._once(address, headers, limit)
            except _Retryable as error:
                failure = error.reason
                logger.info("%s: %s (try %d of %d)", address, failure, attempt + 1, self.settings.retries + 1)
                continue
            finally:
                host.last_request = self.clock()
            if answer.status not in _RETRIED_STATUSES:
                return answer
            failure = f"It answered {answer.status}"
            logger.info("%s: %s (try %d of %d)", address, failure, attempt + 1, self.settings.retries + 1)
            if attempt == self.settings.retries:
                return answer
        raise FetchFailed(f"{failure} ({self.settings.retries + 1} tries).")

    def _wait_for(self, host: _Host, extra: float) -> None:
        if host.last_request is None and not extra:
            return
        gap = max(self.settings.delay, host.delay) + extra
        since = self.clock() - host.last_request if host.last_request is not None else gap
        if since < gap:
            self.sleep(gap - since)

    def _once(self, address: str, headers: dict[str, str], limit: int) -> Answer:
        timeout = urllib3.Timeout(connect=self.settings.connect_timeout, read=self.settings.read_timeout)
        started = self.clock()
        try:
            response = self._pool.request(
                "GET",
                address,
                headers={**self._headers, **headers},
                redirect=False,
                retries=False,
                timeout=timeout,
                preload_content=False,
                decode_content=True,
            )
        except (urllib3.exceptions.TimeoutError, urllib3.exceptions.ProtocolError) as error:
            raise _Retryable(_describe(error)) from None
        except urllib3.exceptions.HTTPError as error:
            raise FetchFailed(f"It could not be reached ({_describe(error)}).") from None
        try:
            answer_headers = {name.lower(): value for name, value in response.headers.items()}
            declared = answer_headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit and response.status == 200:
                raise FetchFailed(_too_large(limit))
            body = bytearray()
            for chunk in response.stream(_CHUNK, decode_content=True):
                body += chunk
                if len(body) > limit:
                    raise FetchFailed(_too_large(limit))
                if self.clock() - started > self.settings.total_timeout:
                    raise _Retryable(f"It took more than {self.settings.total_timeout:g} seconds to answer")
        except (urllib3.exceptions.TimeoutError, urllib3.exceptions.ProtocolError) as error:
            raise _Retryable(_describe(error)) from None
        except urllib3.exceptions.DecodeError:
            raise FetchFailed("Its answer could not be unpacked (bad gzip).") from None
        finally:
            response.release_conn() if response.isclosed() else response.close()
        return Answer(address, response.status, answer_headers, bytes(body))


class _Retryable(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _describe(error: Exception) -> str:
    if isinstance(error, urllib3.exceptions.TimeoutError):
        return "It did not answer in time"
    if isinstance(error, urllib3.exceptions.NewConnectionError):
        return "the connection was refused or the name is unknown"
    return "the connection broke off"


def _too_large(limit: int) -> str:
    return f"It is larger than {limit / 2**20:g} MB, so it was not saved."


def _check_scheme(address: str) -> None:
    parts = urlsplit(address)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchFailed(f"{address} is not an http or https address.")


def _origin(address: str) -> str:
    parts = urlsplit(address)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _lower_first(text: str) -> str:
    text = text.rstrip(".")
    return text[:1].lower() + text[1:]
