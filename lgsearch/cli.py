"""The `lgsearch` command: index, search, export, stats, serve, publish, harvest and alerts (see docs/api.md)."""

from __future__ import annotations

import html
import json
import logging
import os
import re
import signal
import sys
from pathlib import Path

import click

from indexer import store
from indexer.reindex import ReindexReport, SourceError, reindex
from indexer.query import (
    DEFAULT_FACET_SIZE,
    FILTER_FIELDS,
    FILTER_PLURALS,
    MAX_FACET_SIZE,
    SORTS,
    InvalidParameter,
    facet_size_from,
    request_from_params,
)
from indexer.query import IndexUnavailable, SearchResult
from indexer.query import SearchService
from indexer.query.shared import write_shared_files
from lgsearch.alerts_commands import alerts_group

logger = logging.getLogger(__name__)

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_REJECTED = 3
_MARK = re.compile(r"<mark>(.*?)</mark>", re.S)
# An index of an empty folder: a normal state, said as such (the search's notice says the first half).
NO_POSTS_YET = "There are no posts yet. Put posts in the source folders and run `lgsearch index`."


# What each filter option keeps, for its help text; one option per filter field.
_FILTER_HELP = {
    "tag": "Only posts with this tag",
    "org": "Only posts naming this organisation",
    "category": "Only posts in this category",
    "source": "Only posts from this blog or site",
    "author": "Only posts by this author",
    "year": "Only posts published this year",
}


class UsageProblem(click.ClickException):
    """A user error that exits 2, like click's own usage errors, without the usage text."""

    exit_code = EXIT_USAGE


class Failed(click.ClickException):
    """The job or search failed; click prints "Error: ..." on stderr and exits 1."""

    exit_code = EXIT_FAILED


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="lgsearch", prog_name="lgsearch")
@click.option(
    "--index-dir",
    envvar="LGSEARCH_INDEX_DIR",
    default="index_data",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Where the index is kept.",
)
@click.option("-v", "--verbose", is_flag=True, help="Log what is happening.")
@click.pass_context
def cli(ctx: click.Context, index_dir: Path, verbose: bool) -> None:
    """Search UK local-government leadership writing."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    # pypdf logs each repair it tries on a damaged PDF; the reindex reports the file itself.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    ctx.obj = {"index_dir": index_dir, "verbose": False}
    if verbose:
        _be_verbose(ctx.obj)


def _be_verbose(obj: dict) -> None:
    """`-v` works before the command (`lgsearch -v index`) and after it (`lgsearch index -v`)."""
    obj["verbose"] = True
    logging.getLogger().setLevel(logging.INFO)


def _verbose_option(command):
    def turn_on(ctx: click.Context, param, value: bool) -> None:
        if value:
            _be_verbose(ctx.ensure_object(dict))

    return click.option(
        "-v", "--verbose", is_flag=True, expose_value=False, callback=turn_on, help="Log what is happening."
    )(command)


@cli.command("index")
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@click.option("--rebuild", is_flag=True, help="Build a fresh index beside the live one and switch to it.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary on stdout.")
@click.option(
    "--wait",
    type=click.FloatRange(min=0),
    default=0,
    show_default=True,
    help="Seconds to wait for another reindex to finish.",
)
@_verbose_option
@click.pass_obj
def index_command(obj: dict, sources: tuple[Path, ...], rebuild: bool, as_json: bool, wait: float) -> None:
    """Bring the index up to date with SOURCE folders or files (default ./seeds)."""
    source_list = list(sources) or [Path(os.environ.get("LGSEARCH_SEEDS", "seeds"))]
    show_progress = not as_json and sys.stderr.isatty()
    previous_handler = signal.signal(signal.SIGTERM, _stop_on_sigterm)
    try:
        report = reindex(
            source_list,
            obj["index_dir"],
            rebuild=rebuild,
            wait=wait,
            progress=_progress_bar if show_progress else None,
            derive=write_shared_files,
        )
    except SourceError as error:
        raise UsageProblem(str(error)) from None
    except (store.ReindexBusy, store.IndexOutdated, store.IndexDamaged) as error:
        raise Failed(str(error)) from None
    except KeyboardInterrupt:
        raise Failed("The reindex was stopped. The live index is unchanged.") from None
    except Exception as error:
        logger.exception("The reindex failed")
        raise Failed(f"The reindex failed ({error}). The live index is unchanged.") from None
    finally:
        # The job is over: whoever called (a test, or a program embedding the CLI) gets its own back.
        signal.signal(signal.SIGTERM, previous_handler)
    if as_json:
        click.echo(json.dumps(report.to_json()))
    else:
        # Quiet when run from cron: the summary is for a person at a terminal (or -v);
        # rejected files always go to stderr, so cron mails only when something needs a look.
        if obj["verbose"] or sys.stdout.isatty():
            _print_summary(report)
        _print_rejected(report)
    sys.exit(EXIT_REJECTED if report.rejected else 0)


def _stop_on_sigterm(signum, frame):
    # One stop is enough: a second SIGTERM must not interrupt the clean-up the first started.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise KeyboardInterrupt


def _progress_bar(files):
    files = list(files)
    with click.progressbar(files, label="Indexing", file=sys.stderr, show_pos=True) as bar:
        yield from bar


def _print_summary(report: ReindexReport) -> None:
    click.echo(
        f"Indexed {report.documents} documents: {report.added} added, {report.updated} updated, "
        f"{report.deleted} removed, {report.unchanged} unchanged ({report.seconds:.1f} seconds)."
    )
    if report.extraction:
        click.echo(f"Saved pages: {_extraction_counts(report.extraction)}.")


def _extraction_counts(counts: dict[str, int]) -> str:
    """ "180 article found, 4 thin (...), 1 no article found (...)": how each page's text was found."""
    return ", ".join(
        f"{counts[path]} {EXTRACTION_WORDS.get(path, path)}"
        for path in sorted(
            counts, key=lambda path: (list(EXTRACTION_WORDS).index(path) if path in EXTRACTION_WORDS else 9, path)
        )
    )


