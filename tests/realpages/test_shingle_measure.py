"""The shingle measure against cases worked by hand, and the comparison's bookkeeping on a real run."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from bench.extraction_compare import compare, metadata_agrees
from bench.realpage_set import RealPage
from bench.shingles import score_page, score_suite, shingles, words


def test_words_are_runs_of_word_characters_with_case_kept():
    assert words("Don't stop—the £5 café!") == ["Don", "t", "stop", "the", "5", "café"]
    assert words("The Cat", lowercase=True) == ["the", "cat"]
    assert words(None) == []


def test_shingles_are_a_multiset_of_four_word_runs():
    assert shingles("a b c d e") == {("a", "b", "c", "d"): 1, ("b", "c", "d", "e"): 1}
    assert shingles("x x x x x x") == {("x", "x", "x", "x"): 3}
    assert shingles("hello world") == {("hello", "world"): 1}  # a short text is one short shingle
    assert shingles("") == {}


def test_identical_texts_score_one():
    score = score_page(
        "The council met on Tuesday to agree the budget.", "The council met on Tuesday to agree the budget."
    )
    assert (score.precision, score.recall, score.f1) == (1.0, 1.0, 1.0)


def test_one_wrong_word_at_the_end_costs_one_shingle_each_way():
    # gold: (a b c d), (b c d e); extracted: (a b c d), (b c d x): one shared, one extra, one missed
    score = score_page("a b c d e", "a b c d x")
    assert (score.true_positives, score.false_positives, score.false_negatives) == (1, 1, 1)
    assert score.precision == score.recall == score.f1 == 0.5


def test_extra_chrome_lowers_precision_only():
    gold = "one two three four five six"  # 3 shingles
    score = score_page(gold, gold + " Share this on Twitter")  # 4 more shingles, all wrong
    assert score.recall == 1.0
    assert score.precision == pytest.approx(3 / 7)


def test_repeated_shingles_count_as_often_as_they_occur():
    score = score_page("x x x x x", "x x x x")  # gold has (x x x x) twice, the extraction once
    assert (score.precision, score.recall) == (1.0, 0.5)


def test_case_is_kept_as_the_benchmark_keeps_it():
    assert score_page("The Cat sat down", "the cat sat down").f1 == 0.0
    assert score_page("The Cat sat down", "the cat sat down", lowercase=True).f1 == 1.0


def test_nothing_extracted_scores_zero_with_no_precision():
    score = score_page("a marked article text here", None)
    assert score.precision is None and score.recall == 0.0 and score.f1 == 0.0
    assert score_page("", "").f1 == 1.0  # nothing marked, nothing extracted: right


def test_suite_scores_average_pages_and_count_the_low_ones():
    half_precision = score_page("a b c d", "a b c d e f g")  # tp 1, fp 3: p 0.25, r 1
    perfect = score_page("a b c d", "a b c d")
    nothing = score_page("a b c d", "")
    suite = score_suite([half_precision, perfect, nothing])
    assert suite.pages == 3
    assert suite.precision == pytest.approx((0.25 + 1.0) / 2)  # the empty extraction has no precision
    assert suite.recall == pytest.approx((1.0 + 1.0 + 0.0) / 3)
    assert suite.suite_f1 == pytest.approx(2 * 0.625 * (2 / 3) / (0.625 + 2 / 3))
    assert suite.mean_f1 == pytest.approx((0.4 + 1.0 + 0.0) / 3)
    assert suite.under_half == 2
    with pytest.raises(ValueError):
        score_suite([])


def test_metadata_agrees_on_words_names_and_days():
    assert metadata_agrees("title", "Budget agreed", "Budget Agreed!")
    assert not metadata_agrees("title", "Budget agreed", "Budget agreed | Council News")
    assert metadata_agrees("author", "Jane Smith", "Jane Smith and Ravi Patel")
    assert not metadata_agrees("author", "Jane Smith", None)
    assert metadata_agrees("date", "2012-07-24", "2012-07-24T08:00:00")
    assert not metadata_agrees("date", "2012-07-24", "2012-07-25")


def _page(folder: Path, name: str, html: str, gold: str, metadata: dict | None = None) -> RealPage:
    html_path, gold_path = folder / f"{name}.html.gz", folder / f"{name}.txt"
    html_path.write_bytes(gzip.compress(html.encode("utf-8")))
    gold_path.write_text(gold, encoding="utf-8")
    return RealPage(name, "made here", "test", None, html_path, gold_path, metadata or {})


def test_compare_counts_a_rejected_page_and_scores_a_read_one(tmp_path: Path):
    article = " ".join(f"Sentence {n} of the council's plan for new homes and better buses." for n in range(30))
    read = _page(
        tmp_path,
        "read",
        f"<html><head><title>The plan</title></head><body><article><h1>The plan</h1>"
        f"<p>{article}</p></article></body></html>",
        article,
        {"title": "The plan", "date": "2012-07-24"},
    )
    empty = _page(tmp_path, "empty", "<html><body><nav><a href='/'>Home</a></nav></body></html>", article)
    results = compare([read, empty], tmp_path / "saved")
    for name in ("lgsearch", "trafilatura", "readability-lxml"):
        result = results[name]
        assert result.scores["read"].f1 > 0.9, name
        assert result.scores["empty"].f1 == 0.0, name
        assert "read" not in result.rejected, name
    assert "empty" in results["lgsearch"].rejected
    assert results["lgsearch"].marked == {"title": 1, "author": 0, "sitename": 0, "date": 1}
    assert results["lgsearch"].agreed["title"] == 1
    assert results["lgsearch"].agreed["date"] == 0  # the page gives no date
