import io

import pytest
from openpyxl import load_workbook

from common.exports import Export, neutralise


class PeopleExport(Export):
    title = "People"
    columns = ["Name", "Note", "Count"]

    def rows(self, **filters):
        yield ("Ada", "=HYPERLINK(\"http://evil\")", 3)
        yield ("@Bob", "\tcmd", -4)
        yield ("+Cy", "-2+3", None)


def test_neutralise_prefixes_every_formula_trigger_and_leaves_numbers():
    assert [neutralise(v) for v in ["=1", "+1", "-1", "@x", "\tx", "\rx", "plain", -1, 2.5]] == [
        "'=1", "'+1", "'-1", "'@x", "'\tx", "'\rx", "plain", -1, 2.5,
    ]


def test_csv_and_xlsx_carry_the_same_neutralised_rows():
    export = PeopleExport()
    text = "".join(export.iter_csv()).lstrip("\ufeff")
    assert "'=HYPERLINK" in text and "'@Bob" in text and "'-2+3" in text
    sheet = load_workbook(io.BytesIO(export.xlsx_bytes())).active
    rows = [tuple(c.value for c in r) for r in sheet.iter_rows()]
    assert rows[0] == ("Name", "Note", "Count")
    assert rows[1] == ("Ada", "'=HYPERLINK(\"http://evil\")", 3)
    assert rows[2] == ("'@Bob", "'\tcmd", -4)
    assert rows[3][0] == "'+Cy"


def test_neutralise_cleans_before_it_guards_so_a_hidden_formula_is_still_caught():
    assert neutralise("\x0b=1+1") == "'=1+1"
    assert neutralise("\x00@SUM(A1)") == "'@SUM(A1)"
    assert neutralise("\uff1d1+1") == "'\uff1d1+1"  # full-width equals sign
    assert neutralise("\nline") == "'\nline"
    assert neutralise("Ann\x85 Lee\x1b") == "Ann Lee"


class DirtyExport(Export):
    title = "Dirty"
    columns = ["Col\x0bumn"]

    def rows(self, **filters):
        yield ("a\x0bb\x00c\x1bd\x85e\ufffe",)


def test_control_characters_never_reach_either_file():
    sheet = load_workbook(io.BytesIO(DirtyExport().xlsx_bytes())).active
    assert [c.value for r in sheet.iter_rows() for c in r] == ["Column", "abcde"]
    assert "".join(DirtyExport().iter_csv()) == "\ufeffColumn\r\nabcde\r\n"


def test_the_audit_runs_once_the_file_is_written_and_not_when_it_fails(db):
    calls = []
    response = PeopleExport().response("csv", audit=lambda: calls.append("audited"))
    assert calls == ["audited"]
    assert b"'=HYPERLINK" in b"".join(response.streaming_content)

    class Failing(Export):
        def rows(self, **filters):
            yield ("ok",)
            raise OSError("disk full")

    for fmt in ("csv", "xlsx"):
        with pytest.raises(OSError):
            Failing().response(fmt, audit=lambda: calls.append("wrong"))
    assert calls == ["audited"]
