"""Uploaded files: size-limited, written to a temporary file for the format readers, issues named after the upload."""

from __future__ import annotations

import dataclasses
import hashlib
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from fastapi import Depends, Request, UploadFile

from api.schemas import MAX_NAME_CHARS
from api.service.errors import TooLarge
from api.xlsx import check_archive
from common.errors import InputIssue, InvalidInput

T = TypeVar("T")
_CHUNK = 1024 * 1024
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


async def one_file_part(request: Request) -> None:
    """Refuse a body of more than one `file` part: which one to read would be a guess."""
    parts = (await request.form()).getlist("file")
    if len(parts) > 1:
        raise InvalidInput(
            [InputIssue(f"the body has {len(parts)} file parts; send one file a request", column="file")]
        )


# an upload route's dependency: one file a request
ONE_FILE = Depends(one_file_part)


def read_upload(file: UploadFile, max_bytes: int) -> bytes:
    """The upload's bytes, or TooLarge past `max_bytes`."""
    data = bytearray()
    while chunk := file.file.read(_CHUNK):
        data.extend(chunk)
        if len(data) > max_bytes:
            raise TooLarge(f"the file is larger than {max_bytes} bytes")
    return bytes(data)


def upload_name(file: UploadFile) -> str:
    """The upload's file name as the client gave it, without folders and control characters, at most
    200 characters (or 'upload')."""
    name = Path((file.filename or "upload").replace("\\", "/")).name
    name = "".join(ch for ch in name if ch.isprintable())[-MAX_NAME_CHARS:]
    return name or "upload"


def sha256_of(data: bytes) -> str:
    """The SHA-256 of the bytes (to recognise a re-import)."""
    return hashlib.sha256(data).hexdigest()


def check_upload(data: bytes, name: str, allowed: tuple[str, ...]) -> None:
    """Refuse, before anything reads it, an upload of a type no reader takes, an empty one, or a
    workbook that would unpack to too much (its archive's directory is all that is read).

    Raises:
        InvalidInput: what is wrong, naming the file.
    """
    suffix = Path(name).suffix.lower()
    if suffix not in allowed:
        raise InvalidInput([InputIssue(f"unknown file type; upload {' or '.join(allowed)}", name)])
    if not data:
        raise InvalidInput([InputIssue("the file is empty", name)])
    if suffix == ".xlsx":
        with tempfile.TemporaryDirectory(prefix="wfm-upload-") as folder:
            path = Path(folder) / "upload.xlsx"
            path.write_bytes(data)
            check_archive(path, file=name)


def parse_upload(data: bytes, name: str, reader: Callable[[Path], T], allowed: tuple[str, ...]) -> T:
    """Run a format reader on the upload; every issue names the uploaded file, not the temporary one.

    Raises:
        InvalidInput: an unsupported type, an empty file, or whatever the reader finds wrong.
    """
    check_upload(data, name, allowed)
    suffix = Path(name).suffix.lower()
    with tempfile.TemporaryDirectory(prefix="wfm-upload-") as folder:
        path = Path(folder) / (_SAFE.sub("_", Path(name).stem)[:80] + suffix)
        path.write_bytes(data)
        try:
            return reader(path)
        except InvalidInput as exc:
            # name the upload, not the temporary file, in where and in why (a reader's message may
            # quote its path); keep what follows the name (an XLSX sheet)
            raise InvalidInput(
                [
                    dataclasses.replace(
                        i.located(
                            name + i.file[len(str(path)) :]
                            if i.file and i.file.startswith(str(path))
                            else name
                        ),
                        reason=i.reason.replace(str(path), name).replace(folder, "…"),
                    )
                    for i in exc.issues
                ]
            ) from exc
