"""axe-core finds no WCAG 2.2 A or AA failures on the pages people use."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from web import web_corpus as corpus

pytestmark = pytest.mark.browser

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PAGES = [
    "/",
    "/search?q=leadership&org=Ofsted&source=Council+Voices&from=2016",
    "/search?q=inspectoin",
    "/search?q=zebracrossingx&tag=Leadership",
    "/search?q=leadership&page=40",
    "/search?q=leadership&from=May",
    "/search?q=leadership&source=Council+Voices&from=2021&to=2019",
    "/search?q=leadership&source=Council+Voices&source=Leading+Places+blog",
    "/filters/org?q=leadership",
    "/filters/tag",
    "/follow?q=leadership&org=Ofsted",
    "/status",
    "/browser-search",
    f"/doc/{corpus.INSPECTION_ID}?q=inspection",
    "/doc/no/such/post",
    "/search?year=2019",
    "/org",
    "/org?name=council&kind=county+council&sort=name",
    "/org?name=zebra",
    "/org/Local_Government_Association",
    "/org/Countess_Wear_Community_School",
    "/org/Ministry_of_Magic",
]


def violations(page, axe_script) -> list[str]:
    page.add_script_tag(path=str(axe_script))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — " + "; ".join(n["target"][0] for n in v["nodes"][:3])
        for v in result["violations"]
    ]


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("url", PAGES)
def test_no_wcag_a_or_aa_violations(axe_page, axe_script, url, width):
    axe_page.set_viewport_size({"width": width, "height": 844})
    axe_page.goto(url)
    assert violations(axe_page, axe_script) == []


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("url", ["/", "/search?q=leadership&org=Ofsted"])
def test_no_violations_with_the_filters_open_or_closed_and_a_list_narrowed(axe_page, axe_script, url, width):
    axe_page.set_viewport_size({"width": width, "height": 844})
    axe_page.goto(url)
    axe_page.wait_for_selector("form[data-auto-submit-ready]", state="attached")
    assert violations(axe_page, axe_script) == []  # closed on a phone; always open on a desktop
    if width == 390:
        axe_page.get_by_role("button", name="Filter").click()
        expect(axe_page.locator("#filters-panel")).to_be_visible()
    axe_page.get_by_label("Search organisations").fill("county")
    expect(axe_page.locator("#facet-org-matches")).to_contain_text("match")
    assert violations(axe_page, axe_script) == []


def test_no_violations_after_a_filter_is_ticked_and_the_count_announced(axe_page, axe_script):
    axe_page.goto("/search?q=leadership")
    axe_page.wait_for_selector("form[data-auto-submit-ready]", state="attached")
    with axe_page.expect_navigation():
        axe_page.locator("input[name=source][value='Council Voices']").check()
    expect(axe_page.locator("#results-status")).not_to_be_empty()
    assert violations(axe_page, axe_script) == []
