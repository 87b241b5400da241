"""What a person does with the finder in a real browser, and what they see after each step."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from web import web_corpus as corpus

pytestmark = pytest.mark.browser


def result_count(page) -> int:
    text = page.locator("#results-count").inner_text()
    return 0 if text.startswith("No results") else int(text.split()[0].replace(",", ""))


def result_titles(page) -> list[str]:
    return page.locator(".app-result__title a").all_inner_texts()


def changes_run_the_search(page):
    """Wait for the page's script to take over the form, then expect the search a change runs.

    Ticking a box before the module script has loaded only ticks it (as with JavaScript off)."""
    page.wait_for_selector("form[data-auto-submit-ready]", state="attached")
    return page.expect_navigation()


def filter_box(page, name: str, value: str):
    return page.locator(f"input[name='{name}'][value=\"{value}\"]")


def test_search_filter_sort_page_and_open_a_document(page):
    page.goto("/")
    page.get_by_label("Search local government leadership writing").fill("leadership")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page).to_have_url(re.compile(r"/search\?q=leadership$"))
    everything = result_count(page)
    assert everything > 10

    # Tick two filters: each tick runs the search at once, and focus comes back to the box.
    with changes_run_the_search(page):
        filter_box(page, "source", "Council Voices").check()
    expect(filter_box(page, "source", "Council Voices")).to_be_checked()
    expect(filter_box(page, "source", "Council Voices")).to_be_focused()
    one_source = result_count(page)
    assert one_source < everything
    with changes_run_the_search(page):
        filter_box(page, "source", "Leading Places blog").check()
    two_sources = result_count(page)
    assert one_source < two_sources <= everything
    tags = page.locator("a.app-filter-tag")
    expect(tags).to_have_count(2)

    # Remove one by its tag.
    tags.filter(has_text="Source: Council Voices").click()
    expect(page.locator("a.app-filter-tag")).to_have_count(1)
    expect(page.locator("a.app-filter-tag")).to_contain_text("Source: Leading Places blog")
    expect(filter_box(page, "source", "Council Voices")).not_to_be_checked()
    assert page.url.endswith("/search?q=leadership&source=Leading+Places+blog")

    # Change the sort: oldest first.
    page.goto("/search?q=leadership")
    with changes_run_the_search(page):
        page.get_by_label("Sort by").select_option("oldest")
    expect(page).to_have_url(re.compile(r"sort=oldest"))
    dates = page.locator(".app-result__meta time").evaluate_all("els => els.map(e => e.dateTime)")
    assert dates == sorted(dates)

    # Next page.
    first_page = result_titles(page)
    page.get_by_role("link", name=re.compile("Next")).click()
    expect(page).to_have_url(re.compile(r"sort=oldest&page=2$"))
    expect(page.locator(".govuk-pagination [aria-current=page]")).to_have_text("2")
    assert not set(result_titles(page)) & set(first_page)

    # Open a document, see the query highlighted, and come back.
    title = result_titles(page)[0]
    page.locator(".app-result__title a").first.click()
    expect(page.locator("h1")).to_have_text(title)
    expect(page.locator(".app-document__body mark").first).to_be_visible()
    expect(page.locator(".app-related li")).to_have_count(5)
    page.get_by_role("link", name="Back to results").click()
    expect(page).to_have_url(re.compile(r"/search\?q=leadership&sort=oldest&page=2$"))
    assert page.problems == []


def test_a_misspelt_search_shows_corrected_results_and_can_search_as_typed(page):
    page.goto("/search?q=inspectoin")
    expect(page.locator(".app-corrected").first).to_have_text("Showing results for inspection.")
    assert result_count(page) > 0
    page.get_by_role("link", name="inspectoin", exact=True).click()
    expect(page).to_have_url(re.compile(r"/search\?q=inspectoin&correct=no$"))
    expect(page.locator("#results-count")).to_have_text("No results for ‘inspectoin’")
    page.get_by_role("link", name="inspection", exact=True).click()
    expect(page).to_have_url(re.compile(r"/search\?q=inspection$"))
    expect(page.get_by_label("Search local government leadership writing")).to_have_value("inspection")
    assert result_count(page) > 0
    assert page.problems == []


def test_a_value_far_down_a_long_filter_is_scrolled_to_and_ticked(page):
    page.goto("/")
    far = filter_box(page, "tag", "Security")
    far.scroll_into_view_if_needed()
    with changes_run_the_search(page):
        far.check()
    expect(page.locator("a.app-filter-tag")).to_have_text(re.compile("Tag: Security"))
    assert page.problems == []


def test_a_bookmarked_url_shows_the_same_search_after_a_reindex(page, corpus_dir, index_dir):
    bookmark = "/search?q=leadership&org=Ofsted&org=Kent+County+Council&sort=oldest&per_page=5"
    page.goto(bookmark)
    before = result_titles(page)
    ticked = page.locator("input[type=checkbox]:checked").evaluate_all("els => els.map(e => e.value)")
    assert before and sorted(ticked) == ["Kent County Council", "Ofsted"]

    corpus.build_index(corpus_dir, index_dir)  # a full rebuild, swapped in under the running app
    page.goto(bookmark)
    assert result_titles(page) == before
    expect(page.locator("input[type=checkbox]:checked")).to_have_count(2)
    expect(page.get_by_label("Sort by")).to_have_value("oldest")
    assert page.problems == []


def test_filters_work_with_javascript_off(no_js_page):
    page = no_js_page
    page.goto("/search?q=leadership")
    everything = result_count(page)
    filter_box(page, "source", "Council Voices").check()
    page.get_by_label("From").fill("2018")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"/search\?q=leadership&source=Council\+Voices&from=2018$"))
    assert 0 < result_count(page) < everything
    page.get_by_label("Sort by").select_option("newest")
    page.get_by_role("button", name="Sort", exact=True).click()
    expect(page).to_have_url(re.compile(r"sort=newest"))


def test_an_error_is_shown_in_the_form(page):
    page.goto("/search?q=leadership&from=May")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    summary.get_by_role("link").click()
    expect(page.get_by_label("From")).to_be_focused()
    assert "#" not in page.url
