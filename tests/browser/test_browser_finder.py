"""The finder on a phone (390 px) and a desktop (1280 px), by keyboard and as a screen reader is
told: results first, the count announced after each change, few tab stops to the first result,
long lists searchable, dates as people write them, and addresses without #fragments."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 1000}


@pytest.fixture
def sized_page(browser, base_url):
    """A page opener at a given screen size, JavaScript on, the real CSP enforced."""
    contexts = []

    def open_at(viewport, java_script=True):
        context = browser.new_context(base_url=base_url, viewport=viewport, java_script_enabled=java_script)
        contexts.append(context)
        page = context.new_page()
        page.problems = []
        page.on("console", lambda message: message.type == "error" and page.problems.append(message.text))
        page.on("pageerror", lambda error: page.problems.append(str(error)))
        return page

    yield open_at
    for context in contexts:
        context.close()


def ready(page):
    page.wait_for_selector("form[data-auto-submit-ready]", state="attached")


def heading_text(page) -> str:
    return page.locator("#results-count").inner_text().strip()


def test_on_a_phone_the_first_result_is_on_the_first_screen_and_filters_wait_behind_a_button(sized_page):
    page = sized_page(PHONE)
    page.goto("/search?q=leadership&source=Council+Voices")
    ready(page)
    first = page.locator(".app-result").first.bounding_box()
    assert first["y"] + 60 < PHONE["height"]  # its title, at least, without scrolling
    toggle = page.get_by_role("button", name=re.compile(r"^Filter"))
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_contain_text("(1 selected)")
    expect(page.locator("#filters-panel")).to_be_hidden()

    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#filters-panel")).to_be_visible()
    expect(page.locator(".app-filters__heading")).to_be_focused()
    count = heading_text(page)
    done = page.get_by_role("button", name=f"Show {count}")
    expect(done).to_be_visible()
    done.click()
    expect(page.locator("#filters-panel")).to_be_hidden()
    expect(page.locator("#results-count")).to_be_focused()
    assert page.problems == []


def test_on_a_phone_ticking_keeps_the_filters_open_and_shows_and_announces_the_new_count(sized_page):
    page = sized_page(PHONE)
    page.goto("/search?q=leadership")
    ready(page)
    before = heading_text(page)
    page.get_by_role("button", name="Filter").click()
    box = page.locator("input[name=source][value='Council Voices']")
    with page.expect_navigation():
        box.check()
    ready(page)
    after = heading_text(page)
    assert after != before
    expect(page.locator("#filters-panel")).to_be_visible()
    expect(page.locator("input[name=source][value='Council Voices']")).to_be_focused()
    expect(page.locator("#results-status")).to_have_text(after)
    expect(page.get_by_role("button", name=f"Show {after}")).to_be_in_viewport()
    assert after in page.title()
    assert "#" not in page.url
    assert page.problems == []


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1280"])
def test_the_live_region_says_the_count_after_ticking_and_removing_a_filter(sized_page, viewport):
    page = sized_page(viewport)
    page.goto("/search?q=leadership")
    ready(page)
    expect(page.locator("#results-status")).to_be_empty()  # nothing said on arrival
    if viewport is PHONE:
        page.get_by_role("button", name="Filter").click()
    with page.expect_navigation():
        page.locator("input[name=source][value='Council Voices']").check()
    ready(page)
    ticked = heading_text(page)
    expect(page.locator("#results-status")).to_have_text(ticked)
    if viewport is DESKTOP:
        expect(page.locator("#filters-count")).to_be_in_viewport()  # the count beside the filters
        expect(page.locator("#filters-count")).to_have_text(ticked)
    assert page.title().startswith(f"leadership: {ticked} – ")

    with page.expect_navigation():
        page.locator("a.app-filter-tag", has_text="Council Voices").click()
    ready(page)
    removed = heading_text(page)
    assert removed != ticked
    expect(page.locator("#results-status")).to_have_text(removed)
    expect(page.locator("#results-count")).to_be_focused()
    expect(page.locator("#filters-panel")).to_be_visible() if viewport is DESKTOP else expect(
        page.locator("#filters-panel")
    ).to_be_hidden()
    assert "#" not in page.url and page.problems == []


def tabs_to_first_result(page, use_skip_link: bool, limit: int = 60) -> int:
    """Key presses (Tab, and Enter on the skip link) until the first result's link has focus."""
    first = page.locator(".app-result__title a").first
    presses = 0
    while presses < limit:
        page.keyboard.press("Tab")
        presses += 1
        if first.evaluate("el => el === document.activeElement"):
            return presses
        if use_skip_link and page.evaluate("document.activeElement.hasAttribute('data-skip-to-results')"):
            page.keyboard.press("Enter")
            presses += 1
    return presses


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1280"])
def test_the_first_result_is_a_handful_of_key_presses_away(sized_page, viewport):
    page = sized_page(viewport)
    page.goto("/search?q=leadership")
    ready(page)
    skip = page.get_by_role("link", name="Skip to results")
    expect(skip).to_be_visible()  # at every width
    presses = tabs_to_first_result(page, use_skip_link=True)
    assert presses <= 8
    assert "#" not in page.url
    if viewport is PHONE:  # on a phone the filters wait behind their button, so plain tabbing is short too
        page.goto("/search?q=leadership")
        ready(page)
        assert tabs_to_first_result(page, use_skip_link=False) <= 9