# How each extraction path reads in a sentence.
EXTRACTION_WORDS = {
    "article": "article found",
    "recall": "thin (read again with a wider search)",
    "visible text": "no article found (all visible text kept)",
}


def _print_rejected(report: ReindexReport) -> None:
    if report.rejected:
        click.echo(f"Skipped {len(report.rejected)} file{'s' if len(report.rejected) != 1 else ''}:", err=True)
        for rejected in report.rejected:
            click.echo(f"  {rejected.path}: {rejected.reason}", err=True)


def _filter_options(command):
    """A repeatable option for each filter the query service takes (`--tag`, `--org`, ...)."""
    for name in reversed(FILTER_FIELDS):  # the last applied is listed first in --help
        command = click.option(f"--{name}", multiple=True, help=f"{_FILTER_HELP[name]} (repeatable).")(command)
    return command


@cli.command("search")
@click.argument("query", nargs=-1)
@_filter_options
@click.option(
    "--from",
    "date_from",
    help="Published on or after: 2019, March 2019, 03/2019, 12/03/2019 (day first) or 2019-03-12.",
)
@click.option("--to", "date_to", help="Published on or before, written as for --from.")
@click.option("--sort", type=click.Choice(SORTS), help="Order of results.")
@click.option("--page", default="1", show_default=True)
@click.option("--per-page", default="10", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print exactly what /api/search returns.")
@click.option(
    "--facet-size",
    default=str(DEFAULT_FACET_SIZE),
    show_default=True,
    help=f"Values of each facet in the JSON, 1 to {MAX_FACET_SIZE:,}.",
)
@click.pass_obj
def search_command(obj: dict, query: tuple[str, ...], as_json: bool, facet_size: str, **options) -> None:
    """Search the index from the terminal."""
    params = {name: list(options[name]) for name in FILTER_FIELDS}
    params.update(
        {
            "q": " ".join(query),
            "from": options["date_from"] or "",
            "to": options["date_to"] or "",
            "sort": options["sort"] or "",
            "page": options["page"],
            "per_page": options["per_page"],
        }
    )
    try:
        request = request_from_params(params)
        facet_values = facet_size_from(facet_size)
    except InvalidParameter as error:
        raise UsageProblem(error.message) from None
    result = _with_index(obj, lambda service: service.search(request))
    # The web layer builds every address (url_for) and shapes /api/search's JSON: print its own.
    from webui import create_app
    from webui.answers import search_result
    from webui.params import document_url

    with create_app().test_request_context("/"):
        if as_json:
            click.echo(json.dumps(search_result(result, facet_values), ensure_ascii=False))
        else:
            _print_result(result, document_url)


def _with_index(obj: dict, action):
    with SearchService(obj["index_dir"]) as service:
        try:
            return action(service)
        except IndexUnavailable as error:
            raise Failed(str(error)) from None


def _plain(snippet: str) -> str:
    marked = _MARK.sub(lambda m: click.style(m.group(1), bold=True), snippet)
    return html.unescape(marked)


def _print_result(result: SearchResult, document_url) -> None:
    request = result.request
    if result.corrected:
        click.echo(f"Showing results for “{result.corrected.to}” (you typed “{result.corrected.typed}”).")
    if result.notice:
        click.echo(result.notice)
    if result.suggestion:
        click.echo(f"Did you mean: {result.suggestion}")
    words = f" for “{request.q}”" if request.q else ""
    click.echo(
        f"{result.total} result{'s' if result.total != 1 else ''}{words}"
        + (f" (page {request.page} of {result.pages})" if result.pages > 1 else "")
    )
    first = (request.page - 1) * request.per_page
    for number, hit in enumerate(result.hits, start=first + 1):
        doc = hit.document
        about = " · ".join(part for part in (doc["date"], doc["source"] or doc["author"]) if part)
        click.echo(f"\n{number}. {click.style(doc['title'], bold=True)}" + (f" ({about})" if about else ""))
        click.echo(f"   {document_url(doc['id'])}")
        if doc["organisations"]:
            click.echo(f"   Organisations: {', '.join(doc['organisations'][:5])}")
        click.echo(f"   {_plain(hit.snippet)}")
    shown = [(FILTER_PLURALS[name].capitalize(), values) for name, values in result.facets.items() if values]
    if shown:
        click.echo("")
    for label, values in shown:
        click.echo(f"{label}: " + ", ".join(f"{v.value} ({v.count})" for v in values[:10]))


@cli.command("export")
@click.pass_obj
def export_command(obj: dict) -> None:
    """Print every document as JSON Lines, all stored fields."""

    def write_all(service: SearchService) -> int:
        written = 0
        for document in service.export():
            click.echo(json.dumps(document, ensure_ascii=False))
            written += 1
        return written

    if not _with_index(obj, write_all):
        click.echo(NO_POSTS_YET, err=True)  # stdout stays JSON Lines: none


@cli.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.pass_obj
def stats_command(obj: dict, as_json: bool) -> None:
    """Document count, when last indexed, size on disk and the top facet values."""

    def gather(service: SearchService) -> dict:
        status = service.status()
        facets = service.top_facet_values()
        return {
            "documents": status.documents,
            "indexed_at": status.indexed_at,
            "size_bytes": status.size_bytes,
            "extraction": status.extraction,
            "facets": {name: [v.to_json() for v in values] for name, values in facets.items()},
        }

    stats = _with_index(obj, gather)
    if as_json:
        click.echo(json.dumps(stats, ensure_ascii=False))
        return
    click.echo(f"Documents: {stats['documents']}")
    if not stats["documents"]:
        click.echo(NO_POSTS_YET)
    click.echo(f"Last indexed: {stats['indexed_at'] or 'unknown'}")
    click.echo(f"Size on disk: {stats['size_bytes'] / 1024:.0f} KB")
    if stats["extraction"]:
        click.echo(f"Saved pages: {_extraction_counts(stats['extraction'])}")
    for name, values in stats["facets"].items():
        if values:
            click.echo(f"Top {name} values: " + ", ".join(f"{v['value']} ({v['count']})" for v in values))


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64))
@click.option(
    "--proxies",
    envvar="LGSEARCH_PROXIES",
    default=0,
    show_default=True,
    type=click.IntRange(0, 10),
    help="How many reverse proxies are in front of the server; their X-Forwarded-* headers are trusted.",
)
@click.pass_obj
def serve_command(obj: dict, host: str, port: int, workers: int, proxies: int) -> None:
    """Serve the web UI with gunicorn, a production WSGI server."""
    from lgsearch.serve import serve

    serve(obj["index_dir"], host, port, workers, proxies)


