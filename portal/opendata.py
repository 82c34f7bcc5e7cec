"""Open data: a report's statistics by canonical cell id (JSON, CSV), a year of all bodies (CSV)."""

import csv
import io

from config.spreadsheets import cell_values


def _labels(fmt) -> dict[str, str]:
    return {cid: cell.label for cid, cell in fmt.cells().items()}


def report_json(item) -> dict:
    report = item.report
    fmt = report.format
    labels = _labels(fmt)
    values = item.values()
    return {
        "title": report.title,
        "body": {"code": report.body.code, "name": report.body_name, "kind": report.body.kind},
        "year": report.year,
        "format": fmt.key,
        "version": item.current.version if item.current else None,
        "published_at": item.published_at.isoformat() if item.published_at else None,
        "imported": report.imported,
        "cells": {cid: values.get(cid) for cid in labels if cid in values},
        "labels": {cid: label for cid, label in labels.items() if cid in values},
    }


def report_csv(item) -> str:
    fmt = item.report.format
    values = item.values()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["cell_id", "label", "value"])
    for cid, cell in fmt.cells().items():
        if cid in values:
            writer.writerow(cell_values([cid, cell.label, values[cid]]))
    return out.getvalue()


def year_csv(items) -> str:
    """One row per body, one column per canonical cell id (the union over the year's formats)."""
    columns: dict[str, None] = {}
    for item in items:
        columns.update(dict.fromkeys(item.report.format.cells()))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["body_code", "body_name", "year", "format", "version", "published_at", *columns])
    for item in items:
        values = item.values()
        writer.writerow(cell_values([
            item.report.body.code, item.report.body_name, item.report.year, item.report.format.key,
            item.current.version if item.current else "", item.published_at.isoformat() if item.published_at else "",
            *(values.get(cid, "") for cid in columns),
        ]))
    return out.getvalue()
