"""A harvest is polite and correct, as a good crawler is, judged by what a real HTTP server on
127.0.0.1 saw: robots.txt, the User-Agent, conditional requests, redirects, gzip, timeouts, the
size limit, retries with back-off, removals, and failures reported rather than dropped."""

from __future__ import annotations

import datetime
import json

import pytest
from werkzeug import Response

from harvest_server import post_page, rss, serve_sites
from indexer.harvest import HarvestSettings, harvest
from indexer.harvest.fetch import Fetcher
from lgsearch.cli import cli

TEXT = "Councils and the Local Government Association worked on sector-led improvement together. " * 4
UTC = datetime.timezone.utc


@pytest.fixture
def site():
    server, served = serve_sites()
    served.robots()
    yield served
    server.clear()
    server.stop()


def settings(**changes) -> HarvestSettings:
    values = dict(contact="ops@example.test", delay=0, backoff=0.01, read_timeout=10, retries=2)
    values.update(changes)
    return HarvestSettings(**values)


def summary_feed(site, *paths: str, path: str = "/feed", **page_options) -> None:
    site.page(
        path,
        rss("Blog", [{"title": p.strip("/"), "link": site.url(p), "summary": "Teaser..."} for p in paths]),
        content_type="application/rss+xml",
        **page_options,
    )
    for p in paths:
        if p not in site.routes:
            site.page(p, post_page(p.strip("/"), TEXT))


def test_every_request_names_lgsearch_and_the_contact_and_robots_txt_is_asked_once(site, tmp_path):
    summary_feed(site, "/a", "/b")
    harvest([site.url("/feed")], tmp_path / "h", settings(contact="web-team@council.example"))
    agents = {seen.headers.get("User-Agent") for seen in site.seen}
    assert len(agents) == 1
    agent = agents.pop()
    assert agent.startswith("lgsearch/") and "web-team@council.example" in agent
    assert [seen.path for seen in site.seen] == ["/robots.txt", "/feed", "/a", "/b"]


def test_robots_txt_is_obeyed_for_posts_and_feeds(site, tmp_path):
    site.robots(
        "User-agent: *\nDisallow: /private/\n\nUser-agent: lgsearch\nDisallow: /private/\nDisallow: /closed-feed\n"
    )
    summary_feed(site, "/open", "/private/secret")
    summary_feed(site, "/x", path="/closed-feed")
    report = harvest([site.url("/feed"), site.url("/closed-feed")], tmp_path / "h", settings())
    assert site.requests_for("/private/secret") == [] and site.requests_for("/closed-feed") == []
    assert report.new == 1
    assert [(failure.address, "robots.txt" in failure.reason) for failure in report.failed] == [
        (site.url("/closed-feed"), True)
    ]


def test_a_robots_txt_that_answers_500_keeps_lgsearch_off_the_site(site, tmp_path):
    site.status("/robots.txt", 500)
    summary_feed(site, "/a")
    report = harvest([site.url("/feed")], tmp_path / "h", settings(retries=0))
    assert site.requests_for("/feed") == []
    assert "robots.txt answered 500" in report.failed[0].reason


def test_an_unchanged_feed_costs_one_conditional_request_answered_304(site, tmp_path):
    summary_feed(site, "/a", etag='"v1"')
    into = tmp_path / "h"
    harvest([site.url("/feed")], into, settings())
    before = len(site.seen)
    second = harvest([site.url("/feed")], into, settings())
    asked = site.seen[before:]
    assert [seen.path for seen in asked] == ["/robots.txt", "/feed"]
    assert asked[1].headers.get("If-None-Match") == '"v1"'
    assert (second.new, second.updated, second.fetched, second.failed) == (0, 0, 2, [])


def test_last_modified_is_sent_back_as_if_modified_since(site, tmp_path):
    stamp = datetime.datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
    summary_feed(site, "/a", last_modified=stamp)
    into = tmp_path / "h"
    harvest([site.url("/feed")], into, settings())
    harvest([site.url("/feed")], into, settings())
    assert site.requests_for("/feed")[1].headers.get("If-Modified-Since") == "Fri, 01 Mar 2024 12:00:00 GMT"
    assert len(site.requests_for("/a")) == 1


