"""`lgsearch harvest` against a real HTTP server on 127.0.0.1: feeds (RSS and Atom, whole posts and
summaries), a home page whose feed is discovered, a sitemap, OPML; what it saves reaches the index
with the harvested address as `source_url` and the feed's facts filling the page's gaps."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harvest_server import atom, post_page, rss, serve_sites, sitemap
from indexer.harvest import HarvestSettings, harvest
from lgsearch.cli import cli

LONG = (
    "Sector-led improvement works when councils are honest with each other. The Local Government "
    "Association's peer challenge brought Kent County Council and its partners together. "
) * 3


@pytest.fixture
def site():
    server, served = serve_sites()
    served.robots()
    yield served
    server.clear()
    server.stop()


def settings(**changes) -> HarvestSettings:
    values = dict(contact="ops@example.test", delay=0, backoff=0.01, read_timeout=10)
    values.update(changes)
    return HarvestSettings(**values)


def index_and_export(runner, into: Path, index_dir: Path) -> dict[str, dict]:
    result = runner.invoke(cli, ["--index-dir", str(index_dir), "index", str(into), "--json"])
    assert result.exit_code == 0, result.output
    exported = runner.invoke(cli, ["--index-dir", str(index_dir), "export"])
    return {record["source_url"]: record for record in map(json.loads, exported.stdout.splitlines())}


def test_an_rss_feed_of_summaries_fetches_each_page_and_the_index_takes_them_with_their_facts(site, tmp_path, runner):
    site.page(
        "/feed.xml",
        rss(
            "Leader's Blog",
            [
                {
                    "title": "Peer challenge",
                    "link": site.url("/2024/peer-challenge/"),
                    "summary": "Short teaser [...]",
                    "date": "Tue, 12 Mar 2024 09:00:00 GMT",
                    "author": "Cllr Jane Smith",
                },
                {
                    "title": "Budget setting",
                    "link": site.url("/2024/budget/"),
                    "summary": "Another teaser...",
                    "date": "Fri, 01 Mar 2024 09:00:00 GMT",
                },
            ],
        ),
        content_type="application/rss+xml",
    )
    site.page("/2024/peer-challenge/", post_page("Peer challenge", LONG))
    site.page("/2024/budget/", post_page("Budget setting", "Setting a budget with Suffolk County Council this year."))
    into = tmp_path / "harvested"

    report = harvest([site.url("/feed.xml")], into, settings())
    assert (report.new, report.failed) == (2, [])
    assert report.fetched == 4  # robots.txt, the feed, two pages
    assert len(site.requests_for("/2024/peer-challenge/")) == 1

    records = index_and_export(runner, into, tmp_path / "index")
    post = records[site.url("/2024/peer-challenge/")]
    assert post["title"] == "Peer challenge"
    assert (post["date"], post["author"], post["source"]) == ("2024-03-12", "Cllr Jane Smith", "Leader's Blog")
    assert "Kent County Council" in post["organisations"]
    assert "Home" not in post["body"] and "Copyright" not in post["body"]
    assert records[site.url("/2024/budget/")]["source"] == "Leader's Blog"


def test_an_atom_feed_of_whole_posts_needs_no_page_requests(site, tmp_path, runner):
    site.page(
        "/atom.xml",
        atom(
            "Directors' Blog",
            [
                {
                    "title": "Whole post",
                    "link": site.url("/whole/"),
                    "updated": "2023-11-05T10:00:00Z",
                    "author": "Sam Jones",
                    "content": f"<p>{LONG}</p>",
                },
            ],
        ),
        content_type="application/atom+xml",
    )
    into = tmp_path / "harvested"
    report = harvest([site.url("/atom.xml")], into, settings())
    assert (report.new, report.fetched, report.failed) == (1, 2, [])
    assert site.requests_for("/whole/") == []
    post = index_and_export(runner, into, tmp_path / "index")[site.url("/whole/")]
    assert (post["title"], post["date"], post["author"]) == ("Whole post", "2023-11-05", "Sam Jones")
    assert "peer challenge brought Kent County Council" in post["body"]


def test_an_rss_feed_with_content_encoded_saves_the_whole_post_from_the_feed(site, tmp_path):
    site.page(
        "/feed",
        rss(
            "Blog",
            [{"title": "Full", "link": site.url("/full"), "summary": "Teaser [&#8230;]", "content": f"<p>{LONG}</p>"}],
        ),
        content_type="application/rss+xml",
    )
    report = harvest([site.url("/feed")], tmp_path / "h", settings())
    assert report.new == 1 and site.requests_for("/full") == []


def test_a_home_page_leads_to_its_feed_and_the_feed_is_remembered(site, tmp_path):
    site.page(
        "/",
        '<html><head><link rel="alternate" type="application/rss+xml" href="/comments/feed/">'
        '<link rel="alternate" type="application/rss+xml" title="Posts" href="/feed/"></head>'
        "<body>Welcome</body></html>",
    )
    site.page(
        "/feed/",
        rss("Blog", [{"title": "A post", "link": site.url("/a-post/"), "summary": "Teaser..."}]),
        content_type="application/rss+xml",
    )
    site.page("/a-post/", post_page("A post", LONG))
    into = tmp_path / "h"
    assert harvest([site.url("/")], into, settings()).new == 1
    assert site.requests_for("/comments/feed/") == []

    harvest([site.url("/")], into, settings())
    assert len(site.requests_for("/")) == 1  # the second run goes straight to the feed
    assert len(site.requests_for("/feed/")) == 2


def test_a_home_page_without_a_feed_is_reported(site, tmp_path):
    site.page("/", "<html><body>No feed here</body></html>")
    report = harvest([site.url("/")], tmp_path / "h", settings())
    assert [failure.address for failure in report.failed] == [site.url("/")]
    assert "no feed" in report.failed[0].reason


def test_a_sitemap_fetches_its_pages_and_again_only_when_lastmod_changes(site, tmp_path):
    site.page(
        "/sitemap.xml",
        sitemap([(site.url("/one"), "2024-01-01"), (site.url("/two"), None)]),
        content_type="application/xml",
    )
    site.page("/one", post_page("One", LONG))
    site.page("/two", post_page("Two", "The second page, with Ofsted named in it."))
    into = tmp_path / "h"
    assert harvest([site.url("/sitemap.xml")], into, settings()).new == 2

    site.page(
        "/sitemap.xml",
        sitemap([(site.url("/one"), "2024-02-01"), (site.url("/two"), None)]),
        content_type="application/xml",
    )
    second = harvest([site.url("/sitemap.xml")], into, settings())
    assert (len(site.requests_for("/one")), len(site.requests_for("/two"))) == (2, 1)
    assert (second.new, second.unchanged) == (0, 2)  # /one was asked again, and had not changed


def test_tracking_parameters_http_and_trailing_slashes_are_one_post(site, tmp_path):
    site.page(
        "/feed",
        rss(
            "Blog",
            [
                {"title": "Same", "link": site.url("/same/?utm_source=rss&utm_medium=feed"), "summary": "Teaser..."},
                {"title": "Same", "link": site.url("/same"), "summary": "Teaser..."},
            ],
        ),
        content_type="application/rss+xml",
    )
    site.page(
        "/other-feed",
        rss(
            "Other",
            [
                {
                    "title": "Same",
                    "link": site.url("/same/").replace("http://", "https://", 1) + "#comments",
                    "summary": "Teaser...",
                }
            ],
        ),
        content_type="application/rss+xml",
    )
    site.page("/same/", post_page("Same", LONG))
    into = tmp_path / "h"
    report = harvest([site.url("/feed"), site.url("/other-feed")], into, settings())
    assert (report.new, report.failed) == (1, [])
    assert [seen.query for seen in site.requests_for("/same/")] == [""]  # asked once, without tracking
    assert len(list(into.rglob("*.html"))) == 1


def test_a_feed_can_list_pdf_and_word_documents(site, tmp_path, runner):
    from document_files import text_pdf

    site.page(
        "/feed",
        rss("Papers", [{"title": "Annual report", "link": site.url("/report.pdf"), "summary": "PDF"}]),
        content_type="application/rss+xml",
    )
    site.page("/report.pdf", text_pdf([LONG], title="Annual report 2024"), content_type="application/pdf")
    into = tmp_path / "h"
    assert harvest([site.url("/feed")], into, settings()).new == 1
    post = index_and_export(runner, into, tmp_path / "index")[site.url("/report.pdf")]
    assert (post["title"], post["source"]) == ("Annual report 2024", "Papers")


def test_the_sites_file_and_opml_are_read_through_the_command(site, tmp_path, runner, monkeypatch):
    site.page(
        "/a.xml",
        rss("A", [{"title": "A", "link": site.url("/a"), "content": f"<p>{LONG}</p>"}]),
        content_type="application/rss+xml",
    )
    site.page(
        "/b.xml",
        rss("B", [{"title": "B", "link": site.url("/b"), "content": f"<p>{LONG}</p>"}]),
        content_type="application/rss+xml",
    )
    monkeypatch.setenv("LGSEARCH_CONTACT", "ops@example.test")
    monkeypatch.setenv("LGSEARCH_HARVEST_DELAY", "0")
    sites = tmp_path / "sites.txt"
    sites.write_text(f"# Followed blogs\n\n{site.url('/a.xml')}  # blog A\n", encoding="utf-8")
    result = runner.invoke(cli, ["harvest", "--sites", str(sites), "--into", str(tmp_path / "h"), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["new"] == 1

    opml = tmp_path / "feeds.opml"
    opml.write_text(
        f'<?xml version="1.0"?><opml version="2.0"><head/><body><outline text="Blogs">'
        f'<outline type="rss" text="A" xmlUrl="{site.url("/a.xml")}"/>'
        f'<outline type="rss" text="B" xmlUrl="{site.url("/b.xml")}"/></outline></body></opml>',
        encoding="utf-8",
    )
    monkeypatch.setenv("LGSEARCH_SITES", str(opml))
    monkeypatch.setenv("LGSEARCH_HARVEST_DIR", str(tmp_path / "h"))
    result = runner.invoke(cli, ["harvest", "--json"])
    summary = json.loads(result.stdout)
    assert (result.exit_code, summary["sites"], summary["new"], summary["unchanged"]) == (0, 2, 1, 1)
    assert set(summary) == {"sites", "fetched", "new", "updated", "removed", "unchanged", "failed", "seconds"}


def test_a_discovered_feed_that_has_gone_is_looked_for_again_on_the_home_page(site, tmp_path):
    site.page("/", '<html><head><link rel="alternate" type="application/atom+xml" href="/old.atom"></head></html>')
    site.page(
        "/old.atom",
        atom("Blog", [{"title": "Old", "link": site.url("/old-post"), "content": f"<p>{LONG}</p>"}]),
        content_type="application/atom+xml",
    )
    into = tmp_path / "h"
    assert harvest([site.url("/")], into, settings()).new == 1
    site.status("/old.atom", 404)
    assert "404" in harvest([site.url("/")], into, settings()).failed[0].reason
    site.page("/", '<html><head><link rel="alternate" type="application/rss+xml" href="/new.rss"></head></html>')
    site.page(
        "/new.rss",
        rss("Blog", [{"title": "New", "link": site.url("/new-post"), "content": f"<p>{LONG}</p>"}]),
        content_type="application/rss+xml",
    )
    third = harvest([site.url("/")], into, settings())
    assert (third.new, third.failed) == (1, [])
    assert len(site.requests_for("/")) == 2


def test_a_feed_or_sitemap_declaring_entities_is_refused_unparsed(site, tmp_path):
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
        + "".join(f'<!ENTITY {chr(98 + i)} "' + f"&{chr(97 + i)};" * 10 + '">' for i in range(9))
        + "]>"
    )
    site.page(
        "/feed",
        bomb + "<rss version='2.0'><channel><title>&j;</title></channel></rss>",
        content_type="application/rss+xml",
    )
    site.page(
        "/sitemap.xml",
        bomb.replace("rss", "urlset") + "<urlset><url><loc>&j;</loc></url></urlset>",
        content_type="application/xml",
    )
    report = harvest([site.url("/feed"), site.url("/sitemap.xml")], tmp_path / "h", settings())
    assert [failure.address for failure in report.failed] == [site.url("/feed"), site.url("/sitemap.xml")]
    assert all("entities" in failure.reason for failure in report.failed)


def test_a_page_whose_charset_is_only_in_the_http_header_is_read_in_it(site, tmp_path, runner):
    page = post_page(
        "Council of Kyiv", "The city council (Київська міська рада) met the Local Government Association. " * 3
    )
    site.page(
        "/feed",
        rss("Blog", [{"title": "Kyiv", "link": site.url("/kyiv"), "summary": "Teaser..."}]),
        content_type="application/rss+xml",
    )
    site.page(
        "/kyiv", page.replace("<meta charset='utf-8'>", "").encode("koi8-u"), content_type="text/html; charset=koi8-u"
    )
    into = tmp_path / "h"
    assert harvest([site.url("/feed")], into, settings()).new == 1
    post = index_and_export(runner, into, tmp_path / "index")[site.url("/kyiv")]
    assert "Київська міська рада" in post["body"]


def test_a_sitemap_index_leads_to_its_sitemaps_gzipped_or_not(site, tmp_path):
    import gzip

    site.page(
        "/sitemap_index.xml",
        '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{site.url('/posts.xml')}</loc></sitemap>"
        f"<sitemap><loc>{site.url('/pages.xml.gz')}</loc></sitemap></sitemapindex>",
        content_type="application/xml",
    )
    site.page("/posts.xml", sitemap([(site.url("/p1"), "2024-01-01")]), content_type="application/xml")
    site.page(
        "/pages.xml.gz", gzip.compress(sitemap([(site.url("/p2"), None)]).encode()), content_type="application/gzip"
    )
    site.page("/p1", post_page("P1", LONG))
    site.page("/p2", post_page("P2", LONG))
    report = harvest([site.url("/sitemap_index.xml")], tmp_path / "h", settings())
    assert (report.new, report.failed) == (2, [])


def test_a_run_fetches_at_most_so_many_posts_of_one_site_and_the_next_run_carries_on(site, tmp_path):
    paths = [f"/p{number}" for number in range(5)]
    site.page(
        "/feed",
        rss("Blog", [{"title": p, "link": site.url(p), "summary": "Teaser..."} for p in paths]),
        content_type="application/rss+xml",
    )
    for p in paths:
        site.page(p, post_page(p, LONG))
    into = tmp_path / "h"
    assert [harvest([site.url("/feed")], into, settings(max_posts_per_site=2)).new for _ in range(4)] == [2, 2, 1, 0]
    assert all(len(site.requests_for(p)) == 1 for p in paths)
