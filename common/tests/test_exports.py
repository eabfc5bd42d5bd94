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


def test_xlsx_keeps_text_as_text_and_dates_as_dates():
    from datetime import UTC, date, datetime

    class Mixed(Export):
        title = "Mixed: a/b [c]?"  # characters Excel refuses in a sheet name
        columns = ["Text", "When"]

        def rows(self, **filters):
            yield ("http://example.gov/x", date(2026, 5, 1))
            yield ("007", datetime(2026, 5, 1, 14, 30, tzinfo=UTC))
            yield ("1e3", None)

    book = load_workbook(io.BytesIO(Mixed().xlsx_bytes()))
    sheet = book.active
    assert sheet.title == "Mixed  a b  c"
    cells = [[c for c in r] for r in sheet.iter_rows(min_row=2)]
    # No hyperlink, no number made of "007" or "1e3": the text as it was.
    assert [row[0].value for row in cells] == ["http://example.gov/x", "007", "1e3"]
    assert cells[0][0].hyperlink is None
    assert cells[0][1].value == datetime(2026, 5, 1) and cells[0][1].number_format == "yyyy-mm-dd"
    assert cells[1][1].value.date() == date(2026, 5, 1) and "hh:mm" in cells[1][1].number_format
    assert cells[2][1].value is None
