"""Checking a published report without storing it: read the file (a PDF by its geometry, a Word
.docx, a saved HTML page or text in any shape a person copies), detect its format, year and body,
read every cell with the importer's parser, run every rule.

What the check_report command prints; nothing here touches the database.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import ReportError
from ..formats import VARIANT_NAMES
from ..formats.cells import format_cell
from .detect import Detection, detect
from .html import html_to_text, looks_like_html
from .parser import ImportResult, parse_report
from .tokens import unify_ideographs

__all__ = ["ReportCheck", "Source", "UnreadableReport", "check_report_file", "check_report_text",
           "read_report", "read_report_file"]

MAX_BYTES = 5 * 1024 * 1024  # text, a web page
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024  # a PDF or a Word file (pictures, fonts)
ENCODINGS = ("utf-8-sig", "gb18030")  # UTF-8 (with or without BOM), else Windows 中文
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, .wps, .xls: the old binary Office files


class UnreadableReport(ReportError):
    """The file is missing, not text in a Chinese encoding, or empty (message in Chinese)."""


@dataclass
class Source:
    """A report file read as text in the tokenizer's layout, and what it was."""

    text: str
    kind: str  # "pdf", "docx", "html", "text"
    pdf: object = None  # PdfText for a PDF: its pages and table regions

    @property
    def html(self) -> bool:
        return self.kind == "html"


def read_report(data: bytes, name: str = "") -> Source:
    """Any report file a person has, as text; raises UnreadableReport with a Chinese message."""
    from .docx import UnreadableDocx, docx_text
    from .pdf import UnreadablePdf, pdf_text

    shown = name or "文件"
    suffix = Path(name).suffix.lower()
    if suffix in (".doc", ".wps", ".et", ".xls") or data.startswith(_OLE):
        raise UnreadableReport(
            f"{shown} 是旧版 Word/WPS 文件（.doc/.wps），无法直接读取。"
            "请在 Word 或 WPS 中“另存为”.docx 或导出为 PDF 后再上传。")
    if data.startswith(b"%PDF") or suffix == ".pdf":
        if len(data) > MAX_DOCUMENT_BYTES:
            raise UnreadableReport(f"{shown} 超过 20 MB，不像是一份年度报告。")
        try:
            pdf = pdf_text(data)
        except UnreadablePdf as error:
            raise UnreadableReport(f"{shown}：{error.message}") from None
        return Source(pdf.text, "pdf", pdf)
    if data.startswith(b"PK\x03\x04") or suffix == ".docx":
        if len(data) > MAX_DOCUMENT_BYTES:
            raise UnreadableReport(f"{shown} 超过 20 MB，不像是一份年度报告。")
        try:
            text = docx_text(data)
        except UnreadableDocx as error:
            raise UnreadableReport(f"{shown}：{error.message}") from None
        if not text.strip():
            raise UnreadableReport(f"文件 {shown} 是空的，没有可读取的内容。")
        return Source(text, "docx")
    text, html = _decoded(data, shown)
    return Source(text, "html" if html else "text")


def read_report_file(path: Path) -> tuple[str, bool]:
    """(the report as text, whether it was an HTML page); raises UnreadableReport."""
    source = read_report(_file_bytes(path), str(path))
    return source.text, source.html


def _file_bytes(path: Path) -> bytes:
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise UnreadableReport(f"文件不存在：{path}") from None
    except IsADirectoryError:
        raise UnreadableReport(f"{path} 是目录，不是报告文件。") from None
    except OSError as error:
        raise UnreadableReport(f"无法读取文件 {path}：{error.strerror or error}") from None
    return data


def _decoded(data: bytes, path: str) -> tuple[str, bool]:
    if len(data) > MAX_BYTES:
        raise UnreadableReport(f"文件 {path} 超过 5 MB，不像是一份年度报告。")
    if b"\x00" in data:
        raise UnreadableReport(f"文件 {path} 不是文本文件（含有空字节），请另存为 UTF-8 或 GB18030 编码的文本。")
    for encoding in ENCODINGS:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UnreadableReport(f"文件 {path} 不是 UTF-8 或 GB18030 编码的文本。")
    html = looks_like_html(text)
    if html:
        text = html_to_text(text)
    if not text.strip():
        raise UnreadableReport(f"文件 {path} 是空的，没有可读取的内容。")
    return text, html


