"""The one mapping between a Document and the index: written by `document_fields`, read back whole."""
from __future__ import annotations

import datetime

from whoosh import index as whoosh_index

from indexer.document import Document
from indexer.schema import build_schema, document_fields, document_from_stored, stored_document


def stored_after_writing(tmp_path, document: Document) -> dict:
    ix = whoosh_index.create_in(str(tmp_path), build_schema())
    try:
        with ix.writer() as writer:
            writer.add_document(**document_fields(document, "hash", "/posts"))
        with ix.searcher() as searcher:
            return searcher.document(id=document.id)
    finally:
        ix.close()


def test_a_document_read_back_from_the_index_is_the_document_written(tmp_path):
    document = Document(
        id="housing/duty", path="housing/duty.md", title="The housing duty", body="First.\n\nSecond.",
        date=datetime.date(2024, 2, 29), author="Jane Smith", source="Council Leader Blog",
        tags=["SLI", "Housing"], categories=["Policy"],
        organisations=["Ministry of Housing, Communities and Local Government", "Ofsted"],
    )
    stored = stored_after_writing(tmp_path, document)
    assert document_from_stored(stored) == document
    assert stored_document(stored, with_body=True)["organisations"] == document.organisations


def test_an_undated_document_without_metadata_reads_back_the_same(tmp_path):
    document = Document(id="bare", path="bare.txt", title="Bare", body="Only words.")
    assert document_from_stored(stored_after_writing(tmp_path, document)) == document
