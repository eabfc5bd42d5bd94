from django.template import engines

from mentorship.emails import build_templated, render_templated


def test_plain_text_parts_are_not_html_escaped_but_the_html_part_is(settings, tmp_path):
    folder = tmp_path / "emails" / "hello"
    folder.mkdir(parents=True)
    (folder / "subject.txt").write_text("Hello {{ name }}")
    (folder / "body.txt").write_text("Dear {{ name }}, see {{ site_url }}")
    (folder / "body.html").write_text("<p>Dear {{ name }}</p>")
    settings.TEMPLATES = [{**t, "DIRS": [tmp_path, *t["DIRS"]]} for t in settings.TEMPLATES]
    engines._engines = {}
    engines.__dict__.pop("templates", None)
    try:
        subject, text, html = render_templated("hello", {"name": "Siobhán O'Brien <Ops>"})
        assert subject == "Hello Siobhán O'Brien <Ops>"
        assert text.startswith("Dear Siobhán O'Brien <Ops>, see http")
        assert html == "<p>Dear Siobhán O&#x27;Brien &lt;Ops&gt;</p>"
        message = build_templated("hello", to=["a@example.gov"], context={"name": "O'Brien"})
        assert message.body.startswith("Dear O'Brien")
        assert message.alternatives[0][0] == "<p>Dear O&#x27;Brien</p>"
    finally:
        engines._engines = {}
        engines.__dict__.pop("templates", None)
