"""The files every server worker maps (indexer/query/shared.py): the same answers as the copies a
worker derives itself, written whole or not at all, carried by publish, and any missing, stale,
cut short or changed file falls back to a worker's own copy with a warning, never an error."""

from __future__ import annotations

import json
import logging
import mmap
import shutil
import zlib
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from helpers import index_in_segments
from indexer import store
from indexer.query import SearchRequest, SearchService
from indexer.query.generation import Generation
from indexer.query.shared import MANIFEST, write_shared_files
from indexer.reindex import reindex
from lgsearch.cli import cli
from tests.relevance.relevance_eval import CORPUS as JUDGED_CORPUS

REQUESTS = [
    SearchRequest(q="council"),
    SearchRequest(q="children social care"),
    SearchRequest(q='"social care"'),
    SearchRequest(q='"the council"', sort="newest"),
    SearchRequest(q="housing", sort="oldest", page=2),
    SearchRequest(q=""),
    SearchRequest(q="", sort="oldest"),
    SearchRequest(q="funding OR budget"),
    SearchRequest(q="council", tag=("housing",)),
    SearchRequest(q="peer challenge", year=("2023",)),
    SearchRequest(q="leadership -children"),
]
SHARED_LOGGER = "indexer.query.shared"


@pytest.fixture(scope="module")
def shared_index(tmp_path_factory) -> Path:
    """The judged corpus in three runs with some posts then deleted (several segments), with the
    shared files of its last commit. Copied by tests that change it."""
    index_dir = index_in_segments(tmp_path_factory.mktemp("shared"), JUDGED_CORPUS, derive=write_shared_files)
    assert not [path for path in store.live_generation(index_dir).iterdir() if path.name.startswith("shared-")]
    write_shared_files(store.live_generation(index_dir))  # as the first server worker does after an update
    return index_dir


@pytest.fixture
def index_copy(shared_index, tmp_path) -> Path:
    copy = tmp_path / "index"
    shutil.copytree(shared_index, copy)
    return copy


def shared_folder(index_dir: Path) -> Path:
    """The folder of shared files of the live generation's latest commit."""
    live = store.live_generation(index_dir)
    folders = [path for path in live.glob("shared-*") if path.name.removeprefix("shared-").isdigit()]
    latest = max(int(path.stem.rsplit("_", 1)[1]) for path in live.glob("_MAIN_*.toc"))
    assert live / f"shared-{latest}" in folders, folders
    return live / f"shared-{latest}"


def mapped(array: np.ndarray) -> bool:
    """Whether the array is a view of a memory-mapped file."""
    while array is not None:
        if isinstance(array, (np.memmap, mmap.mmap)):
            return True
        array = getattr(array, "base", None)
    return False


def answers(index_dir: Path) -> list:
    """Every request's whole answer (hits with scores and snippets, totals, facets, corrections),
    each month's count, and document pages with their more like this."""
    with SearchService(index_dir) as service:
        found = [asdict(service.search(request)) for request in REQUESTS]
        found += [sorted(service.month_counts(request).items()) for request in REQUESTS]
        first = [hit["document"]["id"] for hit in found[0]["hits"][:3]]
        found += [asdict(service.document(doc_id, q="council")) for doc_id in first]
    return found


def test_the_shared_files_hold_the_common_words_facets_and_months(shared_index):
    folder = shared_folder(shared_index)
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    live = store.live_generation(shared_index)
    assert folder.name == f"shared-{max(int(p.stem.rsplit('_', 1)[1]) for p in live.glob('_MAIN_*.toc'))}"
    assert len(manifest["places"]) > 100 and set(manifest["facets"]) >= {"tag", "org", "year"}
    assert not list(live.glob("shared-*.tmp-*")) and len(list(live.glob("shared-*"))) == 1  # the earlier commits' gone
    gen = Generation.opened(live)
    try:
        assert gen.shared is not None
        assert ("body", "council") in gen.postings.shared_places
        keys = gen.postings.position_keys("body", "council")
        assert mapped(keys) and not keys.flags.writeable
    finally:
        gen.close()


