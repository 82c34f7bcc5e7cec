"""Where published files live: Django's storage API (STORAGES["default"]: the file system, or the
S3-compatible bucket that every web and worker machine shares; config/settings/s3.py).

Every file of a published version (the PDF, and what other steps add beside it) is written with
`write_temporary` + `move_into_place` and read with `read_stored` (config/storage.py), never by a
local path. A file is written under a temporary name and moved into place, so a half-written file
is never under a published name: on a file system the move is an atomic rename; on an object store
the upload of the final object is itself atomic (copy, then the temporary object is deleted).
"""

import os
import posixpath
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage

from config.storage import local_path, stored_bytes


def pdf_storage() -> Storage:
    """The storage of the published-version model's FileFields: the default storage, looked up at
    each use (a LazyObject), so that overridden STORAGES (tests) and the environment both apply."""
    return default_storage


def read_stored(name: str) -> bytes:
    """The bytes of a published file; FileNotFoundError when the store has no such object."""
    return stored_bytes(name, pdf_storage())


def pdf_name(report, version: int) -> str:
    return version_file_name(report, version, "pdf")


def version_file_name(report, version: int, suffix: str) -> str:
    """reports/<year>/<body code>/<year>-<code>-v<version>.<suffix>: one folder per report."""
    code = report.body.code
    return posixpath.join("reports", str(report.year), code, f"{report.year}-{code}-v{version}.{suffix}")


def write_temporary(storage, final_name: str, data: bytes) -> str:
    directory, base = posixpath.split(final_name)
    return storage.save(posixpath.join(directory, f".{base}.{uuid.uuid4().hex}.part"), ContentFile(data))


def move_into_place(storage, temporary: str, final_name: str) -> str:
    """Give the temporary file its final name; returns the name it is stored under."""
    source, target = local_path(storage, temporary), local_path(storage, final_name)
    if source is None or target is None:  # an object store: no local paths
        with storage.open(temporary, "rb") as handle:
            if storage.exists(final_name) and not getattr(storage, "file_overwrite", False):
                storage.delete(final_name)
            name = storage.save(final_name, handle)
        storage.delete(temporary)
        return name
    os.makedirs(os.path.dirname(target), exist_ok=True)
    os.replace(source, target)
    return final_name


def discard(storage, name: str) -> None:
    if name and storage.exists(name):
        storage.delete(name)
