"""Where templates come from: ours first, then the GOV.UK Frontend macros under their own prefix.

GOV.UK's page template writes one inline <script> (to add the `js-enabled` class). Rather than
patch the template, the Content-Security-Policy allows exactly that script by its hash, read
from the installed template, so an upgrade that changes the script changes the hash with it.
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import cache

from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

from indexer.query import FILTER_LABELS, FILTER_PLURALS
from webui import facet_html, presenters

GOVUK_PREFIX = "govuk_frontend_jinja"
_INLINE_SCRIPT = re.compile(r"<script\b[^>]*?(?:\{%-?[^%]*%\}[^>]*)*>(?P<body>.*?)</script>", re.DOTALL)


@cache
def govuk_inline_script_hash() -> str:
    """The CSP source for GOV.UK's inline script: `'sha256-...'`."""
    source, _, _ = PackageLoader("govuk_frontend_jinja").get_source(None, "template.html")
    bodies = [m.group("body") for m in _INLINE_SCRIPT.finditer(source) if "{{" not in m.group("body")]
    if len(bodies) != 1:
        # Fail loudly: a silent miss would leave pages without their js-enabled class.
        raise RuntimeError(
            "govuk_frontend_jinja/template.html has changed: expected one inline script, "
            f"found {len(bodies)}, so webui/templating.py needs updating."
        )
    digest = hashlib.sha256(bodies[0].encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def configure(app) -> None:
    """Our templates first, then GOV.UK's as `govuk_frontend_jinja/...`, as its README sets out."""
    app.jinja_env.loader = ChoiceLoader(
        [
            FileSystemLoader(app.root_path + "/templates"),
            PrefixLoader({GOVUK_PREFIX: PackageLoader("govuk_frontend_jinja")}),
        ]
    )
    app.jinja_env.filters["display_date"] = presenters.display_date
    app.jinja_env.filters["org_name"] = presenters.org_name
    app.jinja_env.filters["site_name"] = presenters.site_name
    app.jinja_env.globals.update(
        filter_labels=FILTER_LABELS, filter_plurals=FILTER_PLURALS, facet_checkboxes=facet_html.facet_checkboxes
    )