@cli.command("publish")
@click.argument("destination", type=click.Path(path_type=Path))
@click.option(
    "--wait",
    type=click.FloatRange(min=0),
    default=0,
    show_default=True,
    help="Seconds to wait for a reindex of either folder to finish.",
)
@click.pass_obj
def publish_command(obj: dict, destination: Path, wait: float) -> None:
    """Copy the live index to the index folder DESTINATION (another host's share, say) and switch
    DESTINATION to it once the copy is complete and checked."""
    from indexer.publish import PublishError, publish

    try:
        published = publish(obj["index_dir"], destination, wait=wait)
    except (PublishError, store.ReindexBusy, store.IndexOutdated, store.IndexUnavailable) as error:
        raise click.ClickException(f"{error} {destination} is unchanged.") from None
    except OSError as error:
        raise click.ClickException(f"The copy failed: {error.strerror or error}. {destination} is unchanged.") from None
    click.echo(f"Published {published.documents} documents to {destination} ({published.generation.name}).")


@cli.command("harvest")
@click.option(
    "--sites",
    "sites_file",
    envvar="LGSEARCH_SITES",
    default="sites.txt",
    show_default=True,
    type=click.Path(path_type=Path),
    help="The sites to follow: one feed, sitemap or home page a line, or OPML.",
)
@click.option(
    "--into",
    "into",
    envvar="LGSEARCH_HARVEST_DIR",
    default="harvested",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The folder posts are saved in.",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary on stdout.")