def test_a_changed_post_is_asked_for_conditionally_and_saved_again(site, tmp_path):
    summary_feed(site, "/a")
    site.page("/a", post_page("A", TEXT), etag='"a1"')
    into = tmp_path / "h"
    harvest([site.url("/feed")], into, settings())
    site.page("/a", post_page("A", TEXT + " An update."), etag='"a2"')
    again = harvest([site.url("/feed")], into, settings(recheck_days=0))
    assert site.requests_for("/a")[1].headers.get("If-None-Match") == '"a1"'
    assert (again.updated, again.new) == (1, 0)
    assert "An update." in next(into.rglob("*.html")).read_text(encoding="utf-8")


def test_a_permanent_redirect_of_a_feed_is_followed_and_remembered(site, tmp_path):
    site.redirect("/old-feed", site.url("/feed"), 301)
    summary_feed(site, "/a")
    into = tmp_path / "h"
    assert harvest([site.url("/old-feed")], into, settings()).new == 1
    harvest([site.url("/old-feed")], into, settings())
    assert len(site.requests_for("/old-feed")) == 1 and len(site.requests_for("/feed")) == 2


def test_a_redirected_post_is_saved_with_the_address_it_ended_at(site, tmp_path, runner):
    summary_feed(site, "/short")
    site.redirect("/short", "/2024/03/the-real-post/", 302)
    site.page("/2024/03/the-real-post/", post_page("Real", TEXT))
    into = tmp_path / "h"
    assert harvest([site.url("/feed")], into, settings()).new == 1
    runner.invoke(cli, ["--index-dir", str(tmp_path / "index"), "index", str(into)])
    exported = json.loads(runner.invoke(cli, ["--index-dir", str(tmp_path / "index"), "export"]).stdout)
    assert exported["source_url"] == site.url("/2024/03/the-real-post/")


def test_a_post_that_answers_404_or_410_has_its_file_removed_and_leaves_the_index(site, tmp_path, runner):
    summary_feed(site, "/stays", "/goes", "/went")
    into, index_dir = tmp_path / "h", tmp_path / "index"
    assert harvest([site.url("/feed")], into, settings()).new == 3
    runner.invoke(cli, ["--index-dir", str(index_dir), "index", str(into)])
    site.status("/goes", 410)
    site.status("/went", 404)
    report = harvest([site.url("/feed")], into, settings(recheck_days=0))
    assert (report.removed, report.unchanged, report.failed) == (2, 1, [])
    assert len(list(into.rglob("*.html"))) == 1 and len(list(into.rglob("*.meta.json"))) == 1
    result = runner.invoke(cli, ["--index-dir", str(index_dir), "index", str(into), "--json"])
    assert (json.loads(result.stdout)["deleted"], json.loads(result.stdout)["documents"]) == (2, 1)
    # Gone is remembered: the next run does not ask again while the feed lists it as before.
    before = len(site.requests_for("/goes"))
    harvest([site.url("/feed")], into, settings())
    assert len(site.requests_for("/goes")) == before


def test_a_server_error_is_retried_with_back_off_and_then_reported(site, tmp_path):
    summary_feed(site, "/broken", "/fine")
    site.status("/broken", 500)
    sleeps = []
    fetcher = Fetcher(settings(retries=2, backoff=3.0), sleep=sleeps.append, clock=lambda: 0.0)
    report = harvest([site.url("/feed")], tmp_path / "h", settings(), fetcher=fetcher)
    assert len(site.requests_for("/broken")) == 3
    assert [failure.address for failure in report.failed] == [site.url("/broken")]
    assert "500" in report.failed[0].reason
    assert sleeps == [3.0, 6.0]  # the back-off doubles; nothing else waits with no delay set
    assert report.new == 1


def test_a_passing_server_error_costs_one_retry(site, tmp_path):
    summary_feed(site, "/flaky")
    answers = iter([Response("busy", status=503), Response(post_page("Flaky", TEXT), content_type="text/html")])
    site.routes["/flaky"] = lambda request: next(answers)
    report = harvest([site.url("/feed")], tmp_path / "h", settings())
    assert (report.new, report.failed, len(site.requests_for("/flaky"))) == (1, [], 2)


