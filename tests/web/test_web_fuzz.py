"""Hostile and random input against every search URL: no 500, and no answer past the time limit.

Hypothesis writes the queries from the query syntax (wildcards, ranges, field prefixes, brackets,
quotes, operators) mixed with huge and non-Latin text, and every other parameter from anything.
It also writes natural text as staff type and paste it (sentences with punctuation, bracketed
asides, bullets, stray quotes): such a search finds nothing only when none of its words is in
the index.
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

pieces = st.sampled_from(
    [
        "*",
        "?",
        "a*",
        "?a*",
        "*a",
        "l*",
        "{a TO z}",
        "[a TO z]",
        "{",
        "}",
        "[",
        "]",
        "(",
        ")",
        '"',
        "'",
        "AND",
        "OR",
        "NOT",
        "-",
        "+",
        "^2",
        "~",
        "~2",
        ":",
        "title:",
        "tag:",
        "org:",
        "org:LGA",
        "year:2019",
        "source:",
        "author:",
        "nothing:",
        "sector-led",
        "well-being",
        "SEND",
        "EHCP",
        "DCS",
        "inspectoin",
        "children's",
        "东京",
        "Київ",
        "ثقافة",
        "\u200b",
        "\ufeff",
        "\\",
        "/",
        "%",
        "&",
        "<script>",
        "a" * 300,
        "leadership",
        "inspection",
        "ofsted",
        "peer challenge",
        " ",
    ]
)
queries = st.one_of(
    st.lists(pieces, max_size=12).map(" ".join),
    st.text(max_size=200),
    st.lists(st.sampled_from(["l*", "m*", "n*", "r*", "s*", "t*", "v*", "c*", "p*"]), min_size=1, max_size=14).map(
        " ".join
    ),
)
values = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        ["", "0", "-1", "1", "2", "100", "101", "1000000000000", "abc", "2019", "20x4", "2019-02-30", "yes", "no"]
    ),
)
parameters = st.fixed_dictionaries(
    {"q": queries},
    optional={
        name: st.lists(values, max_size=3)
        for name in (
            "tag",
            "org",
            "category",
            "source",
            "author",
            "year",
            "from",
            "to",
            "sort",
            "page",
            "per_page",
            "correct",
        )
    },
)
paths = st.sampled_from(["/search", "/api/search", "/search.csv", "/search.atom", "/doc/ofsted-inspection"])


@settings(
    max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
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


# -- natural text: sentences, asides and bullets ------------------------------------------------

INDEXED = ["inspection", "budgets", "trust", "residents", "leaders", "partnerships", "Inspectors", "county"]
ABSENT = ["zqxjv", "vvwwq", "blorptastic"]
COMMON = ["what", "how", "is", "the", "a", "of", "and", "or", "not", "our", "to", "we"]
GLUE = [
    " ",
    " ",
    " ",
    ", ",
    ": ",
    "; ",
    " / ",
    " & ",
    " + ",
    " – ",
    " - ",
    "? ",
    "?\n",
    "! ",
    ". ",
    "… ",
    ' "',
    '" ',
    " '",
    "' ",
    "\n• ",
    "\n- ",
    "\n* ",
    "\n1) ",
    " (",
    ") ",
    " [",
    "] ",
    ":",
    "/",
]
words = st.sampled_from(
    INDEXED
    + ABSENT
    + COMMON
    + [
        "SEND",
        "sector-led",
        "well-being",
        "children's",
        "2019",
        "e.g.",
        "etc.",
        "i.e.",
        "Note:",
        "Re:",
        "https://x.org",
    ]
)


@st.composite
def natural_text(draw):
    """A sentence or a pasted list: words joined by punctuation, maybe with an aside in brackets."""
    parts = [draw(st.sampled_from(["", "", "• ", "- ", "* ", '"', "(", "1. "]))]
    for word in draw(st.lists(words, min_size=1, max_size=14)):
        parts.append(word)
        parts.append(draw(st.sampled_from(GLUE)))
    if draw(st.booleans()):
        aside = draw(st.lists(words, min_size=1, max_size=5))
        parts.insert(draw(st.integers(0, len(parts))), " (" + " ".join(aside) + ") ")
    return "".join(parts).strip() + draw(st.sampled_from(["", "?", ".", "…", ")", '"']))


def _has_indexed_word(text: str) -> bool:
    lowered = text.lower()
    return any(word.lower() in lowered for word in INDEXED)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(q=natural_text())
def test_natural_text_finds_something_whenever_a_word_is_in_the_index(app, q):
    response = app.test_client().get(f"/api/search?{urlencode({'q': q})}")
    assert response.status_code == 200, q
    answer = response.get_json()
    if _has_indexed_word(q):
        assert answer["total"] > 0, (q, answer["notice"])
    notice = answer["notice"] or ""
    assert "wildcard" not in notice and "cannot start with" not in notice, (q, notice)
    assert "bracket" not in notice and "could not be understood" not in notice, (q, notice)
