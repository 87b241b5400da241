"""One reader per file format, found by extension; every file becomes a `Document` or a reason.

Readers never let bad content escape as an arbitrary exception: the reindex records an
`UnreadableFile` with its reason and carries on with the next file.
"""

from __future__ import annotations

import codecs
import datetime
import logging
import os
import pathlib
import re

from indexer.document import Document, document_id, web_address
from indexer.reading.dates import dates_as_of
from indexer.reading.extract import Post
from indexer.reading.extract_docx import DocxUnreadable, extract_docx
from indexer.reading.extract_markdown import FrontMatterError, extract_markdown
from indexer.reading.extract_pdf import PdfUnreadable, extract_pdf
from indexer.reading.extract_text import extract_post
from indexer.reading.opening import NotInside, open_inside, regular_file
from indexer.reading.harvested import with_harvest_facts
from indexer.text import CONTROL_CHARS

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 20 * 1024 * 1024
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_FALLBACK_CODECS = {"utf-8", "ascii", "iso8859-1", "cp1252"}
_HTML_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)


class UnreadableFile(Exception):
    """A file that cannot become a document; `reason` is a sentence to show the operator."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class Reader:
    """Turns the bytes of one format into a `Post`; subclasses declare the extensions they take.

    Text formats decode the bytes and extract from the text; binary formats override `read`."""

    extensions: frozenset[str] = frozenset()

    def read(self, data: bytes) -> Post:
        return self.extract(self.decode(data))

    def decode(self, data: bytes) -> str:
        return decode_text(data)

    def extract(self, text: str) -> Post:
        raise NotImplementedError


class TextReader(Reader):
    """Plain text, as scrapers save blog posts: the heuristics find title, byline and tags."""

    extensions = frozenset({".txt"})

    def extract(self, text: str) -> Post:
        return extract_post(text)


class HtmlReader(Reader):
    """Saved web pages: the post is taken from its article, metadata from meta tags and JSON-LD."""

    extensions = frozenset({".html", ".htm"})

    def decode(self, data: bytes) -> str:
        declared = _HTML_CHARSET.search(data[:4096])
        try:
            return decode_text(data, declared.group(1).decode("ascii") if declared else None)
        except UnreadableFile as exc:
            if b"\x00" in data or not data.strip():
                raise
            # A page with a few broken byte sequences still reads, as in a browser: they become "�".
            logger.debug("Decoding a page with replacement characters: %s", exc.reason)
            return data.decode("utf-8", errors="replace")

    def extract(self, text: str) -> Post:
        # Imported on the first page: trafilatura and htmldate take a fifth of a second to load,
        # which `lgsearch search` and `stats` need not pay.
        from indexer.reading.extract_html import extract_html

        return extract_html(text)


class MarkdownReader(Reader):
    """Markdown with YAML front matter, as static-site generators keep posts."""

    extensions = frozenset({".md"})

    def extract(self, text: str) -> Post:
        try:
            return extract_markdown(text)
        except FrontMatterError as exc:
            raise UnreadableFile(exc.reason) from exc


class PdfReader(Reader):
    """PDF documents: the text layer page by page, metadata from the document's properties."""

    extensions = frozenset({".pdf"})

    def read(self, data: bytes) -> Post:
        try:
            return extract_pdf(data)
        except PdfUnreadable as exc:
            raise UnreadableFile(exc.reason) from exc


class DocxReader(Reader):
    """Word documents (.docx): paragraphs and tables, metadata from the document's properties."""

    extensions = frozenset({".docx"})

    def read(self, data: bytes) -> Post:
        try:
            return extract_docx(data)
        except DocxUnreadable as exc:
            raise UnreadableFile(exc.reason) from exc


READERS: dict[str, Reader] = {
    extension: reader
    for reader in (TextReader(), HtmlReader(), MarkdownReader(), PdfReader(), DocxReader())
    for extension in reader.extensions
}
SUPPORTED_EXTENSIONS: frozenset[str] = frozenset(READERS)


def reader_for(path: pathlib.Path | str) -> Reader | None:
    """The reader for a file's extension (any case), or None for a format lgsearch does not read."""
    return READERS.get(pathlib.PurePath(path).suffix.lower())


