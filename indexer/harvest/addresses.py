"""When two addresses are one post: tracking parameters, http or https, `www.` and a trailing slash
make no difference. courlan does the cleaning; the key on top of it folds what courlan keeps."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urlsplit, urlunsplit

from courlan import normalize_url

_UNSAFE = re.compile(r"[^a-z0-9]+")


def clean_address(address: str) -> str:
    """The address to request and to record: no fragment, no tracking parameters (utm_*, fbclid...)."""
    try:
        return normalize_url(address.strip(), strict=True)
    except (ValueError, AttributeError):
        return address.strip()


def post_key(address: str) -> str:
    """One key for every address of one post: scheme, `www.`, trailing slash and case of the host
    do not count."""
    parts = urlsplit(clean_address(address))
    host = (parts.hostname or "").lower().removeprefix("www.")
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    path = parts.path.rstrip("/") or ""
    return urlunsplit(("", host, path, parts.query, "")).removeprefix("//")


def file_stem(key: str) -> str:
    """A file name for a post: its host as a folder, its path as words, and a short hash so two
    paths that read alike never share a file. The same key always gives the same name, so a
    post's id never changes."""
    host, _, rest = key.partition("/")
    words = _UNSAFE.sub("-", rest.lower()).strip("-")[:80].strip("-") or "home"
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:8]
    folder = _UNSAFE.sub("-", host.lower()).strip("-") or "site"
    return f"{folder}/{words}-{digest}"


def host_of(address: str) -> str:
    parts = urlsplit(address)
    return f"{parts.scheme}://{parts.netloc}".lower()
