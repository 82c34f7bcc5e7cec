"""Where PDFs live: Django's storage API (file system by default, S3-compatible by configuration).

A PDF is written under a temporary name and moved into place, so a half-written file is never
under a published name. On a file system the move is an atomic rename; on an object store the
upload of the final object is itself atomic (copy, then the temporary object is deleted).
"""

import os
import posixpath
import uuid
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.module_loading import import_string


def pdf_storage():
    conf: dict[str, Any] = settings.PUBLISHING_STORAGE
    return import_string(conf["BACKEND"])(**conf.get("OPTIONS", {}))


def pdf_name(report, version: int) -> str:
    code = report.body.code
    return posixpath.join("reports", str(report.year), code, f"{report.year}-{code}-v{version}.pdf")


def write_temporary(storage, final_name: str, data: bytes) -> str:
    directory, base = posixpath.split(final_name)
    return storage.save(posixpath.join(directory, f".{base}.{uuid.uuid4().hex}.part"), ContentFile(data))


def move_into_place(storage, temporary: str, final_name: str) -> str:
    """Give the temporary file its final name; returns the name it is stored under."""
    try:
        source, target = storage.path(temporary), storage.path(final_name)
    except NotImplementedError:  # an object store: no local paths
        with storage.open(temporary, "rb") as handle:
            if storage.exists(final_name):
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
