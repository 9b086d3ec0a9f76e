"""The indicators as files: CSV (for Excel in Catalan: UTF-8 with a BOM), XLSX
and JSON. Labels are in the active language; every text cell goes through
`spreadsheet_cell`, so a name such as `=HYPERLINK(…)` stays text."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from xarxa.core.text import spreadsheet_cell
from xarxa.reports.indicators import Indicator, Indicators, Number

FORMATS = ("csv", "xlsx", "json")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
# Column widths of the XLSX sheet, in characters.
WIDTHS = (28, 52, 12, 12, 12, 14, 60)


def header(ind: Indicators) -> list[str]:
    return [_("Group"), _("Indicator"), str(ind.year), str(ind.previous_year),
            pgettext("difference from the year before", "Change"),
            _("Unit"), _("Notes")]


def cells(row: Indicator) -> list[object]:
    """A row's cells: text through the formula guard, numbers as numbers."""
    return [spreadsheet_cell(row.group_label), spreadsheet_cell(row.label), row.value,
            row.previous, row.change, spreadsheet_cell(row.unit_label),
            spreadsheet_cell(row.detail)]


def as_csv(ind: Indicators) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([spreadsheet_cell(h) for h in header(ind)])
    writer.writerows(cells(row) for row in ind.rows)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def sheet_title(ind: Indicators) -> str:
    # At most 31 characters, none of []:*?/\ (Excel's rule).
    title = f"{_('Indicators')} {ind.year}"
    return "".join(c for c in title if c not in "[]:*?/\\")[:31]


def as_xlsx(ind: Indicators) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = sheet_title(ind)
    sheet.append([spreadsheet_cell(h) for h in header(ind)])
    bold = Font(bold=True)
    for cell in sheet[1]:
        cell.font = bold
    for row in ind.rows:
        sheet.append(cells(row))
        hours = isinstance(row.value, Decimal)
        plain, signed = ("0.00", "+0.00;-0.00;0.00") if hours else ("0", "+0;-0;0")
        line = sheet.max_row
        for column in (3, 4):
            sheet.cell(line, column).number_format = plain
        sheet.cell(line, 5).number_format = signed
    for i, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A2"
    book.properties.title = spreadsheet_cell(
        _("Indicators of %(name)s, %(year)d") % {"name": ind.organization_name, "year": ind.year})
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def number(value: Number) -> int | float:
    return float(value) if isinstance(value, Decimal) else value


def as_json(ind: Indicators) -> dict[str, Any]:
    """{"organization": {"id", "name"}, "year", "previous_year", "indicators":
    [{"key", "group", "group_label", "label", "value", "previous", "change",
    "unit", "unit_label", "detail"}]}: hours as numbers with decimals."""
    return {
        "organization": {"id": ind.organization_id, "name": ind.organization_name},
        "year": ind.year,
        "previous_year": ind.previous_year,
        "indicators": [
            {"key": row.key, "group": row.group, "group_label": row.group_label,
             "label": row.label, "value": number(row.value), "previous": number(row.previous),
             "change": number(row.change), "unit": row.unit, "unit_label": row.unit_label,
             "detail": row.detail}
            for row in ind.rows
        ],
    }


def as_bytes(ind: Indicators, fmt: str) -> bytes:
    """The file in `fmt` (one of FORMATS)."""
    if fmt == "csv":
        return as_csv(ind)
    if fmt == "xlsx":
        return as_xlsx(ind)
    if fmt == "json":
        import orjson

        return orjson.dumps(as_json(ind), option=orjson.OPT_INDENT_2) + b"\n"
    raise ValueError(fmt)
