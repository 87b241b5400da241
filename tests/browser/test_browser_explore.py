"""Exploring in a real browser: from a result to an organisation's page, and along the timeline."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from browser.test_browser_journeys import result_count

pytestmark = pytest.mark.browser


def test_an_organisation_named_in_a_result_leads_to_its_page(page):
    page.goto("/search?q=leadership")
    link = page.locator(".app-result__orgs a").first
    name = link.inner_text()
    link.click()
    expect(page).to_have_url(re.compile("/org/" + re.escape(name.replace(" ", "_")) + "$"))
    expect(page.locator("h1")).to_have_text(name)
    posts = int(re.search(r"Named in (\d+) posts?", page.locator(".govuk-body-l").inner_text())[1])

    page.get_by_role("link", name=re.compile(r"^See (all|the post)")).first.click()
    expect(page).to_have_url(re.compile(r"/search\?org="))
    assert result_count(page) == posts
    assert page.problems == []


def test_a_timeline_bar_runs_the_search_for_its_year(page):
    page.goto("/search?q=leadership")
    bar = page.locator("#timeline a.app-chart__link").nth(1)
    description = bar.locator("title").text_content()
    year, count = re.fullmatch(r"(\d{4}): (\d+) posts?", description).groups()
    bar.click()
    expect(page).to_have_url(re.compile(rf"/search\?q=leadership&year={year}$"))
    assert result_count(page) == int(count)
    expect(page.locator("a.app-filter-tag")).to_have_text(re.compile(f"Year: {year}"))
    assert page.problems == []


def test_timeline_bars_are_reached_and_followed_with_the_keyboard(page):
    page.goto("/search?year=2019")
    first_bar = page.locator("#timeline a.app-chart__link").first
    first_bar.focus()
    expect(first_bar).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?year=2019&from=2019-01&to=2019-01$"))


def test_the_organisations_index_filters_without_javascript(no_js_page):
    page = no_js_page
    page.goto("/org")
    page.get_by_label("Name contains").fill("county")
    page.get_by_label("Name (A to Z)").check()
    page.get_by_role("button", name="Show organisations").click()
    expect(page).to_have_url(re.compile(r"/org\?name=county&sort=name$"))
    names = page.locator(".app-org-list a").all_inner_texts()
    assert names and names == sorted(names) and all("County" in name for name in names)


def test_an_organisation_page_prints_its_chart_without_the_page_furniture(page):
    page.goto("/org/Local_Government_Association")
    page.emulate_media(media="print")
    expect(page.locator("#years svg")).to_be_visible()
    expect(page.locator(".govuk-breadcrumbs")).to_be_hidden()
    fill = page.locator("#years .app-chart__bar").first.evaluate("el => getComputedStyle(el).fill")
    assert fill == "rgb(11, 12, 12)"
