from __future__ import annotations

import pytest
from django import forms

from profiles.widgets import FastSelect


class Choice(forms.Form):
    plain = forms.ChoiceField(choices=[("", "Pick"), ("a", "A & B"), ("b", "<b>")], widget=FastSelect, required=False)
    grouped = forms.ChoiceField(
        choices=[("", "Pick"), ("Data", [("1", "SQL"), ("2", "Python")]), ("Law", [("3", "Contracts")])],
        widget=FastSelect,
    )


def test_fast_select_writes_the_same_options_as_django_select():
    form = Choice(data={"plain": "b", "grouped": "2"})
    fast = str(form["plain"])
    Choice.base_fields["plain"].widget = forms.Select(choices=Choice.base_fields["plain"].choices)
    try:
        stock = str(Choice(data={"plain": "b", "grouped": "2"})["plain"])
    finally:
        Choice.base_fields["plain"].widget = FastSelect(choices=Choice.base_fields["plain"].choices)
    squash = lambda html: "".join(html.split())  # noqa: E731
    assert squash(fast) == squash(stock)
    assert '<option value="b" selected>&lt;b&gt;</option>' in fast


def test_fast_select_keeps_groups_and_marks_errors():
    form = Choice(data={"grouped": ""})
    assert not form.is_valid()
    html = str(form["grouped"])
    assert '<optgroup label="Data"><option value="1">SQL</option><option value="2">Python</option></optgroup>' in html
    assert 'aria-invalid="true"' in html and 'id="id_grouped"' in html


@pytest.mark.django_db
def test_skills_page_renders_the_catalogue_in_each_row(client, person):
    from profiles.tests.factories import PersonSkillFactory, SkillFactory

    PersonSkillFactory(person=person, skill=SkillFactory(name="Zoning law"))
    client.force_login(person.user)
    html = client.get("/people/me/skills/").content.decode()
    assert html.count(">Zoning law</option>") == 4  # the saved row and three empty ones
    assert html.count('<option value="') > 0 and "selected>Zoning law</option>" in html
