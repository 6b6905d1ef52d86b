"""What an uploaded file really is, judged by its content rather than its name."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from grantsfund.common.errors import DomainError


@dataclass(frozen=True)
class FileType:
    name: str
    extension: str
    content_type: str


PDF = FileType("PDF", "pdf", "application/pdf")
DOCX = FileType("Word document", "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
XLSX = FileType("Excel spreadsheet", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
ODT = FileType("OpenDocument text", "odt", "application/vnd.oasis.opendocument.text")
JPEG = FileType("JPEG image", "jpg", "image/jpeg")
PNG = FileType("PNG image", "png", "image/png")

ALLOWED = "a PDF, Word document (DOCX), OpenDocument text (ODT), Excel spreadsheet (XLSX), JPEG or PNG"
WRONG_TYPE = f"The selected file must be {ALLOWED}"

# Headers of programs and scripts: refused by name, so the message can say why.
EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"#!", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe")

_MAX_ZIP_ENTRIES = 10_000


def _zip_type(data: bytes) -> FileType:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
        if len(names) > _MAX_ZIP_ENTRIES:
            raise DomainError(WRONG_TYPE, field="file")
        if "mimetype" in names:
            info = archive.getinfo("mimetype")
            mimetype = archive.read(info).strip() if info.file_size < 200 else b""
            if mimetype == ODT.content_type.encode() and "content.xml" in names:
                return ODT
        if "[Content_Types].xml" in names:
            if "word/document.xml" in names:
                return DOCX
            if "xl/workbook.xml" in names:
                return XLSX
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError, EOFError):
        raise DomainError(
            "The selected file is damaged or is not a document. Check it opens, then try again", field="file"
        ) from None
    raise DomainError(f"The selected file is a zip archive, not a document. It must be {ALLOWED}", field="file")


def detect(data: bytes) -> FileType:
    """The file's real type, or a DomainError saying why it is refused."""
    if not data:
        raise DomainError("The selected file is empty", field="file")
    if data.startswith(EXECUTABLE_MAGIC):
        raise DomainError(f"The selected file is a program, not a document. It must be {ALLOWED}", field="file")
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"PK\x03\x04"):
        return _zip_type(data)
    raise DomainError(WRONG_TYPE, field="file")
