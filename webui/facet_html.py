"""A filter's checkboxes, written in Python rather than by a Jinja macro a checkbox.

A results page draws some 140 of them and the page of every value of a filter thousands; through
the macro each cost ~25 µs of CPU, a fifth of drawing a results page. The markup is exactly what
the macro in _facet_option.html wrote (tests/web/test_web_facet_html.py draws both and compares),
every value escaped as Jinja's autoescaping escapes it.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from webui import params, presenters


def facet_checkboxes(group: presenters.FacetGroup) -> Markup:
    """Every option of a group, one checkbox each, as the results page and the values page list them."""
    name = escape(group.name)
    is_org = group.name == "org"
    parts = []
    for option in group.options:
        input_id = escape(option.input_id)
        value = escape(option.value)
        shown = escape(presenters.org_name(option.value)) if is_org else value
        checked = " checked" if option.selected else ""
        results = "result" if option.count == 1 else "results"
        link = ""
        if is_org:
            link = (
                f'<a class="govuk-link govuk-body-s app-org-link" href="{escape(params.org_url(option.value))}">'
                f'about<span class="govuk-visually-hidden"> {shown}</span></a>'
            )
        parts.append(
            f'\n  <div class="govuk-checkboxes__item" data-facet-option>\n'
            f'    <input class="govuk-checkboxes__input" id="{input_id}" name="{name}" type="checkbox" '
            f'value="{value}"{checked}>\n'
            f'    <label class="govuk-label govuk-checkboxes__label" for="{input_id}">\n'
            f'      {shown} <span class="app-count">({escape(option.count)}<span class="govuk-visually-hidden"> '
            f"{results}</span>)</span>\n"
            f"    </label>\n"
            f"    {link}\n"
            f"  </div>\n"
        )
    return Markup("".join(parts))
