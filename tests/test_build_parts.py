"""How a large rebuild shares its files among writer processes, and what a failing one does.

Each process takes one contiguous run of the files, so posts keep the order one writer gives
them. Files that share an id stay together, because which of them is indexed depends on the
ones before it; when no even split keeps them together, one writer does it all.
"""

from __future__ import annotations

import errno
import os
import signal
from pathlib import Path

import pytest
from whoosh.filedb.structfile import StructFile

from helpers import CORPUS, write_post
from indexer import reindex as build, store
from indexer.reindex import files as build_files
from indexer.reindex import reindex
from indexer.reindex.sources import SourceFile
from indexer.reindex.writers import split_into_parts
from indexer.query import SearchRequest, SearchService


def source_files(tmp_path: Path, names_and_sizes: list[tuple[str, int]]) -> list[SourceFile]:
    found = []
    for name, size in names_and_sizes:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x" * size)
        found.append(SourceFile(path, tmp_path, name))
    return found


def names(parts) -> list[list[str]]:
    return [[source_file.relative_path for source_file in part] for part in parts]


def test_parts_are_contiguous_and_about_equal_in_bytes(tmp_path):
    files = source_files(tmp_path, [(f"p{n}.md", 100) for n in range(6)] + [("big.md", 600)])
    assert names(split_into_parts(files, 2)) == [[f"p{n}.md" for n in range(6)], ["big.md"]]
    assert [len(part) for part in split_into_parts(files[:6], 2)] == [3, 3]
    assert [len(part) for part in split_into_parts(files[:6], 3)] == [2, 2, 2]


def test_files_that_share_an_id_stay_in_one_part(tmp_path):
    files = source_files(
        tmp_path, [("a.md", 100), ("b.md", 100), ("b.new.md", 100), ("b.txt", 100), ("c.md", 100), ("d.md", 100)]
    )
    assert names(split_into_parts(files, 2)) == [["a.md", "b.md", "b.new.md", "b.txt"], ["c.md", "d.md"]]


def test_files_that_cannot_be_split_evenly_go_to_one_writer(tmp_path):
    # The same posts under two sources: every id is shared by a file in each half.
    files = source_files(tmp_path / "one", [(f"p{n}.md", 100) for n in range(4)])
    files += source_files(tmp_path / "two", [(f"p{n}.md", 100) for n in range(4)])
    assert split_into_parts(files, 2) is None
    assert split_into_parts(source_files(tmp_path, [("huge.md", 1000), ("tiny.md", 1)]), 2) is None


@pytest.fixture
def parallel(monkeypatch):
    monkeypatch.setattr(build, "PARALLEL_BUILD_THRESHOLD", 2)


def test_a_large_rebuild_reports_what_each_writer_process_found(corpus_dir, index_dir, parallel):
    write_post(corpus_dir, "academies.txt", "Another academies", "Same id as academies.md.")
    (corpus_dir / "zz-empty.txt").write_text("", encoding="utf-8")
    report = reindex([corpus_dir], index_dir)
    assert (report.added, report.documents) == (len(CORPUS), len(CORPUS))
    assert [(Path(r.path).name, r.reason.split(" (")[0]) for r in report.rejected] == [
        ("academies.txt", "Another file"),
        ("zz-empty.txt", "The file is empty."),
    ]
    report = reindex([corpus_dir], index_dir, rebuild=True)
    assert (report.unchanged, report.added, report.deleted) == (len(CORPUS), 0, 0)


def test_a_full_disk_in_a_writer_process_fails_the_rebuild_and_leaves_the_live_index(
    corpus_dir, index_dir, parallel, monkeypatch
):
    reindex([corpus_dir], index_dir)
    live, before = store.live_generation(index_dir), {path.name for path in index_dir.iterdir()}
    job = os.getpid()
    real_write = StructFile.write

    def full_in_writer_processes(self, *args):
        if os.getpid() != job:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(self, *args)

    monkeypatch.setattr(StructFile, "write", full_in_writer_processes)
    with pytest.raises(OSError, match="No space left on device"):
        reindex([corpus_dir], index_dir, rebuild=True)
    monkeypatch.undo()
    assert store.live_generation(index_dir) == live
    assert {path.name for path in index_dir.iterdir()} == before
    with SearchService(index_dir) as service:
        assert service.search(SearchRequest()).total == len(CORPUS)


def test_a_writer_process_that_dies_fails_the_rebuild_with_its_exit_status(
    corpus_dir, index_dir, parallel, monkeypatch
):
    reindex([corpus_dir], index_dir)
    live = store.live_generation(index_dir)
    job, real = os.getpid(), build_files.read_document

    def killed_in_a_writer_process(*args, **kwargs):
        if os.getpid() != job:
            os.kill(os.getpid(), signal.SIGKILL)  # as the out-of-memory killer would
        return real(*args, **kwargs)

    monkeypatch.setattr(build_files, "read_document", killed_in_a_writer_process)
    with pytest.raises(RuntimeError, match=r"A writer process failed \(exit status -9\)"):
        reindex([corpus_dir], index_dir, rebuild=True)
    assert store.live_generation(index_dir) == live
    assert not list(index_dir.glob("building-*"))


def test_a_large_rebuild_moves_the_progress_bar_to_its_end(corpus_dir, index_dir, parallel):
    shown, finished = [], []

    def progress(files):
        for source_file in files:
            shown.append(source_file.relative_path)
            yield source_file
        finished.append(True)

    reindex([corpus_dir], index_dir, rebuild=True, progress=progress)
    assert len(shown) == len(CORPUS) and finished == [True]
