"""Hostile and random input against every search URL: no 500, and no answer past the time limit.

Hypothesis writes the queries from the query syntax (wildcards, ranges, field prefixes, brackets,
quotes, operators) mixed with huge and non-Latin text, and every other parameter from anything.
The elapsed-time check is a generous multiple of the configured limit: it catches a stalled
worker (seconds), not a slow one; speed itself is measured in bench/.
"""
from __future__ import annotations

import time
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from web.conftest import app_for

pytestmark = pytest.mark.slow  # hundreds of generated addresses against a real index

TIME_LIMIT = 0.5
STALLED = 10 * TIME_LIMIT

pieces = st.sampled_from([
    "*", "?", "a*", "?a*", "*a", "l*", "{a TO z}", "[a TO z]", "{", "}", "[", "]", "(", ")", '"', "'",
    "AND", "OR", "NOT", "-", "+", "^2", "~", "~2", ":", "title:", "tag:", "org:", "org:LGA", "year:2019",
    "source:", "author:", "nothing:", "sector-led", "well-being", "SEND", "EHCP", "DCS", "inspectoin",
    "children's", "东京", "Київ", "ثقافة", "\u200b", "\ufeff", "\\", "/", "%", "&", "<script>", "a" * 300,
    "leadership", "inspection", "ofsted", "peer challenge", " ",
])
queries = st.one_of(
    st.lists(pieces, max_size=12).map(" ".join),
    st.text(max_size=200),
    st.lists(st.sampled_from(["l*", "m*", "n*", "r*", "s*", "t*", "v*", "c*", "p*"]), min_size=1, max_size=14).map(" ".join),
)
values = st.one_of(st.text(max_size=30), st.sampled_from(["", "0", "-1", "1", "2", "100", "101", "1000000000000",
                                                          "abc", "2019", "20x4", "2019-02-30", "yes", "no"]))
parameters = st.fixed_dictionaries({"q": queries}, optional={
    name: st.lists(values, max_size=3)
    for name in ("tag", "org", "category", "source", "author", "year", "from", "to", "sort", "page", "per_page",
                 "correct")
})
paths = st.sampled_from(["/search", "/api/search", "/search.csv", "/search.atom", "/doc/ofsted-inspection"])


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(path=paths, params=parameters)
def test_no_url_gives_a_server_error_or_stalls(index_dir, path, params):
    with app_for(index_dir) as app:
        app.config["SEARCH_TIME_LIMIT"] = TIME_LIMIT
        client = app.test_client()
        url = f"{path}?{urlencode(params, doseq=True)}"
        started = time.monotonic()
        response = client.get(url)
        elapsed = time.monotonic() - started
    assert response.status_code in (200, 302, 400, 404), (url, response.status_code)
    assert elapsed < STALLED, (url, elapsed)
