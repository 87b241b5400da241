"""Pages saved ("Save page as") from each platform council writing lives on: every field comes out right.

One fixture per platform, written as the platform's own markup saves it, with the chrome each one
adds: reading times, claps, follow and subscribe buttons, share bars, comment forms.
"""

from __future__ import annotations

import datetime
import json
import re
import shutil
from pathlib import Path

import pytest

from helpers import SEEDS
from lgsearch.cli import cli
from indexer.reading.extract_html_meta import PLATFORMS
from indexer.reading.readers import read_document

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "docs"

EXPECTED = {
    "platform_wordpress_classic.html": dict(
        title="What our first peer challenge taught us",
        date=datetime.date(2024, 1, 22),
        author="Rhiannon Price",
        source="Leading from the Middle",
        tags=["peer challenge", "sector-led improvement"],
        categories=["Improvement"],
        body="Four peers spent three days with us in November. They read our self-assessment, met forty "
        "people and told us what they saw.\n\nThe hardest message was about pace: we knew what to fix "
        "but not who would do it by when.",
    ),
    "platform_wordpress_block_theme.html": dict(
        title="Family hubs, one year on",
        date=datetime.date(2024, 4, 3),
        author="Tom Okafor",
        source="Place Matters",
        tags=["family hubs", "Start for Life"],
        categories=["Early help"],
        body="A year ago we opened our first family hub in a former library. This is what changed for the "
        "families who use it.\n\nHealth visitors and early help workers now share a desk, and parents "
        "tell their story once.",
    ),
    "platform_wordpress_com.html": dict(
        title="Scrutiny is not the enemy",
        date=datetime.date(2023, 10, 9),
        author="Priya Shah",
        source="The Scrutiny Officer",
        tags=["cabinet", "overview and scrutiny"],
        categories=["Scrutiny"],
        body="Cabinet members sometimes treat scrutiny as a hurdle. The best ones treat it as free advice.\n\n"
        "Our task and finish group on home to school transport saved the council money because it "
        "asked parents first.",
    ),
    "platform_blogger.html": dict(
        title="Why I stood for scrutiny chair",
        date=datetime.date(2022, 11, 15),
        author="Cllr Sue Hartley",
        source="A Councillor's Notebook",
        tags=["housing", "scrutiny"],
        categories=[],
        body="Nobody else wanted the job, which is a poor reason and the true one.\n\nSix months in, I think "
        "scrutiny is where a backbencher can change most. We looked at damp in council homes and the "
        "cabinet took every recommendation.",
    ),
    "platform_medium_personal.html": dict(
        title="Devolution deals need a plan for people, not just places",
        date=datetime.date(2023, 5, 2),
        author="Aisha Rahman",
        source=None,
        tags=["Devolution", "Local Government", "Public Services"],
        categories=[],
        body="Every devolution deal so far has been about transport, housing and skills. Those matter, but "
        "none of them says what a resident should notice.\n\nA plan for people would start with the "
        "services people use most, and ask which of them work better when decided closer to home.",
    ),
    "platform_medium_publication.html": dict(
        title="What the new Ofsted framework means for us",
        date=datetime.date(2024, 6, 11),
        author="Daniel Ward",
        source="Practice Notes",
        tags=["Ofsted", "Childrens Services", "Social Work"],
        categories=[],
        body="The new framework asks inspectors to spend more time with practitioners and less with the "
        "self-assessment.\n\nFor our teams that means being ready to explain a decision in their own "
        "words, which is what good supervision should give them anyway.",
    ),
    "platform_substack.html": dict(
        title="Local plans are leadership documents",
        date=datetime.date(2024, 1, 18),
        author="Mark Ellison",
        source="Place and Power",
        tags=[],
        categories=[],
        body="Why the planning committee is the wrong place to start\n\nA local plan is the one document where "
        "a council says, in public and for fifteen years, what kind of place it wants to be.\n\nToo "
        "often members meet it first at committee, when the choices have gone. Leaders should own it "
        "from the first draft.\n\nStart with the questions residents ask about their streets, and let "
        "the evidence follow.",
    ),
    "platform_ghost.html": dict(
        title="Councils and the NHS: what integration feels like from the front door",
        date=datetime.date(2024, 2, 20),
        author="Helen Marsh",
        source="The Front Door",
        tags=["Integration", "Adult Social Care"],
        categories=[],
        body="When someone rings about their mother's care, they do not care whose budget pays. They want "
        "one conversation.\n\nOur joint front door with the hospital discharge team has cut hand-offs "
        "by a third, and nobody had to sign a new partnership agreement to do it.",
    ),
    "platform_squarespace.html": dict(
        title="Co-production is slower, and better",
        date=datetime.date(2023, 9, 12),
        author="Grace Adeyemi",
        source="Shared Ground",
        tags=["carers", "co-production"],
        categories=["Adult Social Care"],
        body="Designing our carers' support service with carers took twice as long as writing it ourselves "
        "would have done.\n\nIt also produced a service that carers use, which the last one, written "
        "by us in a month, never was.",
    ),
    "platform_wix.html": dict(
        title="Why we stopped buying agency social workers",
        date=datetime.date(2023, 6, 1),
        author="Olu Bankole",
        source="Children's Leaders Network",
        tags=["agency staff", "recruitment"],
        categories=["Workforce"],
        body="Two years ago agency staff cost us a fifth of our children's services budget, and children met "
        "a new social worker every few months.\n\nWe joined a regional memorandum on agency rates, built "
        "an academy for newly qualified workers and cut agency use by half.",
    ),
    "platform_linkedin_article.html": dict(
        title="What I learned in my first year as a DCS",
        date=datetime.date(2023, 11, 7),
        author="Nadia Hussain",
        source=None,
        tags=[],
        categories=[],
        body="A year ago I became a director of children's services. Nobody tells you how much of the job is "
        "listening.\n\nThe best hour of my week is still the one I spend with a team of social workers, "
        "with no agenda.",
    ),
    "platform_govuk_blog.html": dict(
        title="Sharing a form builder between councils",
        date=datetime.date(2024, 3, 14),
        author="Sam Patel",
        source="Local Digital",
        tags=[],
        categories=["Local Digital Fund", "Collaboration"],
        body="Five councils have spent a year building one form builder together, with money from the Local "
        "Digital Fund.\n\nEach council now runs the same code, and a fix made in one reaches the others "
        "the next week.",
    ),
    "platform_localgov_drupal.html": dict(
        title="New plan for children with special educational needs agreed",
        date=datetime.date(2024, 3, 12),
        author=None,
        source="Westmorland and Furness Council",
        tags=[],
        categories=["Children and families", "Education and learning"],
        body="Cabinet has agreed a three-year plan for children and young people with special educational "
        "needs and disabilities in Westmorland and Furness.\n\nThe plan was written with parents, "
        "schools and health partners, and starts in September.",
    ),
    "platform_jadu_council_news.html": dict(
        title="Council leader welcomes peer challenge report",
        date=datetime.date(2024, 3, 4),
        author=None,
        source="Norfolk County Council",
        tags=["news", "peer challenge", "Norfolk County Council"],
        categories=["Local government"],
        body="The leader of Norfolk County Council has welcomed the report of a corporate peer challenge led "
        "by the Local Government Association.\n\nThe peer team praised the council's work with district "
        "councils and asked it to move faster on its adult social care reforms.",
    ),
    "platform_granicus_council_news.html": dict(
        title="Children's services newsletter: March 2024",
        date=datetime.date(2024, 3, 4),
        author=None,
        source="Somerset Council",
        tags=[],
        categories=[],
        body="Welcome to the March newsletter from Somerset Council's children's services.\n\nOur family hubs "
        "in Taunton and Yeovil opened this month, and we have started recruiting foster carers for "
        "teenagers.",
    ),
}
FIELDS = ["title", "date", "author", "source", "tags", "categories", "body"]


