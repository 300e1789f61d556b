"""Reading a household workbook (xlsx or CSV in UTF-8, with or without BOM, or GB18030) into a
table of text cells, finding the header row, and naming the columns by the template.

Everything is read as text so that nothing is guessed: numbers, dates and ID numbers are parsed
by the validator, which can then say exactly what was wrong with a cell.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import polars as pl

from fupin.exchange import template

ROW = "_row"  # the row number as Excel (or a text editor) shows it


class WorkbookError(ValueError):
    """A problem with the file as a whole (not a cell): unreadable, no header, missing columns."""


@dataclass
class Sheet:
    frame: pl.DataFrame  # one column per template field present, all text, plus ROW
    headers: dict[str, str]  # field -> the header text as written in the file
    unknown: list[str] = field(default_factory=list)  # headers that are not in the template
    source_columns: list[str] = field(default_factory=list)  # every header in file order
    formulas: list[tuple[int, str]] = field(default_factory=list)  # (row, header) of formula cells
    numeric_ids: list[int] = field(default_factory=list)  # rows whose ID cell is a number cell (xlsx)


@dataclass
class Layout:
    """Where calamine's range starts in the sheet (it drops leading empty rows and columns), and
    the cells that hold formulas (their values are whatever was last calculated, if anything)."""

    first_row: int = 1
    first_column: int = 0
    formulas: list[tuple[int, int]] = field(default_factory=list)  # (row, 0-based column)
    data: bytes = b""  # the xlsx file and its sheet's part, for a second look at one column
    member: str = ""

    def number_cells(self, column: int) -> list[int]:
        """Rows where the cell in ``column`` (0-based) holds a number, not text."""
        if not self.member:
            return []
        letter = column_letter(column).encode()
        pattern = re.compile(rb'<c r="' + letter + rb'(\d+)"([^>]*)>\s*<v>')
        rows = set()
        with zipfile.ZipFile(io.BytesIO(self.data)) as archive:
            for chunk, _overlap in _chunks(archive, self.member):
                if b'<c r="' + letter not in chunk:
                    continue
                for found in pattern.finditer(chunk):
                    kind = re.search(rb'\bt="(\w+)"', found.group(2))
                    if kind is None or kind.group(1) == b"n":
                        rows.add(int(found.group(1)))
        return sorted(rows)


def column_letter(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


_CELL_WITH_VALUE = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"[^>]*?>\s*<(?:f|v|is)\b')
_COLUMN_A = re.compile(rb'<c r="A\d+"[^>]*?>\s*<(?:f|v|is)\b')
_FORMULA_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"[^>]*?>\s*<f\b')
_CHUNK = 8 << 20


def _column_index(letters: bytes) -> int:
    index = 0
    for byte in letters:
        index = index * 26 + (byte - 64)
    return index - 1


def _sheet_member(archive: zipfile.ZipFile, sheet: str) -> str | None:
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
          "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target") for rel in rels}
    for node in book.iterfind("m:sheets/m:sheet", ns):
        if node.get("name") == sheet:
            target = targets.get(node.get(f"{{{ns['r']}}}id"), "")
            return target.lstrip("/") if target.startswith("/") else "xl/" + target
    return None


def _chunks(archive: zipfile.ZipFile, member: str):
    tail = b""
    with archive.open(member) as stream:
        while chunk := stream.read(_CHUNK):
            yield tail + chunk, len(tail)
            tail = chunk[-2048:]


def xlsx_layout(data: bytes, sheet: str) -> Layout:
    """One streaming pass over the sheet's XML: the first row and column with a value, and the
    formula cells. Cheap in the usual case (the range starts in column A)."""
    layout = Layout()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        member = _sheet_member(archive, sheet)
        if member is None:
            return layout
        first_row = None
        first_column = None
        formulas: set[tuple[int, int]] = set()
        for chunk, _overlap in _chunks(archive, member):
            if first_row is None and (found := _CELL_WITH_VALUE.search(chunk)):
                first_row = int(found.group(2))
            if first_column != 0 and _COLUMN_A.search(chunk):
                first_column = 0
            if b"<f" in chunk:
                formulas.update((int(m.group(2)), _column_index(m.group(1))) for m in _FORMULA_CELL.finditer(chunk))
        if first_column is None:  # rare: nothing in column A; find the leftmost column the slow way
            first_column = min((_column_index(m.group(1)) for chunk, _o in _chunks(archive, member)
                                for m in _CELL_WITH_VALUE.finditer(chunk)), default=0)
        layout.first_row = first_row or 1
        layout.data, layout.member = data, member
        layout.first_column = first_column
        layout.formulas = sorted(formulas)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError):
        pass
    return layout


def _utf8(data: bytes) -> bytes:
    """The CSV as UTF-8 bytes (without a BOM): as it is when it is UTF-8, else from GB18030."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        data.decode("utf-8")
        return data
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030").encode("utf-8")
    except UnicodeDecodeError as exc:
        raise WorkbookError("无法识别文件编码：请保存为 UTF-8 或 GB18030 编码的 CSV，或 xlsx 工作簿") from exc


