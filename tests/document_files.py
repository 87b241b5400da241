"""Real PDF and Word files for the tests, made on the spot: fpdf2 writes PDFs, python-docx writes
Word documents, pypdf and msoffcrypto-tool encrypt them."""

from __future__ import annotations

import datetime
import io

import docx
from fpdf import FPDF
from msoffcrypto.format.ooxml import OOXMLFile
from PIL import Image
from pypdf import PdfWriter


def text_pdf(
    pages: list[str],
    *,
    title: str | None = None,
    author: str | None = None,
    created: datetime.datetime | None = None,
    width: float = 0,
) -> bytes:
    """A PDF with a text layer, one string a page, and the properties given; `width` (mm) makes a
    narrow column, as in a newsletter."""
    pdf = FPDF()
    if title is not None:
        pdf.set_title(title)
    if author is not None:
        pdf.set_author(author)
    pdf.set_creation_date(created or datetime.datetime(2021, 5, 4, tzinfo=datetime.timezone.utc))
    pdf.set_font("helvetica", size=11)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(width, 6, text)
    return bytes(pdf.output())


def scanned_pdf(pages: int = 2) -> bytes:
    """A PDF as a scanner makes it: each page one picture, no text layer."""
    pdf = FPDF()
    for _ in range(pages):
        pdf.add_page()
        pdf.image(Image.new("L", (300, 400), 230), x=10, y=10, w=180)
    return bytes(pdf.output())


def encrypted_pdf(
    data: bytes, password: str = "secret", owner_password: str | None = None, algorithm: str = "RC4-128"
) -> bytes:
    """`data` encrypted; an empty `password` makes a PDF anyone may open but not edit."""
    writer = PdfWriter(clone_from=io.BytesIO(data))
    writer.encrypt(password, owner_password or "owner", algorithm=algorithm)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def word_document(
    paragraphs: list[tuple[str, str | None]],
    *,
    title: str = "",
    author: str = "",
    created: datetime.datetime | None = None,
    table: list[list[str]] | None = None,
) -> bytes:
    """A .docx of (text, style) paragraphs, then a table if given, with the properties given."""
    document = docx.Document()
    properties = document.core_properties
    properties.title = title
    properties.author = author
    if created is not None:
        properties.created = created
    for text, style in paragraphs:
        document.add_paragraph(text, style=style)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row_number, row in enumerate(table):
            for column, text in enumerate(row):
                grid.cell(row_number, column).text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def encrypted_word_document(data: bytes, password: str = "secret") -> bytes:
    """`data` encrypted with a password, as Word does it (an OLE container around the package)."""
    out = io.BytesIO()
    OOXMLFile(io.BytesIO(data)).encrypt(password, out)
    return out.getvalue()