def test_every_platform_fixture_has_its_expected_fields():
    assert sorted(EXPECTED) == sorted(path.name for path in FIXTURES.glob("platform_*"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_platform_page_gives_each_field(name):
    document = read_document(FIXTURES / name, name)
    assert {field: getattr(document, field) for field in FIELDS} == EXPECTED[name]


# --- what no platform may leak ----------------------------------------------------------------

PLATFORM_METADATA = re.compile(r"[A-Za-z][A-Za-z0-9]*:\S")
# Capitalised as buttons and links write them, so "let the evidence follow" is not one.
CHROME_WORDS = re.compile(
    r"min read|\bFollow\b|\bSubscribe\b|\bShare\b|\bListen\b|\b[Cc]laps?\b|\bLike\b|\d+ views|"
    r"Sign (?:in|up)|Thanks for reading|Published in"
)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_no_platform_metadata_becomes_a_tag_or_the_source(name):
    document = read_document(FIXTURES / name, name)
    for label in document.tags + document.categories:
        assert not PLATFORM_METADATA.match(label), label
    assert (document.source or "").casefold() not in PLATFORMS


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_reading_time_share_clap_subscribe_and_follow_lines_never_reach_the_body(name):
    assert not CHROME_WORDS.search(read_document(FIXTURES / name, name).body)


def test_stats_on_seeds_and_fixtures_show_no_platform_metadata_among_top_tags(runner, tmp_path):
    shutil.copytree(SEEDS, tmp_path / "posts" / "seeds")
    shutil.copytree(FIXTURES, tmp_path / "posts" / "fixtures")
    index = tmp_path / "index"
    indexed = runner.invoke(cli, ["--index-dir", str(index), "index", str(tmp_path / "posts")])
    assert indexed.exit_code in (0, 3), indexed.output
    result = runner.invoke(cli, ["--index-dir", str(index), "stats", "--json"])
    assert result.exit_code == 0, result.output
    top_tags = [value["value"] for value in json.loads(result.output)["facets"]["tag"]]
    assert top_tags
    for tag in top_tags:
        assert not PLATFORM_METADATA.match(tag), top_tags
        assert tag.casefold() not in PLATFORMS, top_tags
    sources = [value["value"] for value in json.loads(result.output)["facets"]["source"]]
    assert not any(source.casefold() in PLATFORMS for source in sources), sources


def test_a_host_name_is_not_the_source_when_the_page_names_its_blog(tmp_path):
    path = tmp_path / "hosted.html"
    path.write_text(
        '<html><head><meta property="og:site_name" content="councillornotes.blogspot.com">'
        '<link rel="alternate" type="application/atom+xml" title="A Councillor\'s Notebook - Atom" href="/feeds">'
        "<title>A Councillor's Notebook: Ward walks</title></head>"
        "<body><article><p>We walked every street in the ward before the budget.</p></article></body></html>",
        encoding="utf-8",
    )
    document = read_document(path, path.name)
    assert document.source == "A Councillor's Notebook"
    assert document.title == "Ward walks"
