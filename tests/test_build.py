"""The reindex job: ids, incremental counts, atomic rebuilds, the lock and failures."""

from __future__ import annotations

import datetime
import json
import os
import select
import signal
import subprocess
import sys
import textwrap
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from helpers import CORPUS, REPO_ROOT, write_post
from indexer import store
from indexer.reindex import SourceError, reindex
from lgsearch.cli import cli
from indexer.document import document_id
from indexer.query.request import SearchRequest
from indexer.query.service import SearchService
from indexer.reading import readers


def ids_in(index_dir: Path) -> set[str]:
    with SearchService(index_dir) as service:
        return {doc["id"] for doc in service.export()}


def test_ids_are_relative_paths_without_extension_made_url_safe():
    assert document_id("003_15804bbd8a465479.txt") == "003_15804bbd8a465479"
    assert document_id("Digital/My Post (v2).HTML") == "digital/my-post-v2"
    assert document_id("a/b/Café £5.md") == "a/b/caf-5"


def test_names_in_other_scripts_get_readable_ids_of_their_own():
    assert document_id("東京.txt") == "東京"
    assert document_id("Київ.md") == "київ"
    assert document_id("Київ/Звіт 2019.md") == "київ/звіт-2019"
    assert document_id("Éé.md") == "éé"  # Latin letters, but none that an ASCII id keeps
    assert len({document_id(name) for name in ("東京.txt", "大阪.txt", "Київ.md", "Львів.md")}) == 4
    # Names with Latin letters keep the ids they always had: bookmarks depend on them.
    assert document_id("Tōkyō notes.md") == "t-ky-notes"
    assert document_id("2019 (1).txt") == "2019-1"


def test_documents_with_non_latin_names_are_found_and_served(tmp_path, index_dir):
    from webui import create_app

    source = tmp_path / "world"
    write_post(source, "東京.md", "Tokyo", "A visit to Tokyo about digital services.")
    write_post(source, "Київ.md", "Kyiv", "A visit to Kyiv about digital services.")
    report = reindex([source], index_dir)
    assert report.rejected == [] and report.documents == 2
    client = create_app({"TESTING": True, "INDEX_DIR": str(index_dir)}).test_client()
    page = client.get("/search?q=digital").get_data(as_text=True)
    assert 'href="/doc/%E6%9D%B1%E4%BA%AC?q=digital"' in page
    assert client.get("/doc/%E6%9D%B1%E4%BA%AC").status_code == 200
    assert client.get("/api/doc/%D0%BA%D0%B8%D1%97%D0%B2").json["title"] == "Kyiv"


def test_seeds_index_with_their_file_names_as_ids(seeds_copy, index_dir):
    report = reindex([seeds_copy], index_dir)
    assert report.added == 5 and report.rejected == []
    assert ids_in(index_dir) == {p.stem for p in seeds_copy.glob("*.txt")}


def test_ids_do_not_change_between_reindexes(corpus_dir, index_dir):
    reindex([corpus_dir], index_dir)
    first = ids_in(index_dir)
    reindex([corpus_dir], index_dir, rebuild=True)
    assert ids_in(index_dir) == first
    assert "digital/localgov" in first


def test_incremental_reindex_counts_adds_updates_deletes_and_unchanged(corpus_dir, index_dir):
    first = reindex([corpus_dir], index_dir)
    assert (first.added, first.updated, first.deleted, first.unchanged) == (len(CORPUS), 0, 0, 0)

    write_post(corpus_dir, "new-post.md", "A new post", "Fresh thinking on housing.")
    write_post(corpus_dir, "academies.md", "Academies revisited", "Governors changed their minds about trusts.")
    (corpus_dir / "undated.md").unlink()
    second = reindex([corpus_dir], index_dir)
    assert (second.added, second.updated, second.deleted, second.unchanged) == (1, 1, 1, len(CORPUS) - 2)
    assert second.documents == len(CORPUS)

    with SearchService(index_dir) as service:
        assert service.search(SearchRequest(q="trusts")).hits[0].id == "academies"
        assert service.document("undated") is None
        assert service.document("new-post").document["title"] == "A new post"


def test_deletions_only_touch_the_sources_named(corpus_dir, tmp_path, index_dir):
    other = tmp_path / "other"
    write_post(other, "elsewhere.md", "Elsewhere", "A post from another folder.")
    reindex([corpus_dir, other], index_dir)
    report = reindex([other], index_dir)
    assert report.deleted == 0
    assert "undated" in ids_in(index_dir) and "elsewhere" in ids_in(index_dir)