def test_answers_from_the_shared_files_are_a_workers_own(index_copy, tmp_path, caplog):
    own = tmp_path / "own"
    shutil.copytree(index_copy, own)
    shutil.rmtree(shared_folder(own))
    with caplog.at_level(logging.INFO, logger=SHARED_LOGGER):
        from_own = answers(own)
    # none yet is the usual state after an update (its first worker writes them): said, not warned
    said = [record for record in caplog.records if "derives its own copy" in record.getMessage()]
    assert said and all(record.levelno == logging.INFO for record in said)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger=SHARED_LOGGER):
        from_shared = answers(index_copy)
    assert not caplog.records
    assert from_shared == from_own
    assert from_own[0]["total"] > 10 and from_own[2]["total"] > 0  # the comparison had something to compare


def test_a_generation_with_shared_files_keeps_no_copy_of_the_common_words(index_copy, tmp_path):
    own = tmp_path / "own"
    shutil.copytree(index_copy, own)
    shutil.rmtree(shared_folder(own))
    shared, derived = (
        Generation.opened(store.live_generation(index_copy)),
        Generation.opened(store.live_generation(own)),
    )
    try:
        shared.warm_common_words()
        derived.warm_common_words(share=False)  # as a worker that cannot write them
        assert len(derived.postings.kept_words()[0]) > 100
        assert shared.postings.kept_words() == ({}, {})
    finally:
        shared.close()
        derived.close()


def damage_missing(folder: Path) -> None:
    (folder / "places_keys.npy").unlink()


def damage_cut_short(folder: Path) -> None:
    path = folder / "places_keys.npy"
    path.write_bytes(path.read_bytes()[:-800])


def damage_changed(folder: Path) -> None:
    path = folder / "facet_tag_values.npy"
    data = bytearray(path.read_bytes())
    data[-4:] = (2**31 - 1).to_bytes(4, "little")  # a value no facet has
    path.write_bytes(bytes(data))