@_verbose_option
@click.pass_obj
def harvest_command(obj: dict, sites_file: Path, into: Path, as_json: bool) -> None:
    """Fetch what is new or changed on the sites listed, into a folder for `lgsearch index`."""
    from indexer.harvest import HarvestBusy, HarvestSettings, MissingContact, SitesError, harvest, read_sites

    try:
        settings = HarvestSettings(
            contact=os.environ.get("LGSEARCH_CONTACT", ""), delay=_seconds_from_env("LGSEARCH_HARVEST_DELAY", 2.0)
        )
        sites = read_sites(sites_file)
    except (MissingContact, SitesError) as error:
        raise UsageProblem(str(error)) from None
    if into.exists() and not into.is_dir():
        raise UsageProblem(f"{into} is a file: --into names a folder.")
    try:
        report = harvest(sites, into, settings)
    except HarvestBusy as error:
        raise Failed(str(error)) from None
    except KeyboardInterrupt:
        raise Failed("The harvest was stopped. What it had saved is kept; the next run carries on.") from None
    except Exception as error:
        logger.exception("The harvest failed")
        raise Failed(f"The harvest failed ({error}). What it had saved is kept.") from None
    if as_json:
        click.echo(json.dumps(report.to_json()))
    else:
        if obj["verbose"]:
            click.echo(
                f"Harvested {report.sites} sites with {report.fetched} requests: {report.new} new, "
                f"{report.updated} updated, {report.removed} removed, {report.unchanged} unchanged, "
                f"{len(report.failed)} failed ({report.seconds:.1f} seconds)."
            )
        for failure in report.failed:
            click.echo(f"Failed: {failure.address}: {failure.reason}", err=True)
    sys.exit(EXIT_REJECTED if report.failed else 0)


def _seconds_from_env(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 3600:
        raise UsageProblem(f"{name} must be a number of seconds from 0 to 3600, not {value!r}.")
    return seconds


cli.add_command(alerts_group)


def main() -> None:
    cli(prog_name="lgsearch")