@dataclass
class ReportCheck:
    detection: Detection
    result: ImportResult
    html: bool = False
    source: Source | None = None

    @property
    def format(self):
        return self.result.format

    @property
    def unread(self) -> list[str]:
        """Ids of the cells that could not be read, in the format's order."""
        return [cell_id for cell_id in self.format.cells() if cell_id not in self.result.values]

    @property
    def complete(self) -> bool:
        """Every cell read and every number of the tables placed in a cell."""
        return not self.unread and not self.result.unplaced

    @property
    def status(self) -> int:
        """0 all read and every hard rule holds; 1 something not read; 3 all read, hard rules fail
        (the report's own fault). 2, the file cannot be read, is UnreadableReport."""
        if not self.complete:
            return 1
        return 3 if any(not r.ok and r.severity.value == "hard" for r in self.rules) else 0

    @property
    def rules(self) -> list:
        """Every rule's result; a rule over a cell that was not read is skipped, not passed."""
        unread = set(self.unread)
        return [
            replace(r, ok=True, message="", skipped=True) if unread.intersection(r.cells) else r
            for r in self.result.check
        ]

    def messages(self) -> list[str]:
        """What the reader should know, errors first, in Chinese."""
        return [f"错误：{m}" for m in self.result.errors] + [
            f"提示：{m}" for m in (*self.detection.notes, *self.result.warnings)
        ]

    def as_json(self) -> dict:
        """report-format.md §7 values: ints as JSON ints, money as decimal strings."""
        values = self.result.values_json()
        return {
            "format": self.format.version,
            "variant": self.format.variant,
            "year": self.detection.year,
            "body": self.detection.body,
            "cells": {cell_id: values[cell_id] for cell_id in self.format.cells() if cell_id in values},
            "blank": list(self.result.blanks),
            "rules": [
                {
                    "id": r.rule_id,
                    "ok": r.ok,
                    "message": r.message,
                    "severity": r.severity.value,
                    "skipped": r.skipped,
                }
                for r in self.rules
            ],
            "unread": self.unread,
            "unread_places": [dict(p) for p in self.result.unread_places],
            "unplaced": [dict(p) for p in self.result.unplaced],
            "published_on": self.detection.published_on.isoformat() if self.detection.published_on else None,
            "status": self.status,
            "errors": list(self.result.errors),
            "warnings": [*self.detection.notes, *self.result.warnings],
        }

    def lines(self) -> list[str]:
        """The check as text for a person: format, every cell, every rule, what was not read."""
        fmt, result, detection = self.format, self.result, self.detection
        variant = f"·{VARIANT_NAMES.get(fmt.variant, fmt.variant)}" if fmt.variant else ""
        how = "按 --format 指定" if detection.given else "自动识别"
        kind = {"html": "，读取自 HTML 网页", "pdf": "，读取自 PDF", "docx": "，读取自 Word 文件"}
        out = [
            f"格式：{fmt.version}年格式{variant}（{how}）" + kind.get(self.source.kind if self.source else "", ""),
            f"年度：{detection.year or '未识别'}",
            f"单位：{detection.body or '未识别'}",
            "",
            f"单元格（共 {len(fmt.cells())} 个，读取 {len(result.values)} 个）：",
        ]
        blanks = set(result.blanks)
        for cell_id, cell in fmt.cells().items():
            if cell_id in result.values:
                shown = format_cell(cell.type, result.values[cell_id])
                shown += "（空，按 0 读取）" if cell_id in blanks else ""
            else:
                shown = "未读取"
            out.append(f"  {cell_id}\t{shown}\t{cell.label}")
        rules = self.rules
        failed = sum(1 for r in rules if not r.ok)
        out += ["", f"规则（共 {len(rules)} 条，不符 {failed} 条）："]
        for r in rules:
            severity = "硬性" if r.severity.value == "hard" else "预警"
            state = "跳过" if r.skipped else ("通过" if r.ok else "不符")
            out.append(f"  {state}\t{severity}\t{r.rule_id}" + (f"\t{r.message}" if r.message else ""))
        unread = self.unread
        out += ["", f"未能读取的单元格（{len(unread)} 个）：" + ("无" if not unread else "")]
        out += [f"  {cell_id}\t{fmt.cell(cell_id).label}" for cell_id in unread]
        places = [p for p in self.result.unread_places if p["line"]]
        if places:
            out += ["", "未能读取之处："]
            out += [f"  第{p['line']}行：{p['reason']}（{p['quote']}）" for p in places]
        if self.result.unplaced:
            out += ["", f"未能对应到单元格的数字（{len(self.result.unplaced)} 个）："]
            out += [f"  第{p['line']}行“{p['printed']}”：{p['quote']}" for p in self.result.unplaced]
        messages = self.messages()
        if messages:
            out += ["", "说明："] + [f"  {m}" for m in messages]
        return out


def check_report_text(text: str, *, version: str | None = None, html: bool = False,
                      source: Source | None = None) -> ReportCheck:
    text = unify_ideographs(text)
    detection = detect(text, version=version)
    result = parse_report(text, detection.format, year=detection.year)
    return ReportCheck(detection, result, html, source)


def check_report_source(source: Source, *, version: str | None = None) -> ReportCheck:
    return check_report_text(source.text, version=version, html=source.html, source=source)


def check_report_file(path: Path, *, version: str | None = None) -> ReportCheck:
    return check_report_source(read_report(_file_bytes(path), str(path)), version=version)