def damage_changed_with_its_checksum(folder: Path) -> None:
    """Values out of range, with a manifest that agrees: the checks of what the arrays hold."""
    damage_changed(folder)
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    manifest["files"]["facet_tag_values"]["crc32"] = zlib.crc32((folder / "facet_tag_values.npy").read_bytes())
    (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")


def damage_stale(folder: Path) -> None:
    folder.rename(folder.with_name("shared-1"))  # an earlier commit's name: never looked at


def damage_other_commit(folder: Path) -> None:
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    manifest["segments"] = list(reversed(manifest["segments"]))
    (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")


def damage_not_a_manifest(folder: Path) -> None:
    (folder / MANIFEST).write_text("[1, 2", encoding="utf-8")


def damage_a_pickle(folder: Path) -> None:
    path = folder / "months.npy"
    np.save(path, np.array([object()] * 3, dtype=object), allow_pickle=True)


@pytest.mark.parametrize(
    "damage",
    [
        damage_missing,
        damage_cut_short,
        damage_changed,
        damage_changed_with_its_checksum,
        damage_stale,
        damage_other_commit,
        damage_not_a_manifest,
        damage_a_pickle,
    ],
)
def test_wrong_shared_files_fall_back_to_a_workers_own_copy(index_copy, tmp_path, caplog, damage):
    expected = answers(index_copy)
    damage(shared_folder(index_copy))
    with caplog.at_level(logging.INFO, logger=SHARED_LOGGER):
        assert answers(index_copy) == expected
    said = [r for r in caplog.records if r.name == SHARED_LOGGER and "derives its own copy" in r.getMessage()]
    # Only another commit's folder is the state after an update (said); a damaged one is warned of.
    level = logging.INFO if damage is damage_stale else logging.WARNING
    assert said and said[0].levelno == level


def test_damaged_shared_files_never_give_an_error_page(index_copy, tmp_path, monkeypatch):
    from webui import create_app

    damage_changed_with_its_checksum(shared_folder(index_copy))
    monkeypatch.setenv("LGSEARCH_INDEX_DIR", str(index_copy))
    app = create_app()
    with app.test_client() as client:
        for url in (
            "/search?q=council&tag=housing",
            "/api/search?q=%22social+care%22",
            "/search?q=housing&sort=oldest",
        ):
            assert client.get(url).status_code == 200, url


def test_a_write_stopped_part_way_leaves_nothing_that_is_read(index_copy, monkeypatch):
    live = store.live_generation(index_copy)
    shutil.rmtree(shared_folder(index_copy))
    saved = []
    real_save = np.save

    def stop_after_three(handle, array, **kwargs):
        saved.append(array)
        if len(saved) == 4:
            raise KeyboardInterrupt  # as SIGTERM stops the job
        return real_save(handle, array, **kwargs)

    monkeypatch.setattr(np, "save", stop_after_three)
    with pytest.raises(KeyboardInterrupt):
        write_shared_files(live)
    assert not list(live.glob("shared-*"))  # the temporary folder removed, nothing renamed into place
    monkeypatch.setattr(np, "save", real_save)
    (live / "shared-9.tmp-123").mkdir()  # as a job killed with -9 leaves it
    gen = Generation.opened(live)
    try:
        assert gen.shared is None
    finally:
        gen.close()
    assert write_shared_files(live) == shared_folder(index_copy)  # written again, whole, beside the leftover


def test_a_killed_writes_leftovers_are_removed_by_the_next_reindex(index_copy, shared_index):
    live = store.live_generation(index_copy)
    (live / "shared-9.tmp-123").mkdir()
    (live / "shared-9.tmp-123" / "places_keys.npy").write_bytes(b"half")
    corpus = shared_index.parent / "corpus"
    reindex([corpus], index_copy, derive=write_shared_files)
    assert [p.name for p in live.glob("shared-*")] == [shared_folder(index_copy).name]


def test_after_an_update_the_first_server_worker_writes_them(index_copy, shared_index, tmp_path, caplog):
    corpus = tmp_path / "corpus"
    shutil.copytree(shared_index.parent / "corpus", corpus)
    before = shared_folder(index_copy).name
    post = sorted(corpus.glob("*.md"))[0]
    post.write_text(post.read_text(encoding="utf-8") + "\nAn added sentence about zeppelins.\n", encoding="utf-8")
    report = reindex([corpus], index_copy, derive=write_shared_files)
    assert report.updated == 1
    live = store.live_generation(index_copy)
    assert [path.name for path in live.glob("shared-*")] == [before]  # the new commit's left to the servers
    with SearchService(index_copy) as first, SearchService(index_copy) as second:
        first.warm()  # as a worker starts: derives its own copy, then writes it for the others
        after = shared_folder(index_copy)
        assert int(after.name.split("-")[1]) > int(before.split("-")[1])
        assert first._generation().shared is not None and first._generation().postings.kept_words() == ({}, {})
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger=SHARED_LOGGER):
            second.warm()
        assert not caplog.records and second._generation().shared is not None
        assert shared_folder(index_copy) == after  # the second used the first's, and wrote none
        assert first.search(SearchRequest(q="zeppelins")).total == 1
        assert asdict(first.search(REQUESTS[2])) == asdict(second.search(REQUESTS[2]))


def test_a_worker_that_cannot_write_them_keeps_its_own_copy(index_copy, monkeypatch, caplog):
    shutil.rmtree(shared_folder(index_copy))
    expected = answers(index_copy)

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(np, "save", refuse)
    with SearchService(index_copy) as service, caplog.at_level(logging.WARNING):
        service.warm()
        assert service._generation().shared is None
        assert len(service._generation().postings.kept_words()[0]) > 100
    assert any("keeps its own copy" in record.getMessage() for record in caplog.records)
    assert not [path for path in store.live_generation(index_copy).iterdir() if path.name.startswith("shared-")]
    monkeypatch.undo()
    assert answers(index_copy) == expected


def test_a_server_takes_up_shared_files_written_after_it_opened(index_copy):
    folder = shared_folder(index_copy)
    hidden = folder.with_name("hidden")
    folder.rename(hidden)
    with SearchService(index_copy) as service:
        expected = asdict(service.search(SearchRequest(q='"social care"', tag=("housing",))))
        gen = service._generation()
        assert gen.shared is None
        service._open_next()
        assert gen.shared is None  # nothing there yet
        hidden.rename(folder)
        service._open_next()
        assert gen.shared is not None and service._generation() is gen
        assert asdict(service.search(SearchRequest(q='"social care"', tag=("housing",)))) == expected


def test_publish_carries_the_shared_files(shared_index, tmp_path, caplog):
    dest = tmp_path / "replica"
    result = CliRunner().invoke(cli, ["--index-dir", str(shared_index), "publish", str(dest)])
    assert result.exit_code == 0, result.output
    source, copy = shared_folder(shared_index), shared_folder(dest)
    assert source.name == copy.name
    assert sorted(p.name for p in copy.iterdir()) == sorted(p.name for p in source.iterdir())
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger=SHARED_LOGGER):
        gen = Generation.opened(store.live_generation(dest))
        try:
            assert gen.shared is not None
        finally:
            gen.close()
    assert not [record for record in caplog.records if record.name == SHARED_LOGGER]
    assert answers(dest) == answers(shared_index)


