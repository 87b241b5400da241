"""An incremental run reads only what changed: a file of the indexed size and time is not read,
and a run that changes nothing leaves the live index (and every server's caches) untouched."""

from __future__ import annotations

import os

from helpers import write_post
from indexer import store
from indexer.reindex import files, reindex


def index_files(index_dir):
    live = store.live_generation(index_dir)
    return sorted((p.name, p.stat().st_mtime_ns) for p in live.iterdir() if p.name != store.META_NAME)


def test_files_of_the_indexed_size_and_time_are_not_read_again(tmp_path, monkeypatch):
    posts = tmp_path / "posts"
    for n in range(5):
        write_post(posts, f"p{n}.md", f"Post {n}", f"Body {n}.")
    reindex([posts], tmp_path / "index")
    reads = []
    real = files.read_bytes
    monkeypatch.setattr(files, "read_bytes", lambda path, root: reads.append(path.name) or real(path, root))

    report = reindex([posts], tmp_path / "index")
    assert reads == [] and report.unchanged == 5

    write_post(posts, "p1.md", "Post 1", "A new body.")
    report = reindex([posts], tmp_path / "index")
    assert reads == ["p1.md"] and report.updated == 1 and report.unchanged == 4


def test_a_touched_file_is_read_once_counted_unchanged_and_then_left_alone(tmp_path, monkeypatch):
    posts = tmp_path / "posts"
    path = write_post(posts, "a.md", "A", "Body.")
    reindex([posts], tmp_path / "index")
    later = path.stat().st_mtime_ns + 5_000_000_000
    os.utime(path, ns=(later, later))
    reads = []
    real = files.read_bytes
    monkeypatch.setattr(files, "read_bytes", lambda p, root: reads.append(p.name) or real(p, root))
    report = reindex([posts], tmp_path / "index")
    assert reads == ["a.md"] and report.unchanged == 1 and report.updated == 0
    reindex([posts], tmp_path / "index")
    assert reads == ["a.md"]


def test_a_run_that_changes_nothing_leaves_the_live_index_untouched(tmp_path):
    posts = tmp_path / "posts"
    write_post(posts, "a.md", "A", "Body.")
    reindex([posts], tmp_path / "index")
    before = index_files(tmp_path / "index")
    report = reindex([posts], tmp_path / "index")
    assert report.unchanged == 1 and index_files(tmp_path / "index") == before
    (posts / "a.md").unlink()
    assert reindex([posts], tmp_path / "index").deleted == 1
    assert index_files(tmp_path / "index") != before


def test_what_the_index_holds_is_read_without_its_terms_as_a_searcher_reads_it(tmp_path):
    """Several segments, deleted and updated posts: the columns read alone give what the
    searcher gives, and the table of contents counts what it counts."""
    from whoosh import index as whoosh_index

    from indexer.reindex.indexed import COMPARED, document_count, indexed_hashes

    posts, index_dir = tmp_path / "posts", tmp_path / "index"
    for n in range(6):
        write_post(posts, f"p{n}.md", f"Post {n}", f"Body {n}.")
    reindex([posts], index_dir)
    write_post(posts, "p1.md", "Post 1", "A new body.")
    (posts / "p2.md").unlink()
    write_post(posts, "p9.md", "Post 9", "Another post.")
    reindex([posts], index_dir)
    live = store.live_generation(index_dir)
    ix = whoosh_index.open_dir(str(live))
    try:
        with ix.searcher() as searcher:
            assert len(searcher.reader().leaf_readers()) > 1 and searcher.reader().has_deletions()
            expected = {
                fields["id"]: tuple(fields[name] for name in COMPARED) for fields in searcher.all_stored_fields()
            }
            assert document_count(ix) == searcher.doc_count() == 6
    finally:
        ix.close()
    assert indexed_hashes(live) == expected