def test_a_slow_answer_times_out_is_retried_and_reported(site, tmp_path):
    summary_feed(site, "/slow", "/quick")
    site.slow("/slow", 2.0)
    report = harvest([site.url("/feed")], tmp_path / "h", settings(read_timeout=0.3, retries=1))
    assert len(site.requests_for("/slow")) == 2
    assert [failure.address for failure in report.failed] == [site.url("/slow")]
    assert "did not answer in time" in report.failed[0].reason
    assert report.new == 1


def test_an_oversized_page_is_not_saved_and_is_reported(site, tmp_path):
    summary_feed(site, "/huge", "/bomb", "/fine")
    site.page("/huge", "<p>" + "x" * 300_000 + "</p>")
    site.page("/bomb", "<p>" + " " * 3_000_000 + "</p>", gzipped=True)  # 3 MB unpacked from a few KB
    report = harvest([site.url("/feed")], tmp_path / "h", settings(max_page_bytes=200_000))
    assert sorted(failure.address for failure in report.failed) == [site.url("/bomb"), site.url("/huge")]
    assert all("larger than" in failure.reason for failure in report.failed)
    assert report.new == 1 and len(list((tmp_path / "h").rglob("*.html"))) == 1


def test_gzip_is_asked_for_and_unpacked(site, tmp_path):
    summary_feed(site, "/a", gzipped=True)
    report = harvest([site.url("/feed")], tmp_path / "h", settings())
    assert report.new == 1
    assert "gzip" in site.requests_for("/feed")[0].headers.get("Accept-Encoding", "")


def test_requests_to_one_host_wait_the_delay_one_at_a_time_and_robots_crawl_delay_wins(site, tmp_path):
    summary_feed(site, "/a", "/b", "/c")
    now, sleeps = [0.0], []

    def sleep(seconds):
        sleeps.append(seconds)
        now[0] += seconds

    fetcher = Fetcher(settings(delay=1.5), sleep=sleep, clock=lambda: now[0])
    harvest([site.url("/feed")], tmp_path / "h", settings(delay=1.5), fetcher=fetcher)
    assert sleeps == [1.5] * 4 and site.most_at_once == 1  # robots, feed, a, b, c: four gaps

    site.robots("User-agent: *\nCrawl-delay: 7\n")
    sleeps.clear()
    fetcher = Fetcher(settings(delay=1.5), sleep=sleep, clock=lambda: now[0])
    harvest([site.url("/feed")], tmp_path / "h2", settings(delay=1.5), fetcher=fetcher)
    assert sleeps == [7.0] * 4


def test_a_feed_that_keeps_failing_says_since_when(site, tmp_path):
    site.status("/feed", 404)
    into = tmp_path / "h"
    first = harvest([site.url("/feed")], into, settings(), now=datetime.datetime(2026, 12, 1, 2, 0, tzinfo=UTC))
    assert "404" in first.failed[0].reason and "since" not in first.failed[0].reason
    later = harvest([site.url("/feed")], into, settings(), now=datetime.datetime(2026, 12, 4, 2, 0, tzinfo=UTC))
    assert "failed on every run since 2026-12-01 (3 days)" in later.failed[0].reason
    summary_feed(site, "/a")
    harvest([site.url("/feed")], into, settings(), now=datetime.datetime(2026, 12, 5, 2, 0, tzinfo=UTC))
    site.status("/feed", 500)
    again = harvest(
        [site.url("/feed")], into, settings(retries=0), now=datetime.datetime(2026, 12, 6, 2, 0, tzinfo=UTC)
    )
    assert "since" not in again.failed[0].reason  # it recovered in between


def test_a_post_that_becomes_a_pdf_replaces_its_page_and_keeps_its_facts(site, tmp_path):
    from document_files import text_pdf

    summary_feed(site, "/paper")
    into = tmp_path / "h"
    harvest([site.url("/feed")], into, settings())
    site.page("/paper", text_pdf([TEXT], title="The paper"), content_type="application/pdf")
    report = harvest([site.url("/feed")], into, settings(recheck_days=0))
    assert report.updated == 1
    names = sorted(path.name for path in into.rglob("*") if path.is_file() and not path.name.startswith("."))
    assert len(names) == 2 and names[0].endswith(".meta.json") and names[1].endswith(".pdf")
    assert names[0].removesuffix(".meta.json") == names[1].removesuffix(".pdf")
