"""Every workbook a person opens is written through this module, so that it survives Excel:

- codes and ID numbers are text cells (``write_string``, number format ``@``): a 17-digit 户编号 or
  an 18-digit ID never turns into ``3.61022E+17``; a cell that begins with ``=``, ``+``, ``-`` or
  ``@`` is text as well, never a formula (formulas are switched off for the whole workbook);
- amounts are numbers formatted ``#,##0.00``, counts integers formatted ``#,##0``, years plain
  integers, dates real dates;
- column widths follow the content (a CJK character counts double; capped), so totals never show
  ``###``;
- the header row is bold and frozen, with an autofilter; a sheet prints on A4, landscape when it
  has many columns, one page wide, the header repeated on each page and ``page / pages`` below.

A sheet is written row by row (``title``, ``note``, ``header``, ``row``) and ``finish``-ed; or in one
call with :func:`table`. ``Book(out, large=True)`` keeps memory flat for big exports (rows must
then be written top to bottom, which is what these helpers do anyway).
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from collections.abc import Iterable, Sequence
from decimal import Decimal

import xlsxwriter

OPTIONS = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}

TEXT = "text"        # codes, ID numbers, names: a text cell
MONEY = "money"      # yuan: #,##0.00
COUNT = "count"      # households, people: #,##0
YEAR = "year"        # 2023 (no thousands separator); also months and other small whole numbers
DECIMAL = "decimal"  # mu and other measures: #,##0.00
RATE = "rate"        # a percentage already multiplied by 100: 0.00
SCORE = "score"      # 0.0000 (MPI scores)
DATE = "date"        # yyyy-mm-dd
AUTO = "auto"        # from the value's type: int -> count, Decimal/float -> money, date -> date, else text

NUMBER_FORMATS = {TEXT: "@", MONEY: "#,##0.00", COUNT: "#,##0", YEAR: "0", DECIMAL: "#,##0.00", RATE: "0.00",
                  SCORE: "0.0000", DATE: "yyyy-mm-dd"}
HEADER_FILL = "#DDEBF7"
TOTAL_FILL = "#F2F2F2"
MAX_WIDTH = 50
MIN_WIDTH = 6
HEADER_WIDTH = 24  # a longer header wraps instead of widening its column
LANDSCAPE_FROM = 9  # columns
A4 = 9


def display_width(text: str) -> int:
    """How many narrow characters ``text`` takes: CJK (wide and full-width) characters count double."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _number(value) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.replace(",", "").strip())
        except ValueError:
            return None
    return None


def _date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value:
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


class Book:
    """An xlsxwriter workbook with the formats and sheets of this module."""

    def __init__(self, out=None, *, large: bool = False):
        self.out = out if out is not None else io.BytesIO()
        options = {**OPTIONS, "constant_memory": True, "in_memory": False} if large else {**OPTIONS, "in_memory": True}
        self.book = xlsxwriter.Workbook(self.out, options)
        self._formats: dict[tuple, object] = {}

    def format(self, kind: str = TEXT, *, head: bool = False, total: bool = False, custom: str = ""):
        key = (kind, head, total, custom)
        if key not in self._formats:
            spec: dict = {"valign": "top"}
            if head:
                spec.update({"bold": True, "bg_color": HEADER_FILL, "border": 1, "text_wrap": True, "valign": "vcenter",
                             "align": "center"})
            else:
                spec["num_format"] = custom or NUMBER_FORMATS.get(kind, "@")
            if total:
                spec.update({"bold": True, "bg_color": TOTAL_FILL})
            self._formats[key] = self.book.add_format(spec)
        return self._formats[key]

    @property
    def title_format(self):
        if ("title",) not in self._formats:
            self._formats[("title",)] = self.book.add_format({"bold": True, "font_size": 14})
        return self._formats[("title",)]

    def sheet(self, name: str) -> Sheet:
        return Sheet(self, name)

    def close(self) -> bytes | None:
        """Write the file; the bytes when the book was written to memory."""
        self.book.close()
        return self.out.getvalue() if isinstance(self.out, io.BytesIO) else None


