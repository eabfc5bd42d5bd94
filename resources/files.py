"""What may be uploaded to the library: a short list of document, image and video types, each
checked by its first bytes as well as its name, so a program renamed to .pdf is refused."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat


@dataclass(frozen=True)
class FileType:
    content_type: str
    check: str  # how the content is recognised: a magic prefix, "zip:<member>", "mp4" or "text"


PDF = FileType("application/pdf", "%PDF-")
TYPES: dict[str, FileType] = {
    ".pdf": PDF,
    ".docx": FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "zip:[Content_Types].xml"),
    ".xlsx": FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "zip:[Content_Types].xml"),
    ".pptx": FileType("application/vnd.openxmlformats-officedocument.presentationml.presentation", "zip:[Content_Types].xml"),
    ".odt": FileType("application/vnd.oasis.opendocument.text", "zip:mimetype"),
    ".txt": FileType("text/plain; charset=utf-8", "text"),
    ".md": FileType("text/markdown; charset=utf-8", "text"),
    ".png": FileType("image/png", "\x89PNG\r\n\x1a\n"),
    ".jpg": FileType("image/jpeg", "\xff\xd8\xff"),
    ".jpeg": FileType("image/jpeg", "\xff\xd8\xff"),
    ".mp4": FileType("video/mp4", "mp4"),
}


def max_upload_bytes() -> int:
    return settings.RESOURCE_MAX_UPLOAD_BYTES


def _looks_like(upload: UploadedFile, check: str) -> bool:
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if check == "text":
        try:
            text = head.decode("utf-8")
        except UnicodeDecodeError as error:
            # The 8 KiB cut may split a character: only a bad byte before the last three counts.
            if error.start < len(head) - 3:
                return False
            text = head[: error.start].decode("utf-8")
        return "\x00" not in text
    if check == "mp4":
        return head[4:8] == b"ftyp"
    if check.startswith("zip:"):
        try:
            with zipfile.ZipFile(upload) as archive:
                return check[4:] in archive.namelist()
        except (zipfile.BadZipFile, OSError, ValueError):
            return False
        finally:
            upload.seek(0)
    return head.startswith(check.encode("latin-1"))


def file_type_of(upload: UploadedFile) -> FileType:
    """The checked type of an upload, or a ValidationError that says what is accepted."""
    if upload.size is not None and upload.size > max_upload_bytes():
        raise ValidationError(
            f"This file is {filesizeformat(upload.size)}; the library takes files up to "
            f"{filesizeformat(max_upload_bytes())}. Share a link to larger files instead."
        )
    if not upload.size:
        raise ValidationError("This file is empty.")
    suffix = PurePosixPath(upload.name or "").suffix.lower()
    accepted = ", ".join(sorted(TYPES))
    file_type = TYPES.get(suffix)
    if file_type is None:
        raise ValidationError(f"Files of this type cannot be shared here. Accepted: {accepted}.")
    if not _looks_like(upload, file_type.check):
        raise ValidationError(f"This file's content is not a real {suffix} file. Accepted: {accepted}.")
    return file_type
