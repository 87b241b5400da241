"""lgsearch's reader on real saved pages, beside trafilatura and readability-lxml in the same run.

Every page in tests/realpages carries an article text a person marked (README.md beside this file
says where each came from). Each extractor's body is scored against it with the suites' 4-word
shingle F1 (bench/shingles.py). lgsearch must keep every page and reach trafilatura's level: its
mean F1 may not fall below trafilatura's, with its defaults (which keep the comments) or
without the comments (which the marked texts leave out). The table is printed whatever the outcome.
"""

from __future__ import annotations

import pytest
import trafilatura

from bench.contenders import run_trafilatura
from bench.extraction_compare import compare, table
from bench.realpage_set import load_pages
from bench.shingles import words

PAGES = load_pages()
TRAFILATURA_VIEWS = ("trafilatura", "trafilatura, no comments")


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config):
    """Every extractor run once over every page, in two processes; the table goes to the terminal."""
    results = compare(PAGES, tmp_path_factory.mktemp("realpages"), processes=2)
    capture = pytestconfig.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print("\n\nReal pages, body F1 against the marked article text:\n")
        print(table(results, len(PAGES)))
        for name, result in results.items():
            worst = result.low_pages()[:8]
            if worst:
                print(
                    f"{name}, pages under 0.5: "
                    + ", ".join(f"{page} {f1:.2f}" for page, f1 in worst)
                    + (" ..." if len(result.low_pages()) > 8 else "")
                )
    return results


def test_the_set_is_large_enough_and_each_page_has_a_marked_text():
    assert len(PAGES) >= 150
    assert len({page.id for page in PAGES}) == len(PAGES)
    for page in PAGES:
        assert len(words(page.gold())) >= 100, page.id
        assert page.html_path.stat().st_size < 2 * 1024 * 1024, page.id


def test_every_extractor_scored_every_page(results):
    assert set(results) == {"lgsearch", *TRAFILATURA_VIEWS, "readability-lxml"}
    for result in results.values():
        assert len(result.scores) == len(PAGES)


def test_lgsearch_rejects_no_page_that_has_a_marked_article(results):
    rejected = results["lgsearch"].rejected
    assert not rejected, (
        f"lgsearch rejected {len(rejected)} of {len(PAGES)} pages that have a marked "
        "article text: " + "; ".join(f"{page}: {reason}" for page, reason in rejected.items())
    )


@pytest.mark.parametrize("view", TRAFILATURA_VIEWS)
def test_lgsearch_body_is_at_trafilaturas_level(results, view):
    ours, theirs = results["lgsearch"].suite, results[view].suite
    assert ours.mean_f1 >= theirs.mean_f1, (
        f"lgsearch's mean body F1 {ours.mean_f1:.3f} is below {view}'s {theirs.mean_f1:.3f} "
        f"({ours.under_half} against {theirs.under_half} pages under 0.5)"
    )


def test_trafilaturas_run_says_what_extract_returns():
    """The one-call trafilatura run (article, comments, metadata) says what `extract` with its
    defaults says, word for word."""
    for page in PAGES[:12]:
        data = page.html()
        assert words(run_trafilatura(data).body) == words(trafilatura.extract(data)), page.id
