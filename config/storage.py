"""Stored files through Django's storage API only: the same code on one machine's file system and on
the S3-compatible bucket shared by several (config/settings/s3.py).

Nothing outside this module and the storage backends touches a stored file by its local path: a web
process on one machine must find what a worker on another wrote. Names are POSIX paths relative to
the store (``reports/2025/ABC/2025-ABC-v1.pdf``), never absolute.
"""

from __future__ import annotations

import os
import posixpath
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage

try:  # the errors of an S3-compatible store that does not answer (django-storages on boto3)
    from botocore.exceptions import BotoCoreError, ClientError

    STORE_ERRORS: tuple[type[Exception], ...] = (BotoCoreError, ClientError)
except ImportError:  # pragma: no cover - boto3 is a dependency
    STORE_ERRORS = ()


def _store(storage: Storage | None) -> Storage:
    return default_storage if storage is None else storage


def local_path(storage: Storage, name: str) -> str | None:
    """The file's path when the store is the local file system; None for an object store."""
    try:
        return storage.path(name)
    except NotImplementedError:
        return None


def stored_bytes(name: str, storage: Storage | None = None) -> bytes:
    """The whole content of a stored file. FileNotFoundError when there is none under that name."""
    with _store(storage).open(name, "rb") as handle:
        return handle.read()


def stored_or_none(name: str, storage: Storage | None = None) -> bytes | None:
    try:
        return stored_bytes(name, storage)
    except FileNotFoundError:
        return None


def store_bytes(name: str, data: bytes, storage: Storage | None = None) -> str:
    """Write `data` under exactly `name`, replacing what was there; a reader sees the old or the new
    content, never half of it (file system: a temporary file renamed over; an object store: one PUT)."""
    storage = _store(storage)
    path = local_path(storage, name)
    if path is None:
        if not getattr(storage, "file_overwrite", False) and storage.exists(name):
            storage.delete(name)
        return storage.save(name, ContentFile(data))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    temporary = f"{path}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp"
    with open(temporary, "wb") as handle:
        handle.write(data)
    os.replace(temporary, path)
    return name


def stored_names(folder: str, storage: Storage | None = None) -> tuple[list[str], list[str]]:
    """(sub-folders, files) directly in `folder`; empty when it does not exist."""
    storage = _store(storage)
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return [], []
    return sorted(folders), sorted(files)


def delete_folder(folder: str, storage: Storage | None = None) -> None:
    """Delete every file under `folder` (and, on a file system, the emptied folders)."""
    storage = _store(storage)
    folders, files = stored_names(folder, storage)
    for sub in folders:
        delete_folder(posixpath.join(folder, sub), storage)
    for name in files:
        storage.delete(posixpath.join(folder, name))
    path = local_path(storage, folder)
    if path is not None and os.path.isdir(path):
        try:
            os.rmdir(path)
        except OSError:  # something was written meanwhile: it stays, the next sweep takes it
            pass