def test_without_javascript_a_phone_shows_the_filters_as_before(sized_page):
    page = sized_page(PHONE, java_script=False)
    page.goto("/search?q=leadership")
    expect(page.locator("#filters-panel")).to_be_visible()
    expect(page.locator("[data-filter-toggle]")).to_be_hidden()
    expect(page.get_by_role("link", name="Skip to results")).to_be_visible()
    page.locator("input[name=source][value='Council Voices']").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"/search\?q=leadership&source=Council\+Voices$"))


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1280"])
def test_a_long_filter_list_narrows_as_you_type_and_says_how_many_match(sized_page, viewport):
    page = sized_page(viewport)
    page.goto("/search?org=Ofsted")
    ready(page)
    if viewport is PHONE:
        page.get_by_role("button", name=re.compile("^Filter")).click()
    options = page.locator("#facet-org-options [data-facet-option]")
    everything = options.count()
    box = page.get_by_label("Search organisations")
    box.fill("county")
    status = page.locator("#facet-org-matches")
    expect(status).to_have_text(re.compile(r"^\d+ of \d+ organisations match(es)?$"))
    shown = options.filter(has=page.locator("input:visible"))
    labels = [text.lower() for text in shown.locator("label").all_inner_texts()]
    assert 0 < len(labels) < everything
    # Every visible value contains what was typed, except the ticked one, which always stays.
    assert all("county" in label or label.startswith("ofsted") for label in labels)
    assert any(label.startswith("ofsted") for label in labels)
    assert status.inner_text().startswith(f"{len(labels)} of {everything} ")
    # Enter narrows; it does not run the search.
    url = page.url
    box.press("Enter")
    page.wait_for_timeout(300)
    assert page.url == url
    box.fill("")
    expect(status).to_be_empty()
    assert options.filter(has=page.locator("input:visible")).count() == everything
    # The box scrolls within a limited height.
    height = page.locator("#facet-org-options").evaluate("el => [el.clientHeight, el.scrollHeight]")
    assert height[0] < height[1] and height[0] <= 300
    assert page.problems == []


@pytest.mark.parametrize(
    "written, canonical",
    [
        ("2019", "2019"),
        ("March 2019", "2019-03"),
        ("03/2019", "2019-03"),
        ("12/03/2019", "2019-03-12"),
        ("2019-03", "2019-03"),
        ("2019-03-12", "2019-03-12"),
    ],
)
def test_dates_as_people_write_them(sized_page, written, canonical):
    page = sized_page(DESKTOP)
    page.goto("/search?q=leadership")
    page.get_by_label("From").fill(written)
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(rf"/search\?q=leadership&from={canonical}$"))
    expect(page.get_by_label("From")).to_have_value(canonical)
    expect(page.locator("a.app-filter-tag")).to_contain_text(f"Published from: {canonical}")


def test_a_date_error_keeps_the_filters_and_says_a_reversed_range_is_the_wrong_way_round(sized_page):
    page = sized_page(DESKTOP)
    page.goto("/search?q=leadership&source=Council+Voices")
    page.get_by_label("From").fill("2021")
    page.get_by_label("To", exact=True).fill("2019")
    page.get_by_role("button", name="Apply filters").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("wrong way round")
    expect(page.locator("input[name=source][value='Council Voices']")).to_be_checked()
    assert page.locator(".app-result").count() > 0
    ready(page)  # the page's script moves focus without a #fragment; a click before it loads would not
    summary.get_by_role("link").click()
    expect(page.get_by_label("From")).to_be_focused()
    assert "#" not in page.url


def test_addresses_stay_clean_and_a_post_has_one_to_share(sized_page):
    page = sized_page(DESKTOP)
    page.goto("/search?q=leadership")
    ready(page)
    with page.expect_navigation():
        page.get_by_label("Sort by").select_option("oldest")
    ready(page)
    assert page.url.endswith("/search?q=leadership&sort=oldest")
    page.get_by_role("link", name="Skip to results").click()
    expect(page.locator("#results-count")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    page.get_by_role("link", name="Skip to main content").focus()
    page.keyboard.press("Enter")
    assert page.url.endswith("/search?q=leadership&sort=oldest")
    page.get_by_role("link", name="Next").click()
    expect(page.locator("#results-count")).to_be_focused()  # another page: focus on its heading
    expect(page.locator("#results-status")).to_have_text(heading_text(page))
    page.locator(".app-result__title a").first.click()
    share = page.locator(".app-share a")
    doc_path = share.get_attribute("href")
    assert re.fullmatch(r"/doc/[^?#]+", doc_path)
    assert page.locator("link[rel=canonical]").get_attribute("href").endswith(doc_path)
    page.get_by_role("link", name="Back to results").click()
    expect(page).to_have_url(re.compile(r"/search\?q=leadership&sort=oldest&page=2$"))
    page.goto(doc_path)
    expect(page.locator(".govuk-back-link")).to_have_count(0)
    expect(page.locator(".app-document__body mark")).to_have_count(0)
    assert page.problems == []


def test_chart_labels_stay_readable_on_a_phone(sized_page):
    page = sized_page(PHONE)
    page.goto("/search?q=leadership")
    label = page.locator("#timeline .app-chart__label").first
    assert label.bounding_box()["height"] >= 12