def test_rebuild_switches_to_a_new_generation_atomically(corpus_dir, index_dir):
    reindex([corpus_dir], index_dir)
    before = store.live_generation(index_dir)
    with SearchService(index_dir) as service:
        assert service.search(SearchRequest()).total == len(CORPUS)
        write_post(corpus_dir, "extra.md", "Extra", "Another post about peer review.")
        report = reindex([corpus_dir], index_dir, rebuild=True)
        after = store.live_generation(index_dir)
        assert after != before and after.name.startswith("gen-")
        assert (report.added, report.unchanged) == (1, len(CORPUS))
        assert not list(index_dir.glob("building-*"))
        # The running service follows the switch without a restart.
        assert service.search(SearchRequest()).total == len(CORPUS) + 1


def test_service_sees_incremental_changes_without_restart(corpus_dir, index_dir):
    reindex([corpus_dir], index_dir)
    with SearchService(index_dir) as service:
        assert service.search(SearchRequest(q="housing")).total == 0
        write_post(corpus_dir, "housing.md", "Housing", "Housing pressures on district councils.")
        reindex([corpus_dir], index_dir)
        assert service.search(SearchRequest(q="housing")).total == 1


def test_rebuilds_keep_only_the_live_and_previous_generations(corpus_dir, index_dir):
    for _ in range(4):
        reindex([corpus_dir], index_dir, rebuild=True)
    assert len(list(index_dir.glob("gen-*"))) == 2


def test_bad_files_are_rejected_with_a_reason_and_the_rest_indexed(corpus_dir, index_dir, monkeypatch):
    (corpus_dir / "empty.txt").write_text("", encoding="utf-8")
    (corpus_dir / "binary.txt").write_bytes(b"\x00\x01\x02PNG\x00" * 50)
    locked = corpus_dir / "locked.txt"
    locked.write_text("A post the indexer may not read.", encoding="utf-8")
    real_open_inside = readers.open_inside

    def open_inside(path, root):
        if path.name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(path))
        return real_open_inside(path, root)

    monkeypatch.setattr(readers, "open_inside", open_inside)
    report = reindex([corpus_dir], index_dir)
    reasons = {Path(r.path).name: r.reason for r in report.rejected}
    assert set(reasons) == {"empty.txt", "binary.txt", "locked.txt"}
    assert "permission" in reasons["locked.txt"]
    assert all(reason.endswith(".") for reason in reasons.values())
    assert report.documents == len(CORPUS)


def test_a_file_that_turns_bad_keeps_its_last_good_version(corpus_dir, index_dir):
    reindex([corpus_dir], index_dir)
    (corpus_dir / "academies.md").write_bytes(b"")
    report = reindex([corpus_dir], index_dir)
    assert [Path(r.path).name for r in report.rejected] == ["academies.md"]
    assert report.deleted == 0 and "academies" in ids_in(index_dir)


def exported(index_dir: Path) -> dict[str, dict]:
    with SearchService(index_dir) as service:
        return {doc["id"]: doc for doc in service.export()}


@pytest.mark.parametrize("processes", [1, 2])
def test_a_rebuild_keeps_the_last_good_version_of_a_file_that_turns_bad(corpus_dir, index_dir, monkeypatch, processes):
    import indexer.reindex as build

    if processes == 2:
        monkeypatch.setattr(build, "PARALLEL_BUILD_THRESHOLD", 2)
    reindex([corpus_dir], index_dir)
    good = exported(index_dir)
    (corpus_dir / "academies.md").write_bytes(b"")
    for _ in range(2):  # and still on the rebuild after that
        report = reindex([corpus_dir], index_dir, rebuild=True)
        assert [Path(r.path).name for r in report.rejected] == ["academies.md"]
        assert (report.deleted, report.documents) == (0, len(CORPUS))
        assert exported(index_dir) == good
    with SearchService(index_dir) as service:  # indexed, not only stored
        assert service.search(SearchRequest(q="academy conversion")).hits[0].id == "academies"
        assert service.search(SearchRequest(author=("Carl Haggerty",), year=("2018",))).total == 1


