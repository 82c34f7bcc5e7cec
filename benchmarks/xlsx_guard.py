"""Benchmark: the XLSX upload guard (config/spreadsheets.py) against openpyxl opening the same bombs.

Builds, in memory, the two files of issue 11 item 1 — a workbook with one merge range AA1:BZ40000
(what the report template's upload opened) and a people sheet with one cell at row 200000 (what the
people import read) — and prints the guard's time to refuse each, openpyxl's time to open it as the
upload did before the guard, and the ratio. Goal: the guard refuses in well under a second.

    .venv/bin/python benchmarks/xlsx_guard.py
"""

import io
import sys
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openpyxl import Workbook, load_workbook  # noqa: E402

from config.spreadsheets import XlsxLimits, XlsxRefused, check_xlsx  # noqa: E402


def _save(wb) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def merge_bomb() -> bytes:
    wb = Workbook()
    wb.active["A1"] = "统计表"
    content = _save(wb)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", b'</sheetData><mergeCells><mergeCell ref="AA1:BZ40000"/></mergeCells>')
            target.writestr(item.filename, data)
    return out.getvalue()


def far_cell() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["登录名", "姓名", "单位代码", "角色"])
    ws.cell(row=200_000, column=1, value="x")
    return _save(wb)


def _time(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> int:
    cases = [
        ("merge range AA1:BZ40000 (report template)", merge_bomb(), XlsxLimits(max_rows=500, max_columns=60),
         lambda c: load_workbook(io.BytesIO(c), data_only=True)),
        ("one cell at row 200000 (people import)", far_cell(), XlsxLimits(max_rows=10_000, max_columns=50),
         lambda c: [row for row in load_workbook(io.BytesIO(c), read_only=True).worksheets[0].iter_rows(
             values_only=True)]),
    ]
    print("Benchmark: refusing a spreadsheet bomb before openpyxl opens it")
    for name, content, limits, opened in cases:
        def guard(content=content, limits=limits):
            try:
                check_xlsx(content, limits)
            except XlsxRefused:
                return
            raise AssertionError("not refused")
        refused = min(_time(guard) for _ in range(5))
        without = _time(lambda opened=opened, content=content: opened(content))
        print(f"  {name:45} {len(content) / 1024:5.1f} KB: guard refuses in {refused * 1000:6.1f} ms, "
              f"openpyxl takes {without:6.2f} s (ratio {without / refused:,.0f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
