import io

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
