"""Where uploaded files live: under UPLOAD_DIR, never under static/, with random names."""

from __future__ import annotations

import os
import re
import secrets
import unicodedata
from pathlib import Path

SUBDIRECTORY = "documents"
_STORED_NAME = re.compile(r"^[0-9a-f]{32}$")


def _folder(upload_dir: str) -> Path:
    folder = Path(upload_dir) / SUBDIRECTORY
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def save(upload_dir: str, data: bytes) -> str:
    """Write the bytes under a new random name and return that name."""
    name = secrets.token_hex(16)
    path = _folder(upload_dir) / name
    with open(path, "xb") as handle:  # "x": never overwrite
        handle.write(data)
    os.chmod(path, 0o600)
    return name


def path_of(upload_dir: str, stored_name: str) -> Path:
    if not _STORED_NAME.match(stored_name):
        raise ValueError("not a stored file name")
    return Path(upload_dir) / SUBDIRECTORY / stored_name


def safe_filename(original: str, extension: str) -> str:
    """A download name: ASCII letters, digits, dashes and underscores, with the extension of the real type."""
    stem = Path((original or "").replace("\\", "/")).name.rsplit(".", 1)[0]
    stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-_")[:80] or "document"
    return f"{stem}.{extension}"
