"""`lgsearch publish DEST`: the live index copied to another index folder, switched there only
once complete and checked, with DEST unchanged when anything fails."""

from __future__ import annotations

import errno
import shutil
import threading

from click.testing import CliRunner

from helpers import CORPUS
from indexer import store
from indexer.query import SearchRequest, SearchService
from lgsearch.cli import cli


def publish(index_dir, dest, *extra):
    return CliRunner().invoke(cli, ["--index-dir", str(index_dir), "publish", str(dest), *extra])


def test_a_published_index_answers_as_the_original(built_index, tmp_path):
    dest = tmp_path / "replica"
    result = publish(built_index, dest)
    assert result.exit_code == 0, result.output
    assert f"Published {len(CORPUS)} documents" in result.output
    with SearchService(built_index) as original, SearchService(dest) as replica:
        for q in ("ofsted", "peer challenge", ""):
            ours, theirs = original.search(SearchRequest(q=q)), replica.search(SearchRequest(q=q))
            assert [h.id for h in ours.hits] == [h.id for h in theirs.hits] and ours.total == theirs.total


def test_publishing_again_keeps_the_previous_generation_only(built_index, tmp_path):
    dest = tmp_path / "replica"
    generations = []
    for _ in range(3):
        assert publish(built_index, dest).exit_code == 0
        generations.append(store.live_generation(dest).name)
    assert len(set(generations)) == 3
    assert sorted(p.name for p in dest.glob("gen-*")) == sorted(generations[-2:])
    assert not list(dest.glob("building-*"))


def test_a_failed_copy_leaves_the_destination_exactly_as_it_was(built_index, tmp_path, monkeypatch):
    dest = tmp_path / "replica"
    assert publish(built_index, dest).exit_code == 0
    before = sorted(str(p.relative_to(dest)) for p in dest.rglob("*"))
    pointer = (dest / "CURRENT").read_bytes()
    copies = []
    real_copy = shutil.copyfile

    def copy_then_fill_the_disk(src, dst, *args, **kwargs):
        copies.append(src)
        if len(copies) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_copy(src, dst, *args, **kwargs)

    monkeypatch.setattr(shutil, "copyfile", copy_then_fill_the_disk)
    result = publish(built_index, dest)
    assert result.exit_code == 1 and "No space left on device" in result.output and "unchanged" in result.output
    assert (dest / "CURRENT").read_bytes() == pointer
    assert sorted(str(p.relative_to(dest)) for p in dest.rglob("*")) == before


def test_nothing_to_publish_is_an_error(tmp_path):
    result = publish(tmp_path / "empty", tmp_path / "replica")
    assert result.exit_code == 1 and "There is no index" in result.output
    assert not (tmp_path / "replica" / "CURRENT").exists()


def test_a_server_reading_the_destination_sees_no_failed_search_while_it_is_published(built_index, tmp_path):
    dest = tmp_path / "replica"
    assert publish(built_index, dest).exit_code == 0
    failures, answered, stop = [], [], threading.Event()

    def keep_searching():
        with SearchService(dest) as service:
            while not stop.is_set():
                try:
                    answered.append(service.search(SearchRequest(q="ofsted")).total)
                except Exception as error:  # any failure is what this test looks for
                    failures.append(error)

    reader = threading.Thread(target=keep_searching)
    reader.start()
    try:
        for _ in range(5):
            assert publish(built_index, dest).exit_code == 0
    finally:
        stop.set()
        reader.join(30)
    assert failures == [] and answered and set(answered) == {2}, [repr(f) for f in failures[:3]]