def _raw_frame(path: Path, data: bytes, sheet_name: str, anchor: tuple[str, ...]) -> tuple[pl.DataFrame, Layout]:
    name = path.name.lower()
    if data[:4] == b"PK\x03\x04" or name.endswith((".xlsx", ".xlsm")):
        try:
            import fastexcel

            reader = fastexcel.read_excel(data)
            sheets = reader.sheet_names
            sheet = sheet_name if sheet_name in sheets else sheets[0]
            frame = reader.load_sheet(sheet, header_row=None, dtypes="string").to_polars()
        except Exception as exc:  # fastexcel raises its own error types for broken files
            raise WorkbookError(f"无法读取工作簿（文件可能已损坏，或不是 xlsx 工作簿）：{exc}") from exc
        return frame, xlsx_layout(data, sheet)
    if name.endswith((".xls",)) or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise WorkbookError("不支持旧版 .xls 文件：请在 Excel 中另存为 .xlsx 或 CSV")
    if b"\x00" in data[:4096]:
        raise WorkbookError("文件不是工作簿或 CSV 文本")
    data = _utf8(data)
    # Title lines above the header may be shorter than it (one cell): start reading at the header
    # line, so that it sets the number of columns, and number the rows from there.
    skip = _csv_header_line(data[:65536].decode("utf-8", errors="ignore"), anchor)
    try:
        frame = pl.read_csv(data, has_header=False, infer_schema=False, truncate_ragged_lines=True,
                            skip_lines=skip)
    except Exception as exc:
        raise WorkbookError(f"无法读取 CSV：{exc}") from exc
    return frame, Layout(first_row=skip + 1)


def _csv_header_line(text: str, anchor: tuple[str, ...]) -> int:
    """How many lines come before the header (the first of the first 10 records naming the anchor)."""
    import csv

    lines = io.StringIO(text)
    reader = csv.reader(lines)
    before = 0
    for _ in range(10):
        try:
            record = next(reader)
        except (StopIteration, csv.Error):
            return 0
        if any(template.normalise_header(v) in anchor for v in record):
            return before
        before = reader.line_num
    return 0


def read(path: Path | str, data: bytes | None = None, *, columns=template.COLUMNS,
         sheet_name: str = template.SHEET_NAME, anchor_field: str = "id_number") -> Sheet:
    """Read a workbook whose columns are ``columns`` (the household template by default); the
    header row is the first of the first 10 that names the anchor column (the ID number unless
    ``anchor_field`` names another)."""
    path = Path(path)
    data = path.read_bytes() if data is None else data
    if len(data) < 65536 and not data.removeprefix(b"\xef\xbb\xbf").strip():
        raise WorkbookError("文件是空的")
    wanted = columns
    anchor = next(c for c in wanted if c.field == anchor_field)
    raw, layout = _raw_frame(path, data, sheet_name, anchor.names)
    if raw.height == 0:
        raise WorkbookError("文件是空的")
    raw = raw.with_row_index(ROW, offset=layout.first_row)
    columns = [c for c in raw.columns if c != ROW]
    by_name = {name: c for c in wanted for name in c.names}
    head = raw.head(10)
    header_index = None
    for i, row in enumerate(head.iter_rows()):
        if any(template.normalise_header(v) in anchor.names for v in row[1:]):
            header_index = i
            break
    if header_index is None:
        raise WorkbookError(f"前 10 行中没有找到表头（须包含“{anchor.header}”列）")
    header_row = head.row(header_index)[1:]
    names = [template.normalise_header(v) for v in header_row]
    headers: dict[str, str] = {}
    keep: dict[str, str] = {}
    unknown = []
    for column, name, original in zip(columns, names, header_row, strict=True):
        if not name:
            continue
        spec = by_name.get(name)
        if spec is None:
            unknown.append(str(original).strip())
            continue
        if spec.field in headers:
            raise WorkbookError(f"表头“{name}”出现了两次")
        headers[spec.field] = str(original).strip()
        keep[column] = spec.field
    missing = [c.header for c in wanted if c.required and c.field not in headers]
    if missing:
        raise WorkbookError(f"缺少必填列：{'、'.join(missing)}")
    body = raw.slice(header_index + 1).select([ROW, *keep]).rename(keep)
    # Empty rows are skipped (every cell blank).
    fields = list(keep.values())
    # Surrounding spaces go. A text cell that would look like a formula is written with a leading
    # apostrophe by our CSV export (and by people who know the trick): the apostrophe is not part
    # of the value. Only the columns that need it are rewritten (a million rows are many cells).
    needs = body.select([pl.col(f).str.contains(r"^\s|\s$|^'[=+\-@\t\r]").any().alias(f) for f in fields]).row(0)
    body = body.with_columns([pl.col(f).str.strip_chars().str.replace(r"^'([=+\-@\t\r])", "$1")
                              for f, need in zip(fields, needs, strict=True) if need])
    body = body.filter(pl.any_horizontal([pl.col(f).is_not_null() & (pl.col(f) != "") for f in fields]))
    body = body.with_columns([pl.col(f).fill_null("") for f in fields])
    formulas = []
    for row, index in layout.formulas:
        column = columns[index - layout.first_column] if 0 <= index - layout.first_column < len(columns) else None
        if column in keep:
            formulas.append((row, headers[keep[column]]))
    id_column = next((c for c, f in keep.items() if f == "id_number"), None)
    numeric_ids = layout.number_cells(layout.first_column + columns.index(id_column)) if id_column else []
    return Sheet(frame=body, headers=headers, unknown=unknown, source_columns=[str(v) for v in header_row if v],
                 formulas=formulas, numeric_ids=numeric_ids)
