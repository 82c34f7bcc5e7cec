"""An upload on the 导入历史报告 page: one report file or a ZIP of many, staged until confirmed.

Nothing of it is a report until the district administrator confirms an entry: the files wait in
the default storage (config/storage.py: the S3-compatible bucket every web and worker machine
shares, or MEDIA_ROOT on one machine) under import-batches/<id>/ as <n>.bin beside a state.json
that lists them. Each file is read by
its own Celery task (tasks.py), so that a ZIP of a whole portal column is spread over every worker,
and each task writes only its own <n>.json: tasks never write the same file, and a rerun skips an
entry already read. The page shows the progress; a batch is deleted after BATCH_HOURS. Uploads are
bounded in size, entries and pages (pdf.MAX_PAGES); each file's reading in time (tasks.py).
"""

from __future__ import annotations

import json
import posixpath
import secrets
import time
import zipfile
from pathlib import Path, PurePosixPath

from config.storage import delete_folder, store_bytes, stored_bytes, stored_names, stored_or_none

from ..errors import ReportError
from .check import UnreadableReport, check_report_source, read_report

MAX_UPLOAD_BYTES = 60 * 1024 * 1024
MAX_ENTRIES = 200
MAX_ENTRY_BYTES = 20 * 1024 * 1024
BATCH_HOURS = 24
SUFFIXES = (".pdf", ".docx", ".doc", ".wps", ".html", ".htm", ".txt")


class BatchError(ReportError):
    pass


ROOT = "import-batches"


def batch_dir(batch_id: str) -> str:
    """The batch's folder in the default storage (a name, never a local path)."""
    if not batch_id or not all(c.isalnum() or c in "-_" for c in batch_id):
        raise BatchError("没有这次上传。")
    return posixpath.join(ROOT, batch_id)


def _name(batch_id: str, file: str) -> str:
    return posixpath.join(batch_dir(batch_id), file)


