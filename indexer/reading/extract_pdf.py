"""PDF documents (speeches, annual reports, board papers) as posts, read with pypdf.

A hostile PDF must not stall a reindex: pypdf's own limits are tightened, no external program
(jbig2dec) is ever run, and at most `MAX_PDF_PAGES` pages, `MAX_PDF_CONTENT_BYTES` of their drawing
instructions and `MAX_DOCUMENT_CHARS` characters are read.
"""

from __future__ import annotations

import io
import logging
import warnings

import pypdf
from pypdf.errors import DependencyError, FileNotDecryptedError, LimitReachedError, PdfReadError, PyPdfError

from indexer.reading.extract import Post
from indexer.reading.extract_document import (
    MAX_DOCUMENT_CHARS,
    make_post,
    page_paragraphs,
    property_author,
    property_date,
    property_title,
)

logger = logging.getLogger(__name__)

MAX_PDF_PAGES = 500
MAX_PDF_CONTENT_BYTES = 50_000_000  # page drawing instructions read in all, whatever the page count
_STREAM_LIMIT = 20_000_000  # bytes any one stream may decode to
_LIMITS = dict(
    maximum_declared_stream_length=_STREAM_LIMIT,
    zlib_maximum_output_length=_STREAM_LIMIT,
    lzw_maximum_output_length=_STREAM_LIMIT,
    run_length_maximum_output_length=_STREAM_LIMIT,
    array_based_stream_maximum_output_length=_STREAM_LIMIT,
    brotli_maximum_output_length=_STREAM_LIMIT,
    jbig2_maximum_output_length=_STREAM_LIMIT,
    image_maximum_buffer_size=_STREAM_LIMIT,
    stream_decoding_work_maximum_length=4 * _STREAM_LIMIT,
    xform_maximum_invocations_per_extraction=500,
    jbig2dec_binary=None,  # never run a program on a file's behalf
)

BROKEN = "The PDF is damaged or not a PDF at all, so lgsearch cannot read it."
ENCRYPTED = "The PDF is encrypted (protected by a password), so lgsearch cannot read it."
SCANNED = (
    "The PDF has no text layer (it looks like a scan of printed pages); lgsearch does not do OCR, so it cannot read it."
)
NO_TEXT = "The PDF has no text in it."
TOO_LARGE = "The PDF unpacks to more than lgsearch reads of one file (20 MB a part), so it is not read."


class PdfUnreadable(Exception):
    """A PDF that cannot become a post; `reason` says which of BROKEN, ENCRYPTED, SCANNED, NO_TEXT."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def extract_pdf(data: bytes) -> Post:
    """The post in a PDF: its text page by page, title, author and date from its properties."""
    # pypdf warns of each repair it makes to a damaged file; a rejected file is reported anyway.
    with pypdf.apply_configuration(**_LIMITS), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return _extract(data)
        except PdfUnreadable:
            raise
        except LimitReachedError:
            raise PdfUnreadable(TOO_LARGE) from None
        except (FileNotDecryptedError, DependencyError):
            raise PdfUnreadable(ENCRYPTED) from None
        except (
            PyPdfError,
            ValueError,
            KeyError,
            TypeError,
            AttributeError,
            IndexError,
            RecursionError,
            OSError,
        ) as error:
            logger.debug("pypdf could not read a PDF: %r", error)
            raise PdfUnreadable(BROKEN) from None


def _extract(data: bytes) -> Post:
    if b"%PDF-" not in data[:1024]:
        raise PdfUnreadable(BROKEN)
    reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted and not _opens_without_password(reader):
        raise PdfUnreadable(ENCRYPTED)
    paragraphs: list[str] = []
    characters = content = 0
    pages = reader.pages
    read = 0
    for read, page in enumerate(pages, start=1):
        text, size = _page_text(page)
        paragraphs.extend(page_paragraphs(text))
        characters += len(text)
        content += size
        if characters >= MAX_DOCUMENT_CHARS or read >= MAX_PDF_PAGES or content >= MAX_PDF_CONTENT_BYTES:
            if read < len(pages):
                logger.info("Read the first %d of %d pages of a PDF (%d characters)", read, len(pages), characters)
            break
    if not any(paragraph.strip() for paragraph in paragraphs):
        if read == 0:
            raise PdfUnreadable(BROKEN)
        raise PdfUnreadable(SCANNED if any(_has_images(page) for page in list(pages)[:read]) else NO_TEXT)
    info = _metadata(reader)
    return make_post(
        paragraphs,
        property_title(info.get("/Title")),
        property_author(info.get("/Author")),
        property_date(_creation_date(reader)),
    )


def _page_text(page) -> tuple[str, int]:
    """A page's text and the size of its drawing instructions. They are unpacked first, so a page
    past pypdf's limits is reported (extract_text would quietly return no text)."""
    contents = page.get_contents()
    size = len(contents.get_data()) if contents is not None else 0
    return page.extract_text() or "", size


def _opens_without_password(reader: pypdf.PdfReader) -> bool:
    """Many PDFs are encrypted only to restrict printing or copying, with an empty password to open."""
    try:
        return bool(reader.decrypt(""))
    except (PyPdfError, NotImplementedError, ValueError, KeyError):
        return False


def _metadata(reader: pypdf.PdfReader) -> dict:
    try:
        return dict(reader.metadata or {})
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def _creation_date(reader: pypdf.PdfReader):
    try:
        return reader.metadata.creation_date if reader.metadata else None
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _has_images(page) -> bool:
    """Whether a page draws an image (a scanned page is one image), looked up without decoding it."""
    try:
        objects = page["/Resources"].get_object().get("/XObject")
        if objects is None:
            return False
        return any(objects[name].get_object().get("/Subtype") == "/Image" for name in objects.get_object())
    except (PyPdfError, KeyError, TypeError, AttributeError, ValueError, PdfReadError):
        return False
