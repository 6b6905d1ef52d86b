"""The answers' summary cards are written out by hand for speed; they must be GOV.UK's summary card exactly."""

import re

from flask import render_template_string

from grantsfund.applications import answers
from tests.applications import factories

GOVUK = """
{%- from "govuk_frontend_jinja/components/summary-list/macro.html" import govukSummaryList -%}
{% for section in sections %}
  {% set card = {"title": {"text": section.title}, "attributes": {"id": "section-" ~ section.slug}} %}
  {% if change %}
    {% do card.update({"actions": {"items": [{"href": "/change/" ~ section.slug, "text": "Change"}]}}) %}
  {% endif %}
  {% set rows = [] %}
  {% for row in section.rows %}
    {% do rows.append({"key": {"text": row.key}, "value": {"html": row.value | lines}}) %}
  {% endfor %}
  {{ govukSummaryList({"card": card, "rows": rows}) }}
{% endfor %}
"""
OURS = """
{%- from "applications/_answers.html" import application_answers -%}
{% macro change_url(section) %}/change/{{ section.slug }}{% endmacro %}
{{ application_answers(sections, change=change_url if change else None) }}
"""


def normalised(html: str) -> str:
    """Markup with the whitespace between tags, and runs of it elsewhere, taken out."""
    html = re.sub(r">\s+", ">", html)
    html = re.sub(r"\s+<", "<", html)
    return re.sub(r"\s+", " ", html).strip()


def test_the_cards_are_govuk_summary_cards(app, make_user):
    round_ = factories.open_round(make_user)
    member = make_user(full_name="Asha Member")
    application = factories.complete(factories.draft(round_, factories.group(member), member), member)
    application.need = "Line one <b>bold?</b>\nLine two"
    sections = answers.section_rows(application)
    with app.test_request_context():
        for change in (True, False):
            ours = normalised(render_template_string(OURS, sections=sections, change=change))
            theirs = normalised(render_template_string(GOVUK, sections=sections, change=change))
            assert ours == theirs
    assert "Line one &lt;b&gt;bold?&lt;/b&gt;<br>Line two" in ours
