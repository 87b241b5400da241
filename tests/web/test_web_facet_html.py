"""The filter checkboxes written in Python (webui/facet_html.py) are, byte for byte, what the
Jinja macro they replace drew (kept here as it was), for values that need escaping too."""

from __future__ import annotations

import pytest

from webui import facet_html, params, presenters
from webui.presenters import FacetGroup, FacetOption

# _facet_option.html's checkbox macro before facet_html replaced it.
MACRO = """{#- One filter value as a checkbox with its count; an organisation also links to its page. -#}
{% macro checkbox(group, option) %}
  <div class="govuk-checkboxes__item" data-facet-option>
    <input class="govuk-checkboxes__input" id="{{ option.input_id }}" name="{{ group.name }}" type="checkbox" value="{{ option.value }}"{% if option.selected %} checked{% endif %}>
    <label class="govuk-label govuk-checkboxes__label" for="{{ option.input_id }}">
      {{ option.value | org_name if group.name == "org" else option.value }} <span class="app-count">({{ option.count }}<span class="govuk-visually-hidden"> {{ "result" if option.count == 1 else "results" }}</span>)</span>
    </label>
    {% if group.name == "org" %}<a class="govuk-link govuk-body-s app-org-link" href="{{ urls.org_url(option.value) }}">about<span class="govuk-visually-hidden"> {{ option.value | org_name }}</span></a>{% endif %}
  </div>
{% endmacro %}

"""
LOOP = '{% from "checkbox_macro.html" import checkbox with context %}{% for option in group.options %}{{ checkbox(group, option) }}{% endfor %}'
VALUES = [
    ("Ofsted", 12, False),
    ("Cambridgeshire County Council", 1, True),
    ("Barnardo\u2019s", 3, False),
    ('He said "hi" & <b>left</b>', 2, True),
    ("it's a value/with a slash", 1000, False),
    ("Devon, Cornwall and the South West", 0, True),
]


@pytest.mark.parametrize("name", ["tag", "org", "author"])
def test_the_checkboxes_are_what_the_macro_drew(app, name):
    used: set[str] = set()
    options = [
        FacetOption(value, count, selected, presenters._unique_id(f"{name}-{value}", used))
        for value, count, selected in VALUES
    ]
    group = FacetGroup(name, params.FILTER_LABELS[name], params.FILTER_PLURALS[name], options)
    with app.test_request_context("/search?q=x"):
        from jinja2 import DictLoader, ChoiceLoader

        env = app.jinja_env.overlay(
            loader=ChoiceLoader([DictLoader({"checkbox_macro.html": MACRO}), app.jinja_env.loader])
        )
        drawn = env.from_string(LOOP).render(group=group, urls=params)
        written = facet_html.facet_checkboxes(group)
    assert str(written) == drawn
    assert "&lt;b&gt;" in drawn and "&#34;hi&#34;" in drawn and drawn.count(" checked") == 3


def test_a_remembered_component_draws_what_the_macro_draws_for_each_set_of_parameters(app):
    from markupsafe import Markup

    with app.test_request_context("/"):
        env = app.jinja_env
        macro = env.get_template("govuk_frontend_jinja/components/input/macro.html").module.govukInput
        remembered = env.globals["remembered"]
        asked = [
            {"label": {"text": "From"}, "id": "from", "name": "from", "value": "", "errorMessage": None},
            {"label": {"text": "From"}, "id": "from", "name": "from", "value": "2019", "errorMessage": None},
            {"label": {"text": "From"}, "id": "from", "name": "from", "value": "x", "errorMessage": {"text": "Bad"}},
            {"label": {"text": "<b>From</b>"}, "id": "from", "name": "from"},
            {"label": {"html": Markup("<b>From</b>")}, "id": "from", "name": "from"},
            {"label": {"text": "From"}, "id": "from", "name": "from", "spellcheck": True},
            {"label": {"text": "From"}, "id": "from", "name": "from", "spellcheck": 1},
        ]
        for _ in range(2):
            for params in asked:
                assert remembered(macro)(params) == macro(params)
        drawn = [str(remembered(macro)(params)) for params in asked]
        assert len(set(drawn)) >= 6  # each set of parameters drew its own markup
        assert "&lt;b&gt;From" in drawn[3] and "<b>From</b>" in drawn[4]
