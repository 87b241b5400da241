"""axe-core finds no WCAG 2.2 A or AA failures on the pages people use."""
from __future__ import annotations

import pytest

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
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — " + "; ".join(n["target"][0] for n in v["nodes"][:3])
        for v in result["violations"]
    ]


@pytest.mark.parametrize("url", PAGES)
def test_no_wcag_a_or_aa_violations(axe_page, axe_script, url):
    axe_page.goto(url)
    assert violations(axe_page, axe_script) == []


@pytest.mark.parametrize("url", ["/", "/search?q=leadership"])
def test_no_violations_with_show_all_open(axe_page, axe_script, url):
    axe_page.goto(url)
    axe_page.locator("details.app-facet__more summary").first.click()
    assert violations(axe_page, axe_script) == []