class Sheet:
    def __init__(self, book: Book, name: str):
        self.book = book
        self.ws = book.book.add_worksheet(name[:31])
        self.row_index = 0  # the next row to write
        self.header_row: int | None = None
        self.columns = 0
        self.widths: dict[int, float] = {}
        self.money_format = ""  # another number format for amounts (e.g. '#,##0.00" 元"')

    # --- writing ---------------------------------------------------------------------------------

    def title(self, text: str) -> None:
        self.ws.write_string(self.row_index, 0, text, self.book.title_format)
        self.row_index += 1

    def note(self, text: str) -> None:
        self.ws.write_string(self.row_index, 0, text)
        self.row_index += 1

    def skip(self, rows: int = 1) -> None:
        self.row_index += rows

    def header(self, headers: Sequence[str], *, first: int = 0) -> None:
        """A bold header row; the first one of the sheet is frozen, filtered and printed on each page."""
        if self.header_row is None:
            self.header_row = self.row_index
        fmt = self.book.format(head=True)
        for c, text in enumerate(headers, start=first):
            self.ws.write_string(self.row_index, c, str(text), fmt)
            self._measure(c, min(display_width(str(text)) + 2, HEADER_WIDTH))
        self.columns = max(self.columns, first + len(headers))
        self.row_index += 1

    def row(self, values: Iterable, kinds: Sequence[str] | str = AUTO, *, total: bool = False, first: int = 0) -> None:
        values = list(values)
        for c, value in enumerate(values, start=first):
            kind = kinds if isinstance(kinds, str) else (kinds[c - first] if c - first < len(kinds) else AUTO)
            self.write(self.row_index, c, value, kind, total=total)
        self.columns = max(self.columns, first + len(values))
        self.row_index += 1

    def write(self, r: int, c: int, value, kind: str = AUTO, *, total: bool = False) -> None:
        """One cell, typed by ``kind`` (a value that does not fit its kind is written as text)."""
        if kind == AUTO:
            kind = self._kind_of(value)
        if value is None or value == "":
            if total:
                self.ws.write_blank(r, c, None, self.book.format(TEXT, total=True))
            return
        if kind in (MONEY, DECIMAL, RATE, SCORE, COUNT, YEAR):
            number = _number(value)
            if number is not None:
                if kind in (COUNT, YEAR) and number.is_integer():
                    number = int(number)
                custom = self.money_format if kind == MONEY else ""
                self.ws.write_number(r, c, number, self.book.format(kind, total=total, custom=custom))
                shown = {COUNT: f"{number:,.0f}", YEAR: f"{number:.0f}", SCORE: f"{number:.4f}",
                         RATE: f"{number:.2f}"}.get(kind, f"{number:,.2f}")
                suffix = custom.split('"')[1] if custom.count('"') >= 2 else ""
                self._measure(c, len(shown) + display_width(suffix) + 2)
                return
        elif kind == DATE:
            day = _date(value)
            if day is not None:
                self.ws.write_datetime(r, c, dt.datetime(day.year, day.month, day.day), self.book.format(DATE, total=total))
                self._measure(c, 12)
                return
        text = ("是" if value else "否") if isinstance(value, bool) else str(value)
        self.ws.write_string(r, c, text, self.book.format(TEXT, total=total))
        self._measure(c, display_width(text) + 2)

    @staticmethod
    def _kind_of(value) -> str:
        if isinstance(value, bool) or value is None:
            return TEXT
        if isinstance(value, int):
            return COUNT
        if isinstance(value, float | Decimal):
            return MONEY
        if isinstance(value, dt.date):
            return DATE
        return TEXT

    def _measure(self, c: int, width: float) -> None:
        if width > self.widths.get(c, 0):
            self.widths[c] = width

    # --- finishing -------------------------------------------------------------------------------

    def finish(self, *, freeze_columns: int = 0, autofilter: bool = True, repeat: tuple[int, int] | None = None,
               widths: dict[int, float] | None = None) -> None:
        """Column widths from the content, the header frozen and filtered, and the print setup.
        ``repeat`` (first, last row) is printed on each page instead of the header and frozen: for a
        sheet of several tables, its title lines."""
        for c, width in {**self.widths, **(widths or {})}.items():
            self.ws.set_column(c, c, max(MIN_WIDTH, min(MAX_WIDTH, width)))
        last_row = max(self.row_index - 1, 0)
        last_col = max(self.columns - 1, 0)
        if repeat is not None:
            self.ws.freeze_panes(repeat[1] + 1, freeze_columns)
            self.ws.repeat_rows(*repeat)
        elif self.header_row is not None:
            self.ws.freeze_panes(self.header_row + 1, freeze_columns)
            if autofilter:
                self.ws.autofilter(self.header_row, 0, max(last_row, self.header_row), last_col)
            self.ws.repeat_rows(self.header_row)
        self.ws.set_paper(A4)
        if self.columns >= LANDSCAPE_FROM:
            self.ws.set_landscape()
        else:
            self.ws.set_portrait()
        self.ws.fit_to_pages(1, 0)
        self.ws.center_horizontally()
        self.ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
        self.ws.set_footer("&C&P / &N")


def table(book: Book, name: str, columns: Sequence[tuple[str, str]], rows: Iterable[Sequence], *,
          title: str = "", notes: Sequence[str] = (), totals: Sequence | None = None, freeze_columns: int = 0) -> int:
    """A sheet with one table: (header, kind) columns, the rows, an optional totals row. Returns the
    number of data rows written."""
    sheet = book.sheet(name)
    if title:
        sheet.title(title)
    for line in notes:
        sheet.note(line)
    if title or notes:
        sheet.skip()
    headers = [h for h, _k in columns]
    kinds = [k for _h, k in columns]
    sheet.header(headers)
    count = 0
    for values in rows:
        sheet.row(values, kinds)
        count += 1
    if totals is not None:
        sheet.row(totals, kinds, total=True)
    sheet.finish(freeze_columns=freeze_columns)
    return count


def model_cell(model, name: str, value) -> tuple[object, str]:
    """A model field's value as (cell value, kind): amounts and measures numbers, counts and years
    integers, dates dates, everything else its display text (code-list labels, 是/否)."""
    from django.core.exceptions import FieldDoesNotExist
    from django.db import models

    from fupin.core.display import display_value

    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        field = None
    if value is not None and field is not None and not field.choices:
        if isinstance(field, models.DecimalField):
            return value, (MONEY if "元" in str(field.verbose_name) or "income" in name or "amount" in name
                           else DECIMAL)
        if isinstance(field, models.BooleanField):
            pass
        elif isinstance(field, models.IntegerField):
            return value, (YEAR if name.endswith("year") or name == "year" else COUNT)
        elif isinstance(field, models.DateTimeField):
            return display_value(model, name, value), TEXT
        elif isinstance(field, models.DateField):
            return value, DATE
    return display_value(model, name, value), TEXT
