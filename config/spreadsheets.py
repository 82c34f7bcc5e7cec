"""Spreadsheets in and out, for every app: the guard every uploaded XLSX passes before openpyxl
opens it, and the one function every exported cell (XLSX or CSV) goes through.

In: openpyxl builds a Python object for every cell a merge range or a range hyperlink covers, and a
read-only sheet pads every row up to the sheet's declared dimension, so a 14 KB file with one merge
range AA1:BZ40000 cost 27 s and 600 MB, and one cell at row 200000 of a people sheet 143 s of CPU.
`check_xlsx` reads the archive once, streaming every XML part through expat (no DTD, no entities,
bounded by the decompressed size), and refuses what is out of bounds before anything is built.

Out: text starting with = + - @ (or tab, CR) is a live formula to Excel and WPS (OWASP "CSV
injection"), and a control character makes openpyxl refuse to save. `cell_value` neutralises both;
numbers stay numbers.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from xml.parsers import expat

from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

EMPTY = "上传的文件是空的。"
OLD_FORMAT = "这是旧版 .xls 文件或设置了打开密码的文件，请另存为 .xlsx（不设密码）后再上传。"
CORRUPT = "无法读取该文件：文件已损坏或不是 .xlsx 格式。请上传用 Excel 或 WPS 保存的 .xlsx 文件。"
TOO_BIG = "文件解压后过大，不像是本系统的表格，已拒绝。"
# Element names of SpreadsheetML (transitional and strict); other parts' elements are not counted.
_SHEET_NAMESPACES = {"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
                     "http://purl.oclc.org/ooxml/spreadsheetml/main", ""}
_CHUNK = 64 * 1024


class XlsxRefused(Exception):
    """The upload is refused as a whole; `message` says why, in Chinese, for the person."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class XlsxLimits:
    max_bytes: int = 2 * 1024 * 1024
    max_uncompressed: int = 10 * 1024 * 1024
    max_members: int = 100
    max_rows: int = 1000  # the highest row a cell, a row, a merge or the sheet's dimension may reach
    max_columns: int = 100
    max_cells: int = 50_000  # <c> elements in all sheets together
    max_spanned: int = 10_000  # cells covered by merge ranges and range hyperlinks, all sheets together


def _bounds(ref: str) -> tuple[int, int, int]:
    """(last row, last column, number of cells) of "B2" or "AA1:BZ40000"; ValueError if not a range."""
    first, _, last = ref.strip().partition(":")
    col1, row1 = coordinate_from_string(first)
    col2, row2 = coordinate_from_string(last or first)
    c1, c2 = column_index_from_string(col1), column_index_from_string(col2)
    rows, columns = abs(row2 - row1) + 1, abs(c2 - c1) + 1
    return max(row1, row2), max(c1, c2), rows * columns


class _Scan:
    """Counts what openpyxl would build, across every XML part of the archive."""

    def __init__(self, limits: XlsxLimits):
        self.limits = limits
        self.cells = 0
        self.spanned = 0

    def _reach(self, row: int, column: int) -> None:
        if row > self.limits.max_rows:
            raise XlsxRefused(f"文件中的表格延伸到第 {row} 行，超出允许的 {self.limits.max_rows} 行，已拒绝。"
                              "请删除表格下方多余的内容（包括格式和合并单元格）后另存，再上传。")
        if column > self.limits.max_columns:
            raise XlsxRefused(f"文件中的表格延伸到第 {column} 列，超出允许的 {self.limits.max_columns} 列，已拒绝。"
                              "请删除表格右侧多余的内容（包括格式和合并单元格）后另存，再上传。")

    def _range(self, ref: str, *, spans: bool) -> None:
        for part in ref.split():
            try:
                row, column, size = _bounds(part.replace("$", ""))
            except ValueError:
                raise XlsxRefused(CORRUPT) from None
            if spans:
                self.spanned += size
                if (self.spanned > self.limits.max_spanned or row > self.limits.max_rows
                        or column > self.limits.max_columns):
                    raise XlsxRefused(f"文件中的合并单元格范围过大（{part}），不像是本系统的表格，已拒绝。"
                                      "请取消多余的合并单元格后另存，再上传。")
            self._reach(row, column)

    def start(self, name: str, attrs: dict) -> None:
        namespace, _, local = name.rpartition(" ")
        if namespace not in _SHEET_NAMESPACES:
            return
        if local == "c":
            self.cells += 1
            if self.cells > self.limits.max_cells:
                raise XlsxRefused(f"文件中的单元格过多（超过 {self.limits.max_cells} 个），不像是本系统的表格，已拒绝。")
            if "r" in attrs:
                self._range(attrs["r"], spans=False)
        elif local == "row" and "r" in attrs:
            try:
                self._reach(int(attrs["r"]), 1)
            except ValueError:
                raise XlsxRefused(CORRUPT) from None
        elif local == "dimension" and "ref" in attrs:
            self._range(attrs["ref"], spans=False)
        elif local == "mergeCell" and "ref" in attrs:
            self._range(attrs["ref"], spans=True)
        elif local == "hyperlink" and ":" in attrs.get("ref", ""):
            self._range(attrs["ref"], spans=True)


def _refuse_markup(*_args) -> None:
    """A DTD, an entity declaration or an external entity: no spreadsheet needs one (XXE, bombs)."""
    raise XlsxRefused(CORRUPT)


def _xml_parser(scan: _Scan):
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse_markup
    parser.EntityDeclHandler = _refuse_markup
    parser.ExternalEntityRefHandler = _refuse_markup
    parser.StartElementHandler = scan.start
    return parser


def check_xlsx(content: bytes, limits: XlsxLimits = XlsxLimits()) -> None:
    """Refuse, with XlsxRefused, what is not a small, sane XLSX: before openpyxl sees it, in one
    streaming pass that stops at the first limit exceeded."""
    if not content:
        raise XlsxRefused(EMPTY)
    if len(content) > limits.max_bytes:
        raise XlsxRefused(f"文件过大（不能超过 {limits.max_bytes // (1024 * 1024)} MB）。")
    if content[:4] == b"\xd0\xcf\x11\xe0":
        raise XlsxRefused(OLD_FORMAT)
    scan = _Scan(limits)
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
            if len(members) > limits.max_members or sum(m.file_size for m in members) > limits.max_uncompressed:
                raise XlsxRefused(TOO_BIG)
            total = 0
            for member in members:
                xml = member.filename.endswith((".xml", ".rels", ".vml"))
                parser = _xml_parser(scan) if xml else None
                with archive.open(member) as stream:  # the real sizes, not the declared ones
                    while chunk := stream.read(_CHUNK):
                        total += len(chunk)
                        if total > limits.max_uncompressed:
                            raise XlsxRefused(TOO_BIG)
                        if parser is not None:
                            parser.Parse(chunk, False)
                if parser is not None:
                    parser.Parse(b"", True)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError, OSError,
            expat.ExpatError):
        raise XlsxRefused(CORRUPT) from None


# ---------------------------------------------------------------------------------------------
# Out

# What openpyxl refuses to write (XML 1.0 forbids it), and lone surrogates, which cannot be encoded.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def cell_value(value):
    """A value as it may go into an exported cell or CSV field.

    Text loses the control characters XML cannot hold, and text that a spreadsheet would run as
    a formula is prefixed with an apostrophe (OWASP), so it shows as typed and never computes.
    Numbers, dates and text that is just a number ("-3") are left as they are."""
    if not isinstance(value, str):
        return value
    value = _ILLEGAL.sub("", value)
    if value.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def cell_values(values) -> list:
    """A row of values, each through cell_value."""
    return [cell_value(v) for v in values]
