import pytest
from django.template import Context, Template

from kindred.core.icons import UnknownIcon, available_icons, initials, render_icon


def test_it_inlines_a_decorative_icon_hidden_from_screen_readers():
    svg = render_icon("bell")
    assert svg.startswith('<svg class="icon icon-bell" aria-hidden="true"')
    assert "<path" in svg and "style=" not in svg  # CSP: no inline styles


def test_a_labelled_icon_is_announced():
    svg = render_icon("bell", label='New "alerts"')
    assert 'role="img" aria-label="New &quot;alerts&quot;"' in svg
    assert "aria-hidden" not in svg


@pytest.mark.parametrize("name", ["no-such-icon", "../LICENSE", "Bell"])
def test_an_unknown_name_fails_loudly(name):
    with pytest.raises(UnknownIcon):
        render_icon(name)


def test_every_vendored_icon_renders():
    names = available_icons()
    assert "menu" in names and "life-buoy" in names
    for name in names:
        assert "<svg" in render_icon(name)


def test_the_template_tag_and_filter():
    html = Template(
        '{% load ui %}{% icon "x" css_class="icon-sm" %}{{ "river_lee"|initials }}'
    ).render(Context())
    assert 'class="icon icon-x icon-sm"' in html and html.endswith("RL")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("river_lee", "RL"),
        ("Amara Okafor", "AO"),
        ("sam", "SA"),
        ("x", "X"),
        ("", "?"),
        ("dr.chen-li", "DC"),
    ],
)
def test_initials(name, expected):
    assert initials(name) == expected


def test_jinja_templates_get_icon_and_gettext():
    from django.template import engines

    html = engines["jinja2"].from_string('{{ icon("bell") }}{{ _("Hello") }}').render({})
    assert "icon-bell" in html and html.endswith("Hello")