def _decoded_name(info: zipfile.ZipInfo) -> str:
    """ZIPs made on Chinese Windows store GBK names without the UTF-8 flag."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def batch_create(*, name: str, data: bytes, user_id: int, district_id: int) -> str:
    """Stage an upload; returns the batch id. Refuses what is too large or holds no report."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise BatchError(f"文件超过 {MAX_UPLOAD_BYTES // 1024 // 1024} MB。请分批上传。")
    entries: list[tuple[str, bytes]] = []
    if data.startswith(b"PK\x03\x04") and name.lower().endswith(".zip"):
        try:
            archive = zipfile.ZipFile(_bytes_io(data))
        except zipfile.BadZipFile:
            raise BatchError("ZIP 文件已损坏，无法打开。") from None
        infos = [i for i in archive.infolist() if not i.is_dir()]
        wanted = [i for i in infos if PurePosixPath(_decoded_name(i)).suffix.lower() in SUFFIXES
                  and not PurePosixPath(_decoded_name(i)).name.startswith(".")]
        if len(wanted) > MAX_ENTRIES:
            raise BatchError(f"ZIP 中有 {len(wanted)} 个报告文件，一次最多 {MAX_ENTRIES} 个。请分批上传。")
        for info in wanted:
            if info.file_size > MAX_ENTRY_BYTES:
                raise BatchError(f"ZIP 中的“{_decoded_name(info)}”超过 20 MB。")
        total = sum(i.file_size for i in wanted)
        if total > MAX_UPLOAD_BYTES * 3:
            raise BatchError("ZIP 解压后过大。请分批上传。")
        entries = [(PurePosixPath(_decoded_name(i)).name, archive.read(i)) for i in wanted]
        if not entries:
            raise BatchError("ZIP 中没有报告文件（PDF、.docx、网页或文本）。")
    else:
        if len(data) > MAX_ENTRY_BYTES:
            raise BatchError("文件超过 20 MB，不像是一份年度报告。")
        entries = [(Path(name).name or "报告", data)]
    batch_id = secrets.token_urlsafe(12)
    items = []
    for number, (entry_name, content) in enumerate(entries):
        store_bytes(_name(batch_id, f"{number}.bin"), content)
        items.append({"n": number, "name": entry_name, "state": "waiting"})
    _write(batch_id, {"id": batch_id, "user": user_id, "district": district_id, "created": time.time(),
                      "status": "queued", "entries": items, "done": 0})
    return batch_id


def _bytes_io(data: bytes):
    import io

    return io.BytesIO(data)


def _write(batch_id: str, state: dict, name: str = "state.json") -> None:
    store_bytes(_name(batch_id, name), json.dumps(state, ensure_ascii=False).encode())


def _read(batch_id: str, name: str) -> dict | None:
    data = stored_or_none(_name(batch_id, name))
    try:
        return None if data is None else json.loads(data.decode("utf-8"))
    except ValueError:
        return None


def batch_state(batch_id: str) -> dict | None:
    """The batch with each entry as read so far (its <n>.json), and how many are read."""
    state = _read(batch_id, "state.json")
    if state is None:
        return None
    for entry in state["entries"]:
        entry.update(_read(batch_id, f"{entry['n']}.json") or {})
    state["done"] = sum(1 for e in state["entries"] if e["state"] != "waiting")
    if state["done"] == len(state["entries"]):
        state["status"] = "done"
    return state


def waiting_entries(batch_id: str) -> list[int]:
    state = batch_state(batch_id)
    return [] if state is None else [e["n"] for e in state["entries"] if e["state"] == "waiting"]


def entry_bytes(batch_id: str, number: int) -> bytes:
    return stored_bytes(_name(batch_id, f"{int(number)}.bin"))


def entry_update(batch_id: str, number: int, **changes) -> dict:
    """Record what happened to one entry (read, imported, timed out) in its own file."""
    entry = _read(batch_id, f"{int(number)}.json") or {}
    entry.update(changes)
    _write(batch_id, entry, f"{int(number)}.json")
    return entry


def entry_read(batch_id: str, number: int) -> bool:
    """Read one entry of a batch (idempotent: an entry already read, or a batch discarded, is
    skipped). Returns whether it was read now."""
    state = _read(batch_id, "state.json")
    if state is None or _read(batch_id, f"{int(number)}.json") is not None:
        return False
    name = state["entries"][int(number)]["name"]
    entry_update(batch_id, number, **entry_parse(entry_bytes(batch_id, number), name))
    return True


def entry_parse(data: bytes, name: str) -> dict:
    """One file read and checked: what the page shows beside the source."""
    try:
        source = read_report(data, name)
    except UnreadableReport as error:
        return {"state": "unreadable", "message": error.message}
    check = check_report_source(source)
    detection = check.detection
    return {
        "state": "read",
        "kind": source.kind,
        "text": source.text,
        "pages": source.pdf.pages if source.pdf else 0,
        "regions": source.pdf.regions if source.pdf else [],
        "version": check.format.version,
        "variant": check.format.variant,
        "year": detection.year,
        "body": detection.body,
        "published_on": detection.published_on.isoformat() if detection.published_on else None,
        "values": check.result.values_json(),
        "unread": check.unread,
        "unread_places": check.result.unread_places,
        "unplaced": check.result.unplaced,
        "warnings": [*detection.notes, *check.result.warnings],
        "failed_rules": [r.message for r in check.rules if not r.ok and r.severity.value == "hard"],
        "status": check.status,
    }


def batches_sweep(hours: int = BATCH_HOURS) -> int:
    """Delete staged uploads older than `hours` (nothing of them was confirmed, or all was)."""
    removed = 0
    folders, _ = stored_names(ROOT)
    for batch_id in folders:
        state = batch_state(batch_id)
        if state is None or time.time() - state.get("created", 0) > hours * 3600:
            delete_folder(batch_dir(batch_id))
            removed += 1
    return removed


def batch_discard(batch_id: str) -> None:
    """The administrator gave the upload up: its files are deleted at once."""
    delete_folder(batch_dir(batch_id))


def entry_stop(batch_id: str, number: int, message: str) -> None:
    """A file that could not be read in time: it says why, and the rest of the batch goes on."""
    if _read(batch_id, "state.json") is not None:
        entry_update(batch_id, number, state="unreadable", message=message)
