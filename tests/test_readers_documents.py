"""PDF and Word documents read like any post: made by the tests, run through the real reindex job
into a real index, and searched; scanned, encrypted, broken and oversized files are rejected with
a reason that says which."""

from __future__ import annotations

import datetime
import io
import json
import zipfile
import zlib
from pathlib import Path

import pytest

from document_files import encrypted_pdf, encrypted_word_document, scanned_pdf, text_pdf, word_document
from indexer.reading import extract_docx, extract_pdf
from indexer.reading.readers import UnreadableFile, read_document
from lgsearch.cli import cli

SPEECH = (
    "Leading councils through the cost of living crisis\n\n"
    "Speech to the annual conference. The Local Government Association and Ofsted have worked with "
    "Kent County Council on sector-led improvement, and the results show what peer challenge can do.\n\n"
    "Councils cannot do this alone: they need partners willing to share what works."
)
UTC = datetime.timezone.utc


def index_folder(runner, index_dir: Path, folder: Path) -> tuple[int, dict]:
    result = runner.invoke(cli, ["--index-dir", str(index_dir), "index", str(folder), "--json"])
    return result.exit_code, json.loads(result.stdout)


def search(runner, index_dir: Path, *words: str) -> dict:
    result = runner.invoke(cli, ["--index-dir", str(index_dir), "search", *words, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def exported(runner, index_dir: Path) -> dict[str, dict]:
    result = runner.invoke(cli, ["--index-dir", str(index_dir), "export"])
    return {record["id"]: record for record in map(json.loads, result.stdout.splitlines())}


def reasons(report: dict) -> dict[str, str]:
    return {Path(item["path"]).name: item["reason"] for item in report["rejected"]}


def unreadable_reason(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(UnreadableFile) as caught:
        read_document(path, name)
    return caught.value.reason


# Read through the reindex job and searched


def test_a_pdf_is_indexed_with_its_properties_organisations_and_snippets(runner, tmp_path):
    folder, index_dir = tmp_path / "docs", tmp_path / "index"
    folder.mkdir()
    (folder / "conference-speech.pdf").write_bytes(
        text_pdf(
            [SPEECH],
            title="Cost of living: the leadership challenge",
            author="Cllr Jane Smith",
            created=datetime.datetime(2023, 3, 14, 9, 30, tzinfo=UTC),
        )
    )
    status, report = index_folder(runner, index_dir, folder)
    assert (status, report["added"], report["rejected"]) == (0, 1, [])

    result = search(runner, index_dir, "peer", "challenge")
    assert [hit["id"] for hit in result["results"]] == ["conference-speech"]
    hit = result["results"][0]
    assert hit["title"] == "Cost of living: the leadership challenge"
    assert (hit["author"], hit["date"]) == ("Cllr Jane Smith", "2023-03-14")
    assert {"Local Government Association", "Ofsted", "Kent County Council"} <= set(hit["organisations"])
    assert "<mark>peer challenge</mark>" in hit["snippet"]
    record = exported(runner, index_dir)["conference-speech"]
    assert record["body"].startswith("Leading councils through the cost of living crisis\n\nSpeech to the annual")
    assert "partners willing to share what works." in record["body"]


def test_a_word_document_is_indexed_with_its_properties_paragraphs_and_tables(runner, tmp_path):
    folder, index_dir = tmp_path / "docs", tmp_path / "index"
    folder.mkdir()
    (folder / "Position Statement.docx").write_bytes(
        word_document(
            [
                ("Our position on SEND reform", "Title"),
                (
                    "The Association of Directors of Children's Services sets out how councils and Ofsted "
                    "can make the system work for families.",
                    None,
                ),
            ],
            title="ADCS position statement: SEND reform",
            author="Sam Jones",
            created=datetime.datetime(2022, 9, 1, tzinfo=UTC),
            table=[["Council", "Rating"], ["Suffolk County Council", "Outstanding"]],
        )
    )
    status, report = index_folder(runner, index_dir, folder)
    assert (status, report["added"]) == (0, 1)

    hit = search(runner, index_dir, "outstanding")["results"][0]
    assert hit["id"] == "position-statement"
    assert (hit["title"], hit["author"], hit["date"]) == (
        "ADCS position statement: SEND reform",
        "Sam Jones",
        "2022-09-01",
    )
    assert {"Ofsted", "Suffolk County Council"} <= set(hit["organisations"])
    body = exported(runner, index_dir)["position-statement"]["body"]
    assert body.split("\n\n") == [
        "Our position on SEND reform",
        "The Association of Directors of Children's Services sets out how councils and Ofsted can make "
        "the system work for families.",
        "Council | Rating",
        "Suffolk County Council | Outstanding",
    ]


def test_bad_documents_are_rejected_with_a_reason_that_says_which_and_the_rest_is_indexed(runner, tmp_path):
    folder, index_dir = tmp_path / "docs", tmp_path / "index"
    folder.mkdir()
    good = text_pdf([SPEECH])
    (folder / "speech.pdf").write_bytes(good)
    (folder / "scanned.pdf").write_bytes(scanned_pdf())
    (folder / "locked.pdf").write_bytes(encrypted_pdf(good, password="secret"))
    (folder / "truncated.pdf").write_bytes(good[:400])
    (folder / "garbage.pdf").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20)
    word = word_document([("Board paper on adult social care and the Care Quality Commission.", None)])
    (folder / "paper.docx").write_bytes(word)
    (folder / "locked.docx").write_bytes(encrypted_word_document(word))
    (folder / "truncated.docx").write_bytes(word[: len(word) // 2])

    status, report = index_folder(runner, index_dir, folder)
    assert status == 3
    assert report["added"] == 2 and report["documents"] == 2, report
    found = reasons(report)
    assert "no text layer" in found["scanned.pdf"] and "OCR" in found["scanned.pdf"]
    assert "encrypted" in found["locked.pdf"]
    assert "damaged" in found["truncated.pdf"] and "damaged" in found["garbage.pdf"]
    assert "encrypted" in found["locked.docx"]
    assert "damaged" in found["truncated.docx"]
    assert set(found) == {"scanned.pdf", "locked.pdf", "truncated.pdf", "garbage.pdf", "locked.docx", "truncated.docx"}
    assert [hit["id"] for hit in search(runner, index_dir, "board", "paper")["results"]] == ["paper"]


# What the readers take from the document's own properties


def test_junk_pdf_properties_give_way_to_the_first_line(tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(text_pdf([SPEECH], title="Microsoft Word - report.docx", author="Administrator"))
    document = read_document(path, path.name)
    assert document.title == "Leading councils through the cost of living crisis"
    assert document.author is None
    assert document.date == datetime.date(2021, 5, 4)


def test_junk_word_properties_give_way_to_the_first_heading(tmp_path):
    path = tmp_path / "paper.docx"
    path.write_bytes(
        word_document(
            [("Cabinet report", "Heading 1"), ("The proposals were agreed by cabinet in full.", None)],
            title="Document1",
            author="Windows User",
        )
    )
    document = read_document(path, path.name)
    assert (document.title, document.author) == ("Cabinet report", None)
    assert document.date is None  # python-docx's template date is not the document's


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-128", "AES-256"])
def test_a_pdf_anyone_may_open_but_not_edit_is_read(tmp_path, algorithm):
    path = tmp_path / "restricted.pdf"
    path.write_bytes(encrypted_pdf(text_pdf([SPEECH]), password="", algorithm=algorithm))
    assert "sector-led improvement" in read_document(path, path.name).body


def test_a_pdf_locked_with_aes_is_encrypted(tmp_path):
    assert (
        unreadable_reason(tmp_path, "locked.pdf", encrypted_pdf(text_pdf([SPEECH]), algorithm="AES-256"))
        == extract_pdf.ENCRYPTED
    )


def test_a_pdf_with_a_page_without_text_keeps_the_text_of_the_others(tmp_path):
    path = tmp_path / "mixed.pdf"
    path.write_bytes(text_pdf(["First page words.", " ", "Third page words."]))
    assert read_document(path, path.name).body == "First page words.\n\nThird page words."


def test_a_pdf_with_no_images_and_no_text_says_it_has_no_text(tmp_path):
    assert unreadable_reason(tmp_path, "blank.pdf", text_pdf([" "])) == extract_pdf.NO_TEXT


def test_a_pdf_line_broken_mid_word_and_mid_sentence_reads_as_one_paragraph(tmp_path):
    path = tmp_path / "wrapped.pdf"
    path.write_bytes(
        text_pdf(
            [
                "Councils across the region worked on the improve-\nment plan together, and\n"
                "the results were shared widely with every partner.\nNext steps follow."
            ]
        )
    )
    assert read_document(path, path.name).body == (
        "Councils across the region worked on the improvement plan together, and the results were "
        "shared widely with every partner.\n\nNext steps follow."
    )


def test_a_narrow_column_of_short_lines_reads_as_its_paragraphs(tmp_path):
    first = (
        "Our work with Kent County Council, Surrey County Council, Medway Council and the Local "
        "Government Association brought Peer Challenge to Children's Services across the South East region"
    )
    second = "Next year we will publish what we found"
    path = tmp_path / "column.pdf"
    path.write_bytes(text_pdf([f"{first}\n{second}"], width=50))
    assert read_document(path, path.name).body == f"{first}\n\n{second}"


# Bounds: a hostile file cannot stall a reindex


def test_only_the_first_pages_of_a_long_pdf_are_read(tmp_path, monkeypatch):
    monkeypatch.setattr(extract_pdf, "MAX_PDF_PAGES", 2)
    path = tmp_path / "long.pdf"
    path.write_bytes(text_pdf(["Page one.", "Page two.", "Page three."]))
    assert read_document(path, path.name).body == "Page one.\n\nPage two."


def test_reading_stops_once_the_pages_drawing_instructions_pass_the_limit(tmp_path, monkeypatch):
    data = text_pdf(["Page one.", "Page two.", "Page three."])
    path = tmp_path / "heavy.pdf"
    path.write_bytes(data)
    import pypdf

    first_page = len(pypdf.PdfReader(path).pages[0].get_contents().get_data())
    monkeypatch.setattr(extract_pdf, "MAX_PDF_CONTENT_BYTES", first_page + 1)
    assert read_document(path, path.name).body == "Page one.\n\nPage two."


def test_only_the_first_characters_of_a_long_word_document_are_read(tmp_path, monkeypatch):
    monkeypatch.setattr(extract_docx, "MAX_DOCUMENT_CHARS", 30)
    path = tmp_path / "long.docx"
    path.write_bytes(word_document([("Twenty characters!!!", None)] * 5))
    assert read_document(path, path.name).body.split("\n\n") == ["Twenty characters!!!"] * 2


def test_a_word_document_that_unpacks_past_the_limit_is_rejected_unread(tmp_path):
    bomb = io.BytesIO(word_document([("A short paper.", None)]))
    with zipfile.ZipFile(bomb, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("word/media/padding.bin", "w") as member:
            block = bytes(2**20)
            for _ in range(extract_docx.MAX_UNPACKED_BYTES // 2**20 + 1):
                member.write(block)
    assert unreadable_reason(tmp_path, "bomb.docx", bomb.getvalue()) == extract_docx.TOO_LARGE


def test_an_old_word_file_named_docx_is_told_apart_from_an_encrypted_one(tmp_path):
    ole_without_package = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)
    assert unreadable_reason(tmp_path, "old.docx", ole_without_package) == extract_docx.OLD_WORD


def test_a_zip_that_is_not_a_word_document_is_damaged(tmp_path):
    other = io.BytesIO()
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("hello.txt", "not a document")
    assert unreadable_reason(tmp_path, "other.docx", other.getvalue()) == extract_docx.BROKEN


def test_a_pdf_whose_page_unpacks_past_the_limit_is_rejected_unread(tmp_path):
    assert (
        unreadable_reason(tmp_path, "bomb.pdf", pdf_with_page_stream(zlib.compress(b"q Q " * 6_000_000)))
        == extract_pdf.TOO_LARGE
    )


def pdf_with_page_stream(compressed: bytes) -> bytes:
    """A one-page PDF whose page content is the Flate stream given, written object by object."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(compressed) + compressed + b"\nendstream",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
