"""The one mapping between a Document and the index: written by `document_fields`, read back whole."""

from __future__ import annotations

import datetime

from whoosh import index as whoosh_index

from indexer.document import Document
from indexer.schema import body_reader, build_schema, document_fields, document_from_stored, stored_document


def stored_after_writing(tmp_path, document: Document) -> tuple[dict, str]:
    """The document's stored fields and its body, as the index gives them back."""
    ix = whoosh_index.create_in(str(tmp_path), build_schema())
    try:
        with ix.writer() as writer:
            writer.add_document(**document_fields(document, "hash", "/posts"))
        with ix.searcher() as searcher:
            docnum = searcher.document_number(id=document.id)
            return searcher.stored_fields(docnum), body_reader(searcher.reader())(docnum)
    finally:
        ix.close()


def test_a_document_read_back_from_the_index_is_the_document_written(tmp_path):
    document = Document(
        id="housing/duty",
        path="housing/duty.md",
        title="The housing duty",
        body="First.\n\nSecond — the café’s.",
        date=datetime.date(2024, 2, 29),
        author="Jane Smith",
        source="Council Leader Blog",
        tags=["SLI", "Housing"],
        categories=["Policy"],
        organisations=["Ministry of Housing, Communities and Local Government", "Ofsted"],
        source_url="https://leader.example.org/housing-duty",
    )
    stored, body = stored_after_writing(tmp_path, document)
    assert "body" not in stored  # kept apart, so reading the other fields never unpacks it
    assert document_from_stored(stored, body) == document
    assert stored_document(stored, body)["organisations"] == document.organisations
    assert stored_document(stored, body)["body"] == document.body
    assert stored_document(stored)["source_url"] == document.source_url
    assert "body" not in stored_document(stored)


def test_an_undated_document_without_metadata_reads_back_the_same(tmp_path):
    document = Document(id="bare", path="bare.txt", title="Bare", body="Only words.")
    assert document_from_stored(*stored_after_writing(tmp_path, document)) == document


def test_positions_are_packed_as_numbers_and_read_back_whole():
    """Text fields keep positions as PackedPositions: what is written reads back the same, big
    positions (far into a long post) and one-position postings included."""
    from indexer.schema import PackedPositions

    schema = build_schema()
    for name in ("title", "body", "labels"):
        assert type(schema[name].format) is PackedPositions
    assert schema["title"].format.field_boost == 2.0
    packed = PackedPositions()
    for positions in ([0], [3], [1, 2, 3, 70_000], list(range(0, 5_000_000, 99_991))):
        encoded = packed.encode(positions)
        assert len(encoded) == 4 + 4 * len(positions)
        assert packed.decode_positions(encoded) == positions
        assert packed.decode_frequency(encoded) == len(positions)
