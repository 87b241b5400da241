"""Word documents (.docx: position statements, board papers) as posts, read with python-docx.

A .docx is a zip of XML: its declared sizes are checked before anything is unpacked, so a zip
bomb is rejected, and at most `MAX_DOCUMENT_CHARS` characters of text are kept.
"""

from __future__ import annotations

import datetime
import io
import logging
import zipfile

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph

from indexer.reading.extract import Post
from indexer.reading.extract_document import (
    MAX_DOCUMENT_CHARS,
    make_post,
    property_author,
    property_date,
    property_title,
)

logger = logging.getLogger(__name__)

MAX_UNPACKED_BYTES = 100 * 2**20
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# python-docx's own template says it was made then; a document that still says so has no real date.
_TEMPLATE_CREATED = datetime.datetime(2013, 12, 23, 23, 15, tzinfo=datetime.timezone.utc)
_TITLE_STYLES = ("title", "heading1")  # style ids, as Word writes them

BROKEN = "The Word document is damaged or not a .docx file at all, so lgsearch cannot read it."
ENCRYPTED = "The Word document is encrypted (protected by a password), so lgsearch cannot read it."
OLD_WORD = "The file is an old Word document (.doc) named .docx: save it as .docx and index it again."
TOO_LARGE = "The Word document unpacks to more than 100 MB, so lgsearch does not read it."
NO_TEXT = "The Word document has no text in it."


class DocxUnreadable(Exception):
    """A .docx that cannot become a post; `reason` is one of the sentences above."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def extract_docx(data: bytes) -> Post:
    """The post in a Word document: its paragraphs and tables in order, title, author and date
    from its properties (the Title or first Heading 1 paragraph when the title property is empty)."""
    if data.startswith(_OLE_SIGNATURE):
        # Word saves an encrypted .docx inside an OLE container, as it saves the old .doc format.
        raise DocxUnreadable(ENCRYPTED if "EncryptedPackage".encode("utf-16-le") in data else OLD_WORD)
    _check_unpacked_size(data)
    try:
        document = docx.Document(io.BytesIO(data))
        paragraphs, heading = _paragraphs(document)
        properties = document.core_properties
        title, author, created = properties.title, properties.author, properties.created
    except DocxUnreadable:
        raise
    except Exception as error:  # python-docx raises many kinds for a damaged zip or XML
        logger.debug("python-docx could not read a document: %r", error)
        raise DocxUnreadable(BROKEN) from None
    if not any(paragraph.strip() for paragraph in paragraphs):
        raise DocxUnreadable(NO_TEXT)
    date = None if created == _TEMPLATE_CREATED else property_date(created)
    return make_post(paragraphs, property_title(title) or heading, property_author(author), date)


def _check_unpacked_size(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise DocxUnreadable(BROKEN) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise DocxUnreadable(TOO_LARGE)


def _paragraphs(document) -> tuple[list[str], str]:
    """The text of the body's paragraphs and table rows in order, and the first title-styled line."""
    paragraphs: list[str] = []
    heading = ""
    characters = 0
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            texts = [block.text]
            # The style's id from the paragraph's own XML: `block.style` looks it up among all the
            # document's styles, paragraph by paragraph, which made a long document slow.
            style = (block._p.style or "").lower() if not heading else ""
            if style in _TITLE_STYLES and block.text.strip():
                heading = " ".join(block.text.split())
        elif isinstance(block, Table):
            texts = [" | ".join(_unique_cells(row)) for row in block.rows]
        else:
            continue
        for text in texts:
            paragraphs.append(text)
            characters += len(text)
        if characters >= MAX_DOCUMENT_CHARS:
            break
    return paragraphs, heading


def _unique_cells(row) -> list[str]:
    """A row's cell texts; merged cells repeat in python-docx, so each is kept once."""
    cells: list[str] = []
    for cell in row.cells:
        text = " ".join(cell.text.split())
        if text and (not cells or cells[-1] != text):
            cells.append(text)
    return cells
