"""bench.load's issue 28 mix and the wrk script written from it: the shares the issue names, and
every address (and ETag) in the script as a Lua string. wrk itself is never run by the tests."""

from __future__ import annotations

import random
from collections import Counter
from urllib.parse import parse_qs, urlsplit

from bench.load import ISSUE_MIX, issue_mix_urls
from bench.wrk_client import write_script


def kind_of(url: str) -> str:
    parts = urlsplit(url)
    if parts.path == "/search":
        return "results page, tag" if "tag" in parse_qs(parts.query) else "results page"
    return {"/api/search": "JSON", "/search.atom": "Atom"}.get(parts.path, "document page")


def test_the_mix_has_the_issues_shares():
    urls = issue_mix_urls(random.Random(1), 20_000, 20_000)
    counted = Counter(kind_of(url) for url in urls)
    for kind, share in ISSUE_MIX:
        assert abs(counted[kind] / len(urls) - share) < 0.015, (kind, counted[kind])
    # A round sends about a thousand: nearly all new (one-word searches of 380 words come again,
    # as in the python client's mix), so the answer caches flatter a round little.
    assert len(set(urls[:1_000])) > 0.95 * 1_000


def test_the_wrk_script_names_every_address_and_etag(tmp_path):
    urls = ["/search?q=peer+review", ("/api/search?q=a%22b", '"0123abcd"'), "/doc/post-00001?q=x"]
    script = write_script(tmp_path / "mix.lua", urls).read_text()
    assert '"/search?q=peer+review"' in script and '"/doc/post-00001?q=x"' in script
    assert '"/api/search?q=a%22b"' in script and r'"\"0123abcd\""' in script
    assert script.count("If-None-Match") == 1 and "Connection" not in script
    closing = write_script(tmp_path / "close.lua", urls, keep_alive=False).read_text()
    assert '["Connection"] = "close"' in closing
