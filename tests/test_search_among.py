"""The query service's two answers for email alerts: every live post's id, and which of some
posts match a search, newest first."""

from __future__ import annotations

from indexer.reindex import reindex
from indexer.query import SearchRequest, SearchService


def test_document_ids_are_the_live_posts_and_the_version_changes_with_a_reindex(built_index, corpus_dir):
    with SearchService(built_index) as service:
        ids, version = service.document_ids()
        assert ids == {"ofsted-inspection", "peer-challenge", "academies", "digital/localgov", "undated"}
        (corpus_dir / "academies.md").unlink()
        reindex([corpus_dir], built_index)
        after, later = service.document_ids()
        assert after == ids - {"academies"} and later != version
        assert service.index_version() == later


def test_newest_among_keeps_the_matching_ones_newest_first(built_index):
    with SearchService(built_index) as service:
        posts, complete = service.newest_among(
            SearchRequest(q="ofsted"), {"ofsted-inspection", "peer-challenge", "academies", "no-such-post"}
        )
        assert complete
        assert [p["id"] for p in posts] == ["peer-challenge", "ofsted-inspection"]  # 2020, then 2019
        assert posts[0]["title"] == "Peer challenge in the South East" and "body" not in posts[0]
        assert service.newest_among(SearchRequest(tag=("Schools",)), {"peer-challenge"}) == ([], True)