def test_a_rebuild_counts_a_bad_file_as_deleted_when_the_live_index_has_no_version_to_keep(corpus_dir, index_dir):
    reindex([corpus_dir], index_dir)
    meta_path = store.live_generation(index_dir) / store.META_NAME
    meta_path.write_text(json.dumps({**json.loads(meta_path.read_text()), "schema_version": 0}))
    (corpus_dir / "academies.md").write_bytes(b"")
    report = reindex([corpus_dir], index_dir, rebuild=True)
    assert (report.deleted, report.documents) == (1, len(CORPUS) - 1)
    assert "academies" not in ids_in(index_dir)


def test_the_job_reads_dates_as_on_the_day_it_is_given_and_two_runs_agree(tmp_path, index_dir):
    source = tmp_path / "dated"
    write_post(source, "ahead.md", "Next year's plans", "What the council will do.", date="2027-01-05")

    def dates(index: Path) -> list:
        with SearchService(index) as service:
            return [doc["date"] for doc in service.export()]

    # A post dated the year after next is not believed; one dated next year is.
    reindex([source], index_dir, rebuild=True, today=datetime.date(2025, 12, 31))
    reindex([source], index_dir, rebuild=True, today=datetime.date(2025, 12, 31))
    assert dates(index_dir) == [None]
    reindex([source], tmp_path / "later", today=datetime.date(2026, 1, 1))
    assert dates(tmp_path / "later") == ["2027-01-05"]


def test_cli_exit_3_lists_rejected_files_in_json(corpus_dir, index_dir, runner):
    (corpus_dir / "empty.md").write_text("   \n", encoding="utf-8")
    result = runner.invoke(cli, ["--index-dir", str(index_dir), "index", str(corpus_dir), "--json"])
    assert result.exit_code == 3, result.output
    summary = json.loads(result.stdout)
    assert set(summary) == {"added", "updated", "deleted", "unchanged", "rejected", "documents", "seconds"}
    assert summary["added"] == len(CORPUS) and summary["documents"] == len(CORPUS)
    assert [Path(r["path"]).name for r in summary["rejected"]] == ["empty.md"]


def test_cli_index_is_quiet_for_cron_and_says_what_it_did_when_asked(corpus_dir, index_dir, runner):
    quiet = runner.invoke(cli, ["--index-dir", str(index_dir), "index", str(corpus_dir)])
    assert quiet.exit_code == 0 and quiet.output == ""
    told = runner.invoke(cli, ["--index-dir", str(index_dir), "-v", "index", str(corpus_dir), "--rebuild"])
    assert told.exit_code == 0, told.output
    assert f"Indexed {len(CORPUS)} documents: 0 added, 0 updated, 0 removed, {len(CORPUS)} unchanged" in told.output


def test_rejected_files_are_listed_on_stderr_even_when_quiet(corpus_dir, index_dir, runner):
    (corpus_dir / "empty.txt").write_text("", encoding="utf-8")
    result = runner.invoke(cli, ["--index-dir", str(index_dir), "index", str(corpus_dir)])
    assert result.exit_code == 3
    assert result.stdout == ""
    assert "Skipped 1 file:" in result.stderr and "empty.txt: The file is empty." in result.stderr


