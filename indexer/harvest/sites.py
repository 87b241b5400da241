"""The sites file: one address a line (a feed, a sitemap or a site's home page), `#` comments and
blank lines ignored; or, for a file ending `.opml`, the OPML every feed reader exports."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

MAX_SITES_BYTES = 2 * 2**20


class SitesError(Exception):
    """The sites file is missing or cannot be read: the operator's to fix (exit status 2)."""


def read_sites(path: Path) -> list[str]:
    """The addresses listed in the sites file, in order, each once."""
    try:
        if path.stat().st_size > MAX_SITES_BYTES:
            raise SitesError(f"The sites file {path} is larger than 2 MB: is it the right file?")
        data = path.read_bytes()
    except FileNotFoundError:
        raise SitesError(
            f"There is no sites file at {path}. Make one with a feed, sitemap or home "
            "page address on each line, or name it with --sites."
        ) from None
    except IsADirectoryError:
        raise SitesError(f"{path} is a folder: --sites names a file.") from None
    except OSError as error:
        raise SitesError(f"The sites file {path} could not be read ({error.strerror}).") from None
    addresses = _opml(data, path) if path.suffix.lower() == ".opml" else _lines(data, path)
    unique = list(dict.fromkeys(addresses))
    if not unique:
        raise SitesError(f"The sites file {path} lists no addresses.")
    return unique


def _lines(data: bytes, path: Path) -> list[str]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SitesError(f"The sites file {path} is not UTF-8 text.") from None
    addresses = []
    for number, line in enumerate(text.splitlines(), start=1):
        address = line.strip()
        if address.startswith("#"):
            continue
        address = address.split(" #", 1)[0].strip()  # a comment after the address
        if not address:
            continue
        if not _is_web_address(address):
            raise SitesError(f"Line {number} of {path} is not an http or https address: {address[:80]}")
        addresses.append(address)
    return addresses


def _opml(data: bytes, path: Path) -> list[str]:
    if b"<!DOCTYPE" in data[:2048].upper() or b"<!ENTITY" in data.upper():
        raise SitesError(f"The OPML file {path} declares a DOCTYPE or entities, which lgsearch does not read.")
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as error:
        raise SitesError(f"The OPML file {path} is not valid XML ({error}).") from None
    addresses = []
    for outline in root.iter("outline"):
        address = (outline.get("xmlUrl") or outline.get("htmlUrl") or "").strip()
        if address and _is_web_address(address):
            addresses.append(address)
    return addresses


def _is_web_address(address: str) -> bool:
    try:
        parts = urlsplit(address)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and " " not in address
