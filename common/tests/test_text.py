import pytest

from common.text import clean_text, clean_value, has_unstorable


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ("a\x0bb", "ab"),  # vertical tab: the character that broke the XLSX export
        ("a\x00b", "ab"),
        ("a\x1b[0mb", "a[0mb"),
        ("a\x85b", "ab"),  # NEL, a C1 control
        ("a\x9fb\x80", "ab"),
        ("a\x7fb", "ab"),
        ("a\ud800b\udfff", "ab"),  # lone surrogates
        ("a\ufffeb\uffff", "ab"),
        ("tab\tline\nreturn\r", "tab\tline\nreturn\r"),
        ("Zoë Ødegård 李 😀 \u00a0 \u2028", "Zoë Ødegård 李 😀 \u00a0 \u2028"),
    ],
)
def test_clean_text_removes_only_what_no_export_can_hold(dirty, clean):
    assert clean_text(dirty) == clean
    assert has_unstorable(dirty) == (dirty != clean)


def test_clean_value_leaves_non_text_alone():
    assert [clean_value(v) for v in (3, 2.5, None, "x\x0b")] == [3, 2.5, None, "x"]
