"""Pages for people about the machine formats: following a search in a feed reader, the service's
status (beside /healthz, for monitors), and adding the search to a browser."""

from __future__ import annotations

import datetime

from flask import Blueprint, make_response, render_template, request

from indexer.query import IndexUnavailable
from webui import params, presenters
from webui.service import search_service


bp = Blueprint("guides", __name__)


@bp.get("/follow")
def follow():
    """How to follow a search: what a feed is, and its address to copy into a feed reader."""
    search_request = params.with_canonical_orgs(params.parse_search(request.args)).with_changes(page=1)
    return render_template(
        "follow.html",
        search=search_request,
        feed_url=params.format_url(search_request, "feeds.search_atom", external=True),
        feed_path=params.format_url(search_request, "feeds.search_atom"),
        back_url=params.search_url(search_request),
        canonical_path=params.format_url(search_request, "guides.follow"),
        urls=params,
        presenters=presenters,
    )


@bp.get("/status")
def status():
    """Whether the search is working, in words: how many posts, and when they were last updated."""
    try:
        health = search_service().health()
    except IndexUnavailable as error:
        response = make_response(render_template("status.html", working=False, reason=str(error)))
        response.status_code = 503
        response.headers["Retry-After"] = "60"
        return response
    return render_template(
        "status.html", working=True, documents=health.documents, updated=readable_time(health.indexed_at)
    )


@bp.get("/browser-search")
def browser_search():
    """How to add the search to a browser's list of search engines."""
    return render_template("browser_search.html")


def readable_time(value: str | None) -> str | None:
    """An ISO 8601 time as GOV.UK writes one: 4:05pm on 7 December 2026 (UTC)."""
    if not value:
        return None
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.timezone.utc)
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment:%M}{'am' if moment.hour < 12 else 'pm'} on {moment.day} {moment:%B %Y} (UTC)"