def test_missing_source_is_a_usage_error_with_exit_2(index_dir, runner, tmp_path):
    result = runner.invoke(cli, ["--index-dir", str(index_dir), "index", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert "There is no file or folder called" in result.output
    assert store.live_generation(index_dir) is None


def test_a_named_file_of_another_type_is_a_usage_error(index_dir, runner, tmp_path):
    odt = tmp_path / "report.odt"
    odt.write_bytes(b"PK")
    result = runner.invoke(cli, ["--index-dir", str(index_dir), "index", str(odt)])
    assert result.exit_code == 2 and "not a file lgsearch can index" in result.output
    with pytest.raises(SourceError):
        reindex([odt], index_dir)


def test_other_files_in_a_folder_are_ignored_silently(corpus_dir, index_dir):
    (corpus_dir / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    (corpus_dir / "notes.odt").write_bytes(b"PK")
    (corpus_dir / "notes.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    report = reindex([corpus_dir], index_dir)
    assert report.rejected == [] and report.documents == len(CORPUS)


def test_a_failed_incremental_run_leaves_the_live_index_untouched(corpus_dir, index_dir, runner, monkeypatch):
    reindex([corpus_dir], index_dir)
    before = ids_in(index_dir)
    write_post(corpus_dir, "new.md", "New", "A post that will not make it.")
    (corpus_dir / "undated.md").unlink()

    from whoosh.writing import SegmentWriter

    def broken_commit(self, *args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(SegmentWriter, "commit", broken_commit)
    result = runner.invoke(cli, ["--index-dir", str(index_dir), "index", str(corpus_dir)])
    assert result.exit_code == 1
    assert "The live index is unchanged" in result.output
    monkeypatch.undo()
    assert ids_in(index_dir) == before


def test_a_failed_rebuild_is_never_published(corpus_dir, index_dir, monkeypatch):
    reindex([corpus_dir], index_dir)
    live = store.live_generation(index_dir)

    def broken_meta(generation):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(store, "write_meta", broken_meta)
    with pytest.raises(OSError):
        reindex([corpus_dir], index_dir, rebuild=True)
    assert store.live_generation(index_dir) == live
    assert not list(index_dir.glob("building-*"))


def test_an_older_schema_asks_for_a_rebuild(corpus_dir, index_dir, runner):
    reindex([corpus_dir], index_dir)
    meta_path = store.live_generation(index_dir) / store.META_NAME
    meta = json.loads(meta_path.read_text())
    meta["schema_version"] = 0
    meta_path.write_text(json.dumps(meta))
    result = runner.invoke(cli, ["--index-dir", str(index_dir), "index", str(corpus_dir)])
    assert result.exit_code == 1 and "lgsearch index --rebuild" in result.output
    search = runner.invoke(cli, ["--index-dir", str(index_dir), "search", "ofsted"])
    assert search.exit_code == 1 and "lgsearch index --rebuild" in search.output
    rebuilt = runner.invoke(cli, ["--index-dir", str(index_dir), "index", "--rebuild", str(corpus_dir)])
    assert rebuilt.exit_code == 0, rebuilt.output


# -- the lock, with real processes ------------------------------------------------------


def _python(code: str, *args: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


HOLD_LOCK = """
    import sys, time
    from pathlib import Path
    from indexer.store import ReindexLock
    with ReindexLock(Path(sys.argv[1])):
        print("locked", flush=True)
        time.sleep(float(sys.argv[2]))
        print("releasing", flush=True)
"""


@contextmanager
def holding_lock(index_dir: Path, seconds: float):
    """A real second process holding the reindex lock; killed and reaped on the way out."""
    holder = _python(HOLD_LOCK, str(index_dir), str(seconds))
    try:
        assert holder.stdout.readline().strip() == "locked"
        yield holder
    finally:
        holder.kill()
        holder.communicate()


def test_a_second_reindex_is_refused_naming_the_running_pid(corpus_dir, index_dir, runner):
    with holding_lock(index_dir, 30) as holder:
        result = runner.invoke(cli, ["--index-dir", str(index_dir), "index", str(corpus_dir)])
        assert result.exit_code == 1
        assert f"Another reindex is running (pid {holder.pid})" in result.output


def test_wait_lets_a_reindex_queue_behind_another(corpus_dir, index_dir, runner):
    with holding_lock(index_dir, 1) as holder:
        result = runner.invoke(cli, ["--index-dir", str(index_dir), "index", str(corpus_dir), "--wait", "20"])
        assert result.exit_code == 0, result.output
        # It really waited: the holder said it was letting go before the job could finish. (Whether
        # the holder has also exited by now is a race with the job, not something --wait promises.)
        assert select.select([holder.stdout], [], [], 0)[0], "the job finished while the lock was held"
        assert holder.stdout.readline().strip() == "releasing"


def test_a_killed_jobs_lock_is_recovered_automatically(corpus_dir, index_dir):
    with holding_lock(index_dir, 30) as holder:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    assert (index_dir / store.LOCK_NAME).read_text().strip() == str(holder.pid)  # stale pid left behind
    report = reindex([corpus_dir], index_dir)
    assert report.documents == len(CORPUS)


SLOW_REBUILD = """
    import sys, time
    from pathlib import Path
    import indexer.reindex as build
    import indexer.reindex.files as files
    real = files.read_document
    def slow(*args, **kwargs):
        time.sleep(0.5)
        return real(*args, **kwargs)
    files.read_document = slow
    build.reindex([Path(sys.argv[1])], Path(sys.argv[2]), rebuild=True)
"""


def test_a_killed_rebuild_leaves_the_previous_index_serving(corpus_dir, index_dir):
    reindex([corpus_dir], index_dir)
    live = store.live_generation(index_dir)
    job = _python(SLOW_REBUILD, str(corpus_dir), str(index_dir))
    deadline = time.monotonic() + 20
    while not list(index_dir.glob("building-*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert list(index_dir.glob("building-*")), job.communicate()
    job.kill()
    job.communicate()
    assert store.live_generation(index_dir) == live
    with SearchService(index_dir) as service:
        assert service.search(SearchRequest()).total == len(CORPUS)
    reindex([corpus_dir], index_dir)
    assert not list(index_dir.glob("building-*"))


def test_a_terminal_gets_a_progress_bar_and_a_pipe_does_not(corpus_dir, index_dir):
    import pty

    leader, follower = pty.openpty()
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    job = subprocess.Popen(
        [sys.executable, "-m", "indexer", "--index-dir", str(index_dir), "index", str(corpus_dir)],
        env=env,
        stdin=follower,
        stdout=follower,
        stderr=follower,
    )
    os.close(follower)
    output = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closes when the job exits
            break
        if not chunk:
            break
        output += chunk
    job.wait()
    os.close(leader)
    assert job.returncode == 0
    assert b"Indexing" in output and f"{len(CORPUS)}/{len(CORPUS)}".encode() in output

    piped = subprocess.run(
        [sys.executable, "-m", "indexer", "--index-dir", str(index_dir), "index", str(corpus_dir), "--rebuild"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert piped.returncode == 0 and "Indexing" not in piped.stderr + piped.stdout


def test_two_files_with_one_id_keep_the_first_and_reject_the_second(corpus_dir, index_dir):
    (corpus_dir / "academies.txt").write_text(
        "Academies again\n\nA plain-text twin of a Markdown post.\n", encoding="utf-8"
    )
    report = reindex([corpus_dir], index_dir)
    assert [Path(r.path).name for r in report.rejected] == ["academies.txt"]
    assert "already has the id academies" in report.rejected[0].reason
    with SearchService(index_dir) as service:
        assert service.document("academies").document["path"] == "academies.md"


def test_a_rebuild_keeps_only_the_sources_it_is_given(corpus_dir, tmp_path, index_dir):
    other = tmp_path / "other"
    write_post(other, "elsewhere.md", "Elsewhere", "A post from another folder.")
    reindex([corpus_dir, other], index_dir)
    report = reindex([corpus_dir], index_dir, rebuild=True)
    assert (report.unchanged, report.deleted, report.documents) == (len(CORPUS), 1, len(CORPUS))
    assert "elsewhere" not in ids_in(index_dir)


# -- links in a source folder ------------------------------------------------------------


def test_links_are_followed_only_inside_the_source_and_others_are_reported(corpus_dir, tmp_path, index_dir):
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    write_post(elsewhere, "private.md", "Private", "Not for the public index.")
    (corpus_dir / "passwd.txt").symlink_to(secret)
    (corpus_dir / "outside").symlink_to(elsewhere)
    (corpus_dir / "again.md").symlink_to(corpus_dir / "academies.md")
    (corpus_dir / "digital-too").symlink_to(corpus_dir / "digital")
    (corpus_dir / "photo.jpg").symlink_to(tmp_path / "no-such-photo.jpg")  # not a post: ignored like any file

    report = reindex([corpus_dir], index_dir)
    reasons = {Path(r.path).name: r.reason for r in report.rejected}
    assert set(reasons) == {"passwd.txt", "outside"}
    assert all(
        "leads outside the source folder" in reason and "only links that stay inside it" in reason
        for reason in reasons.values()
    )
    ids = ids_in(index_dir)
    assert {"again", "digital-too/localgov"} <= ids
    assert not any("passwd" in doc_id or "private" in doc_id for doc_id in ids)


def test_dangling_links_and_link_loops_are_reported_not_skipped(corpus_dir, index_dir, runner):
    (corpus_dir / "gone.md").symlink_to(corpus_dir / "deleted-post.md")
    (corpus_dir / "ring-a").symlink_to(corpus_dir / "ring-b")
    (corpus_dir / "ring-b").symlink_to(corpus_dir / "ring-a")
    (corpus_dir / "digital" / "up").symlink_to(corpus_dir)

    result = runner.invoke(cli, ["--index-dir", str(index_dir), "index", str(corpus_dir), "--json"])
    assert result.exit_code == 3, result.output
    reasons = {Path(r["path"]).name: r["reason"] for r in json.loads(result.stdout)["rejected"]}
    assert reasons["gone.md"].startswith("The link leads to nothing")
    assert "loop" in reasons["ring-a"] and "loop" in reasons["ring-b"]
    assert "loop" in reasons["up"]
    assert json.loads(result.stdout)["documents"] == len(CORPUS)
