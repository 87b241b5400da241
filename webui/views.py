"""The HTML pages: the finder (/ and /search) and one document (/doc/<id>)."""

from __future__ import annotations


from flask import Blueprint, abort, make_response, redirect, render_template, request

from indexer.query import Explorer
from indexer.query import InvalidParameter
from webui import explore_presenters, params, presenters
from webui.service import search_service


bp = Blueprint("views", __name__)


@bp.get("/", endpoint="home")
@bp.get("/search")
def search():
    """Results for whatever the URL asks; a URL that is not canonical is sent to the one that is."""
    try:
        search_request = params.with_canonical_orgs(params.parse_search(request.args))
    except InvalidParameter as error:
        return invalid_search(error)
    canonical = params.search_url(search_request)
    if request.endpoint != params.search_endpoint(search_request) or not params.is_canonical(
        request.args, search_request
    ):
        return redirect(canonical, code=302)

    return render_template("search.html", **results_page(search_request), canonical_path=canonical)


def results_page(search_request) -> dict:
    """What the results page draws for a search: results, facets, chart, filters and pages."""
    result = search_service().search(search_request)
    return dict(
        search=search_request,
        result=result,
        timeline_chart=timeline_chart(result),
        facet_groups=presenters.facet_groups(result),
        selected_filters=presenters.selected_filters(search_request),
        pagination=presenters.pagination(result),
        sort_options=presenters.sort_options(search_request),
        past_the_end=result.total > 0 and search_request.page > result.pages,
        urls=params,
        presenters=presenters,
    )


def timeline_chart(result):
    """The results over time, when they span more than one year (or month, in a short span)."""
    timeline = Explorer(search_service()).timeline(result) if result.total else None
    return explore_presenters.timeline_chart(timeline, result.request) if timeline else None


def invalid_search(error: InvalidParameter):
    """The search page with an error summary naming the field, every other filter kept and its
    results shown, and the field refilled with what was typed so it can be corrected."""
    kept = params.with_canonical_orgs(params.lenient_search(request.args))
    raw = {name: request.args.get(name, "") for name in ("from", "to")}
    response = make_response(
        render_template(
            "search.html", **results_page(kept), error=error, raw=raw, canonical_path=params.search_url(kept)
        )
    )
    response.status_code = 400
    return response


@bp.get("/filters/<name>")
def facet_values(name: str):
    """Every value of one filter for a search, to tick and apply: the results page lists only the
    values with most results. The ticks submit to /search with the rest of the search kept."""
    if name not in params.FILTER_ORDER:
        abort(404, description=f"There is no filter called “{name}”.")
    search_request = params.with_canonical_orgs(params.parse_search(request.args)).with_changes(page=1)
    result = search_service().search(search_request)
    return render_template(
        "facet_values.html",
        search=search_request,
        result=result,
        group=presenters.facet_values_page(result, name),
        back_url=params.search_url(search_request),
        canonical_path=params.facet_values_url(search_request, name),
        urls=params,
        presenters=presenters,
    )


@bp.get("/doc/<path:doc_id>")
def document(doc_id: str):
    """A whole post. The search it came from is carried in the URL for highlighting and the way back."""
    search_request = params.lenient_search(request.args)
    page = search_service().document(doc_id, q=search_request.q)
    if page is None:
        abort(404, description=f"There is no document with the id “{doc_id}”. It may have been removed from the index.")
    back_url = params.search_url(search_request) if search_request.to_params() else None
    return render_template(
        "document.html",
        page=page,
        doc=page.document,
        search=search_request,
        back_url=back_url,
        canonical_path=params.document_url(page.document["id"]),
        urls=params,
        presenters=presenters,
    )