def read_document(
    path: pathlib.Path, relative_path: str, data: bytes | None = None, *, today: datetime.date | None = None
) -> Document:
    """Read one file into a `Document` (organisations left for `indexer.organisations.recognise` to fill).

    `data` is the file's bytes when the caller has already read them (with `read_bytes`). Dates
    are read as on `today` (the reindex job's date; by default the clock's)."""
    reader = reader_for(path)
    if reader is None:
        raise UnreadableFile(
            f"lgsearch does not read {pathlib.PurePath(path).suffix or 'extensionless'} files: "
            "use .txt, .html, .htm, .md, .pdf or .docx."
        )
    data = read_bytes(pathlib.Path(path)) if data is None else data
    if not data.strip():
        raise UnreadableFile("The file is empty.")
    with dates_as_of(today or datetime.date.today()):
        post = with_harvest_facts(reader.read(data), pathlib.Path(path))
    if not post.body.strip():
        raise UnreadableFile("The file has no text after its page chrome was removed.")
    return Document(
        id=document_id(relative_path),
        path=relative_path,
        title=post.title,
        body=post.body,
        date=post.date,
        author=post.author,
        source=post.source,
        tags=post.tags,
        categories=post.categories,
        source_url=web_address(post.source_url),
        extraction=post.extraction or None,
    )


def decode_text(data: bytes, declared: str | None = None) -> str:
    """Text from UTF-8 (with or without BOM), UTF-16 with a BOM, Windows-1252 or Latin-1.

    Stray Windows-1252 bytes in otherwise UTF-8 text (common in scraped posts) are decoded
    one by one, so a `£` or curly quote survives either way.
    """
    if not data.strip():
        raise UnreadableFile("The file is empty.")
    if data.startswith(_UTF16_BOMS):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise UnreadableFile("The file could not be decoded as text.") from None
    elif b"\x00" in data:
        raise UnreadableFile("The file is binary, not text.")
    else:
        text = _decode_declared(data, declared) or _decode_utf8_or_cp1252(data)
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise UnreadableFile("The file is empty.")
    # Form feeds and vertical tabs break pages of text: no sign of a binary file.
    if len(CONTROL_CHARS.findall(text.replace("\f", "").replace("\v", ""))) > len(text) / 100:
        raise UnreadableFile("The file is binary, not text.")
    return text


def _decode_declared(data: bytes, declared: str | None) -> str | None:
    """Honour a page's declared charset (Shift_JIS, ISO-8859-15...) when its bytes are not UTF-8.

    Latin-1 and ASCII labels are left to the Windows-1252 fallback, as browsers treat them.
    """
    try:
        name = codecs.lookup(declared).name if declared else None
    except LookupError:
        logger.debug("Ignoring unknown declared charset %r", declared)
        return None
    if name is None or name in _FALLBACK_CODECS or name.startswith(("utf-16", "utf-32")):
        return None
    try:
        data.decode("utf-8")
        return None
    except UnicodeDecodeError:
        pass
    try:
        return data.decode(name)
    except (UnicodeDecodeError, LookupError):
        return None


def _decode_utf8_or_cp1252(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig", errors="lgsearch-cp1252")
    except UnicodeDecodeError:
        raise UnreadableFile("The file could not be decoded as text.") from None


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: decode the bytes UTF-8 rejected as Windows-1252 (strictly)."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return error.object[error.start : error.end].decode("cp1252"), error.end


codecs.register_error("lgsearch-cp1252", _cp1252_fallback)


def read_bytes(path: pathlib.Path, root: pathlib.Path | None = None) -> bytes:
    """A file's bytes, or UnreadableFile saying why not (too large, no permission, gone, ...).

    With `root`, the source folder the walk found it in, the file is opened inside that folder
    without following a link out of it (opening.py), and its size is that of the file opened."""
    try:
        if root is None:
            fd = regular_file(os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC))
        else:
            fd = open_inside(pathlib.Path(path), pathlib.Path(root))
        with open(fd, "rb") as handle:
            if os.fstat(fd).st_size > MAX_FILE_BYTES:
                raise UnreadableFile(_too_large())
            data = handle.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:  # it grew while being read
            raise UnreadableFile(_too_large())
        return data
    except NotInside as exc:
        raise UnreadableFile(exc.reason) from None
    except PermissionError:
        raise UnreadableFile("The file could not be read: permission denied.") from None
    except FileNotFoundError:
        raise UnreadableFile("The file could not be read: it no longer exists.") from None
    except IsADirectoryError:
        raise UnreadableFile("The file could not be read: it is a folder.") from None
    except OSError as exc:
        reason = (exc.strerror or "an operating system error").rstrip(".").lower()
        raise UnreadableFile(f"The file could not be read: {reason}.") from None


def _too_large() -> str:
    return f"The file is too large to index: the limit is {MAX_FILE_BYTES // 2**20} MB."
