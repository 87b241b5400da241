"""A generation read with one `os.pread` a read (storage.py) must read exactly what Whoosh's own
file reads do: every stored post, body and posting, in an index of several segments."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from whoosh.filedb.compound import SubFile
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile

from indexer import store
from indexer.engine.storage import PreadFile, PreadStorage, stored_fields_reader
from indexer.schema import TEXT_FIELDS, body_reader


@pytest.fixture(scope="module")
def generation(segmented_index) -> Path:
    return store.live_generation(segmented_index)


def _everything(reader) -> tuple:
    stored = [reader.stored_fields(docnum) for docnum in range(reader.doc_count_all())]
    bodies = [body_reader(reader)(docnum) for docnum in range(reader.doc_count_all())]
    postings = {}
    for field_name in TEXT_FIELDS + ("id",):
        for text in list(reader.lexicon(field_name))[::7]:
            postings[field_name, text] = _walk(reader.postings(field_name, text))
    return stored, bodies, postings


def _walk(matcher) -> list:
    found = []
    while matcher.is_active():
        found.append((matcher.id(), matcher.weight(), matcher.value()))
        matcher.next()
    return found


def test_pread_storage_reads_what_whoosh_reads(generation):
    plain = FileStorage(str(generation), supports_mmap=False, readonly=True).open_index()
    fast = PreadStorage(str(generation), supports_mmap=False, readonly=True).open_index()
    with plain.searcher() as expected, fast.searcher() as actual:
        assert len(list(actual.reader().leaf_readers())) > 1
        wanted = _everything(expected.reader())
        assert wanted[0] and wanted[2]
        assert _everything(actual.reader()) == wanted


def test_stored_fields_read_straight_from_the_segments_are_whooshs(generation):
    with PreadStorage(str(generation), supports_mmap=False, readonly=True).open_index().searcher() as searcher:
        reader = searcher.reader()
        assert len(list(reader.leaf_readers())) > 1 and reader.has_deletions()
        read = stored_fields_reader(reader)
        assert read is not reader.stored_fields  # the quick way, not the fallback
        everything = range(reader.doc_count_all())
        assert [read(docnum) for docnum in everything] == [reader.stored_fields(docnum) for docnum in everything]
        assert all(read(docnum)["id"] for docnum in everything)


def test_reads_from_many_threads_at_once_stay_right(generation):
    """Reads no longer share the file's position, so threads reading at once each get theirs."""
    fast = PreadStorage(str(generation), supports_mmap=False, readonly=True).open_index()
    with fast.searcher() as searcher:
        reader = searcher.reader()
        docnums = list(range(reader.doc_count_all())) * 5
        wanted = [reader.stored_fields(docnum)["id"] for docnum in docnums]
        with ThreadPoolExecutor(max_workers=8) as pool:
            got = list(pool.map(lambda docnum: reader.stored_fields(docnum)["id"], docnums))
    assert got == wanted


def test_a_part_of_a_file_reads_no_further_than_its_end(tmp_path):
    path = tmp_path / "data"
    path.write_bytes(bytes(range(100)))
    with open(path, "rb") as raw:
        part = PreadFile(SubFile(raw, 10, 20), raw, 10, 20)
        whoosh_part = StructFile(SubFile(raw, 10, 20))
        for position, length in [(0, 5), (15, 5), (15, 50), (19, 1), (20, 4), (25, 3)]:
            assert part.get(position, length) == whoosh_part.get(position, length)
        assert part.subset(5, 10).get(0, 100) == bytes(range(15, 25))
