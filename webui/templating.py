"""Where templates come from: ours first, then the GOV.UK Frontend macros under their own prefix.

GOV.UK's page template writes one inline <script> outside any block (to add the `js-enabled`
class). Our Content-Security-Policy allows no inline script, so that one line is swapped at load
time for an overridable block; base.html fills it with an external script doing the same job.
"""
from __future__ import annotations

from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

from webui import presenters

GOVUK_PREFIX = "govuk_frontend_jinja"
INLINE_SCRIPT_START = "<script {%- if cspNonce %}"
INLINE_SCRIPT_END = "</script>"
SCRIPT_BLOCK = "{% block jsEnabledScript %}{% endblock %}"


class GovukTemplateLoader(PackageLoader):
    """govuk-frontend-jinja's templates, with template.html's inline script made a block."""

    def __init__(self):
        super().__init__("govuk_frontend_jinja")

    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        if template == "template.html":
            source = without_inline_script(source)
        return source, filename, uptodate


def without_inline_script(source: str) -> str:
    start = source.find(INLINE_SCRIPT_START)
    end = source.find(INLINE_SCRIPT_END, start)
    if start < 0 or end < 0:
        # Fail loudly: a silent miss would put inline script back on every page.
        raise RuntimeError("govuk_frontend_jinja/template.html has changed: its js-enabled script "
                           "was not found, so webui/templating.py needs updating.")
    return source[:start] + SCRIPT_BLOCK + source[end + len(INLINE_SCRIPT_END):]


def configure(app) -> None:
    """Our templates first, then GOV.UK's as `govuk_frontend_jinja/...`, as its README sets out."""
    app.jinja_env.loader = ChoiceLoader([
        FileSystemLoader(app.root_path + "/templates"),
        PrefixLoader({GOVUK_PREFIX: GovukTemplateLoader()}),
    ])
    app.jinja_env.filters["display_date"] = presenters.display_date
    app.jinja_env.filters["org_name"] = presenters.org_name