def test_lgsearch_index_writes_them(tmp_path, corpus_dir):
    index_dir = tmp_path / "cli-index"
    result = CliRunner().invoke(cli, ["--index-dir", str(index_dir), "index", str(corpus_dir), "--json"])
    assert result.exit_code == 0, result.output
    assert (shared_folder(index_dir) / MANIFEST).is_file()
    assert "shared_seconds" not in json.loads(result.output)


def test_switched_off_they_are_neither_read_nor_written(index_copy, monkeypatch):
    expected = answers(index_copy)
    folder = shared_folder(index_copy)
    shutil.rmtree(folder)
    monkeypatch.setenv("LGSEARCH_SHARED_FILES", "off")
    with SearchService(index_copy) as service:
        service.warm()
        assert service._generation().shared is None and len(service._generation().postings.kept_words()[0]) > 100
    assert not folder.exists()
    write_shared_files(store.live_generation(index_copy))  # as a rebuild still writes them
    with SearchService(index_copy) as service:
        service.warm()
        assert service._generation().shared is None
    assert answers(index_copy) == expected


def test_the_plain_engine_neither_reads_nor_writes_them(index_copy, monkeypatch):
    """The plain engine's arrays leave deleted posts out where the fast one's keep them."""
    expected = answers(index_copy)
    monkeypatch.setenv("LGSEARCH_ENGINE", "plain")
    with SearchService(index_copy) as service:
        service.warm()
        assert service._generation().shared is None
    assert answers(index_copy) == expected
    shutil.rmtree(shared_folder(index_copy))
    assert write_shared_files(store.live_generation(index_copy)) is None
    with SearchService(index_copy) as service:
        service.warm()
    assert not [path for path in store.live_generation(index_copy).iterdir() if path.name.startswith("shared-")]


def test_of_two_workers_writing_them_at_once_both_use_the_first_ones(index_copy, monkeypatch):
    live = store.live_generation(index_copy)
    final = shared_folder(index_copy)
    others = final.with_name("written-by-another-worker")
    final.rename(others)
    real_rename = Path.rename

    def another_worker_first(self, target):
        if Path(target) == final and not final.exists():
            real_rename(others, final)  # the other worker renames its folder into place just before
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", another_worker_first)
    before = (final.parent / "written-by-another-worker" / MANIFEST).read_bytes()
    gen = Generation.opened(live)
    try:
        gen.warm_common_words()
        assert gen.shared is not None and gen.postings.kept_words() == ({}, {})
    finally:
        gen.close()
    assert (final / MANIFEST).read_bytes() == before  # the first one's, not replaced
    assert sorted(path.name for path in live.iterdir() if path.name.startswith("shared-")) == [final.name]
