"""The organisation pages: /org (every body with posts) and /org/<name>. Their JSON twin is in api.py."""

from __future__ import annotations

from flask import Blueprint, make_response, redirect, render_template, request

from indexer.query import Explorer
from indexer.query import SearchRequest
from webui import explore_presenters as present
from webui import params, presenters
from webui.service import search_service


bp = Blueprint("orgs", __name__)


def explorer() -> Explorer:
    return Explorer(search_service())


@bp.get("/org")
def organisations():
    """Every body with posts, grouped by kind; the GET form filters by name and kind, and sorts."""
    wanted = present.index_filter(request.args)
    canonical = present.index_url(wanted)
    if list(request.args.items(multi=True)) != wanted.to_params():
        return redirect(canonical, code=302)
    everything = explorer().organisations()
    groups = present.group_by_kind(everything, wanted)
    return render_template(
        "orgs.html",
        wanted=wanted,
        groups=groups,
        shown=sum(len(group.organisations) for group in groups),
        everything=len(everything),
        posts=None if everything else search_service().status().documents,  # none yet, or none naming a body
        kind_options=present.kind_options(everything, wanted.kind),
        sort_options=[
            {"value": value, "text": text, "checked": value == wanted.sort}
            for value, text in present.INDEX_SORTS.items()
        ],
        clear_url=present.index_url(present.IndexFilter(sort=wanted.sort)),
        canonical_path=canonical,
        urls=params,
    )


@bp.get("/org/<path:name>")
def organisation(name: str):
    """One body's page. Another spelling or an alias (LGA) is sent to the canonical address."""
    found = explorer().find(params.name_from_segment(name))
    if found is None:
        return not_found(params.name_from_segment(name))
    if name != params.org_segment(found.name):
        return redirect(params.org_url(found.name), code=302)
    profile = explorer().profile(found)
    org = profile.organisation
    return render_template(
        "org.html",
        profile=profile,
        org=org,
        kind_name=present.kind_name(org.kind),
        years_chart=present.years_chart(org, profile.years),
        canonical_path=params.org_url(found.name),
        urls=params,
        presenters=presenters,
    )


def not_found(name: str):
    """No post names this body: say so, and offer a search for the words instead."""
    response = make_response(
        render_template(
            "org_not_found.html",
            name=name,
            search_url=params.search_url(SearchRequest(q=name[:200])),
        )
    )
    response.status_code = 404
    return response
