"""Where templates come from: ours first, then the GOV.UK Frontend macros under their own prefix.

GOV.UK's page template writes one inline <script> (to add the `js-enabled` class). Rather than
patch the template, the Content-Security-Policy allows exactly that script by its hash, read
from the installed template, so an upgrade that changes the script changes the hash with it.
"""

from __future__ import annotations

import base64
import hashlib
import re
import threading
from collections import OrderedDict
from functools import cache

from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from markupsafe import Markup

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
        filter_labels=FILTER_LABELS,
        filter_plurals=FILTER_PLURALS,
        facet_checkboxes=facet_html.facet_checkboxes,
        remembered=RememberedComponents(),
    )


class RememberedComponents:
    """GOV.UK component macros' markup kept by their parameters: `remembered(govukInput)(params)`
    draws what `govukInput(params)` draws, once. The macros are pure (markup from parameters
    only), and a results page calls some with the same ones every time (the date boxes, empty;
    the buttons): ~250 µs a text input, ~40 µs a button. Parameters other than text, numbers,
    lists and dicts are not remembered but drawn each time. At most LIMIT kept, least recently used go."""

    LIMIT = 256

    def __init__(self):
        self._kept: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, macro):
        def draw(params):
            key = _frozen(params)
            if key is None:
                return macro(params)
            key = (macro.name, key)
            with self._lock:
                found = self._kept.get(key)
                if found is not None:
                    self._kept.move_to_end(key)
                    return found
            drawn = macro(params)
            with self._lock:
                self._kept[key] = drawn
                while len(self._kept) > self.LIMIT:
                    self._kept.popitem(last=False)
            return drawn

        return draw


def _frozen(value):
    """A hashable copy of a macro's parameters that tells text from markup and 1 from True, or
    None when they hold anything else."""
    if isinstance(value, dict):
        items = []
        for name, item in value.items():
            frozen = _frozen(item)
            if frozen is None:
                return None
            items.append((name, frozen))
        return ("dict", tuple(sorted(items)))
    if isinstance(value, (list, tuple)):
        items = tuple(_frozen(item) for item in value)
        return None if None in items else ("list", items)
    if type(value) in (str, Markup, int, float, bool, type(None)):
        return (type(value).__name__, value)
    return None
