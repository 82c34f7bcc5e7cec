"""The return form's comment rows list every place of the format in a <select>: the options the
template tag writes are what the template's loop wrote, with the typed place kept selected."""

import pytest
from django.template import Context, Template

from reports.formats import available_formats, get_format
from reports.review.selectors import target_choices
from reports.review.templatetags.review import target_options

LOOP = Template(
    '{% for group, options in targets %}<optgroup label="{{ group }}">{% for value, label in options %}'
    '<option value="{{ value }}"{% if value == selected %} selected{% endif %}>{{ label }}</option>'
    "{% endfor %}</optgroup>{% endfor %}")


@pytest.mark.parametrize(("version", "variant"), available_formats())
def test_every_place_of_every_format_as_the_template_loop_wrote_it(version, variant):
    targets = target_choices(get_format(version, variant))
    cell = next(value for _group, options in targets for value, label in options if label.startswith("单元格"))
    for selected in ("", cell):
        assert target_options(targets, selected) == LOOP.render(Context({"targets": targets, "selected": selected}))
    assert target_options(targets, cell).count(" selected") == 1


def test_labels_and_places_are_escaped():
    targets = [('节<"一">', [('s1"><script>', "文字：<b>&</b>")])]
    html = target_options(targets, 's1"><script>')
    assert "<script>" not in html and "<b>" not in html
    assert html == LOOP.render(Context({"targets": targets, "selected": 's1"><script>'}))
