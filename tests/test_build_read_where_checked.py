"""A file is read where the folder walk checked it: a swap between the walk and the read never
brings a file from outside the source folder into the index.

Each case changes the folder after the walk has listed its files (the walk is wrapped), as
someone with write access to the folder could while a long run is going.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

import indexer.reindex as build
from helpers import CORPUS, write_post
from indexer.reindex import reindex
from indexer.query import SearchRequest, SearchService
from indexer.reading import opening

SECRET = "Zanzibarian quartermaster ledger"  # words no post of the corpus has


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the source folder, with a file a post could be swapped for."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "passwd.md").write_text(f"---\ntitle: Secret\n---\n\n{SECRET}.\n", encoding="utf-8")
    (folder / "localgov.md").write_text(f"---\ntitle: Secret too\n---\n\n{SECRET}.\n", encoding="utf-8")
    return folder


def after_the_walk(monkeypatch, change) -> None:
    """Make `change` to the folder once the walk has listed its files, before any is read."""
    walk = build.collect_files

    def walk_then_change(*args, **kwargs):
        files = walk(*args, **kwargs)
        change()
        return files

    monkeypatch.setattr(build, "collect_files", walk_then_change)


def swap_for_link(path: Path, target: Path) -> None:
    path.unlink()
    path.symlink_to(target)


def searched(index_dir: Path, q: str) -> int:
    with SearchService(index_dir) as service:
        return service.search(SearchRequest(q=q)).total


def exported_text(index_dir: Path) -> str:
    with SearchService(index_dir) as service:
        return " ".join(f"{doc['title']} {doc['body']}" for doc in service.export())


def test_a_post_swapped_for_a_link_outside_after_the_walk_is_rejected_not_read(
    corpus_dir, index_dir, outside, monkeypatch
):
    post = corpus_dir / "academies.md"
    after_the_walk(monkeypatch, lambda: swap_for_link(post, outside / "passwd.md"))
    report = reindex([corpus_dir], index_dir)
    reasons = {Path(r.path).name: r.reason for r in report.rejected}
    assert list(reasons) == ["academies.md"]
    assert "outside the source folder" in reasons["academies.md"]
    assert searched(index_dir, "zanzibarian") == 0 and "Zanzibarian" not in exported_text(index_dir)
    assert report.documents == len(CORPUS) - 1


def test_a_folder_swapped_for_a_link_outside_after_the_walk_is_rejected_not_read(
    corpus_dir, index_dir, outside, monkeypatch
):
    folder = corpus_dir / "digital"
    after_the_walk(monkeypatch, lambda: (os.rename(folder, corpus_dir / "digital-old"), folder.symlink_to(outside)))
    report = reindex([corpus_dir], index_dir)
    reasons = {Path(r.path).name: r.reason for r in report.rejected}
    assert list(reasons) == ["localgov.md"] and "outside the source folder" in reasons["localgov.md"]
    assert searched(index_dir, "zanzibarian") == 0 and "Zanzibarian" not in exported_text(index_dir)


def test_a_folder_swapped_after_the_path_was_resolved_is_not_followed(corpus_dir, index_dir, outside, monkeypatch):
    """The narrowest window: the folder becomes a link after the read has resolved the path,
    while it opens the file. No step of the opening follows a link."""
    folder = corpus_dir / "digital"
    resolve = os.path.realpath

    def resolve_then_swap(path, *args, **kwargs):
        real = resolve(path, *args, **kwargs)
        if Path(path).name == "localgov.md" and not folder.is_symlink():
            os.rename(folder, corpus_dir / "digital-old")
            folder.symlink_to(outside)
        return real

    monkeypatch.setattr(opening.os.path, "realpath", resolve_then_swap)
    report = reindex([corpus_dir], index_dir)
    reasons = {Path(r.path).name: r.reason for r in report.rejected}
    assert list(reasons) == ["localgov.md"]
    assert (
        reasons["localgov.md"] == "The file was replaced by a link while lgsearch was reading it, so it was not read."
    )
    assert searched(index_dir, "zanzibarian") == 0


def test_a_file_replaced_by_a_link_while_opened_is_not_followed(corpus_dir, index_dir, outside, monkeypatch):
    post = corpus_dir / "academies.md"
    resolve = os.path.realpath

    def resolve_then_swap(path, *args, **kwargs):
        real = resolve(path, *args, **kwargs)
        if Path(path).name == "academies.md" and not post.is_symlink():
            swap_for_link(post, outside / "passwd.md")
        return real

    monkeypatch.setattr(opening.os.path, "realpath", resolve_then_swap)
    report = reindex([corpus_dir], index_dir)
    assert [(Path(r.path).name, r.reason) for r in report.rejected] == [
        ("academies.md", "The file was replaced by a link while lgsearch was reading it, so it was not read.")
    ]
    assert searched(index_dir, "zanzibarian") == 0


def test_links_inside_the_folder_are_still_read(corpus_dir, index_dir, monkeypatch):
    """The contract follows links that stay inside the source folder, at the walk and at the read."""
    write_post(corpus_dir / "archive", "housing.md", "Housing", "Housing pressures on district councils.")
    (corpus_dir / "linked.md").symlink_to(corpus_dir / "archive" / "housing.md")
    (corpus_dir / "also").symlink_to(corpus_dir / "archive")
    # A post swapped after the walk for a link to another post inside the folder is read too.
    post = corpus_dir / "academies.md"
    after_the_walk(monkeypatch, lambda: swap_for_link(post, corpus_dir / "archive" / "housing.md"))
    report = reindex([corpus_dir], index_dir)
    assert report.rejected == []
    assert searched(index_dir, "housing") == 4  # archive/housing, also/housing, linked and academies


def test_a_named_pipe_in_place_of_a_post_is_rejected_without_waiting(corpus_dir, index_dir, monkeypatch):
    post = corpus_dir / "academies.md"
    after_the_walk(monkeypatch, lambda: (post.unlink(), os.mkfifo(post)))
    done: dict = {}
    job = threading.Thread(target=lambda: done.setdefault("report", reindex([corpus_dir], index_dir)), daemon=True)
    job.start()
    job.join(timeout=120)  # opening a pipe to read waits for a writer, unless told not to
    assert "report" in done, "the run waited on the pipe"
    assert [(Path(r.path).name, r.reason) for r in done["report"].rejected] == [
        ("academies.md", "The file could not be read: it is not a regular file.")
    ]
