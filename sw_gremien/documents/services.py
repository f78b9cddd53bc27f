"""Attachments: checked, stored outside the web root under random names, served safely.

What a file is, is decided from its first bytes, not from the name or the browser's claim: a
"report.pdf" that is really an HTML page or a program is refused. Allowed: PDF, OpenDocument
text/spreadsheet, Word and Excel (OOXML), PNG, JPEG and WebP images.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from sw_gremien.documents.models import Attachment
from sw_gremien.i18n import _

CHUNK = 64 * 1024


@dataclass(frozen=True)
class FileKind:
    content_type: str
    extensions: tuple[str, ...]
    label: str


KINDS = {
    "pdf": FileKind("application/pdf", (".pdf",), "PDF"),
    "odt": FileKind("application/vnd.oasis.opendocument.text", (".odt",), "ODT"),
    "ods": FileKind("application/vnd.oasis.opendocument.spreadsheet", (".ods",), "ODS"),
    "docx": FileKind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",), "DOCX"),
    "xlsx": FileKind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",), "XLSX"),
    "png": FileKind("image/png", (".png",), "PNG"),
    "jpeg": FileKind("image/jpeg", (".jpg", ".jpeg"), "JPEG"),
    "webp": FileKind("image/webp", (".webp",), "WebP"),
}
ALLOWED_EXTENSIONS = sorted({ext for kind in KINDS.values() for ext in kind.extensions})


class UploadRefused(Exception):
    """Carries the readable reason."""

    def __init__(self, reason):
        super().__init__(str(reason))
        self.reason = reason


def sniff(head: bytes, path: Path) -> str | None:
    """The kind of file by its content, or None."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
                if "mimetype" in names:
                    # Read a few bytes only: a crafted archive could inflate this entry to
                    # gigabytes.
                    with archive.open("mimetype") as entry:
                        mimetype = entry.read(100).decode("ascii", "replace").strip()
                    return {"application/vnd.oasis.opendocument.text": "odt",
                            "application/vnd.oasis.opendocument.spreadsheet": "ods"}.get(mimetype)
                if "[Content_Types].xml" in names:
                    if "word/document.xml" in names:
                        return "docx"
                    if "xl/workbook.xml" in names:
                        return "xlsx"
        except (zipfile.BadZipFile, OSError, KeyError):
            return None
    return None


def upload_dir(settings) -> Path:
    directory = Path(settings.get("sw_gremien.upload_dir", "var/uploads"))
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def clean_filename(name: str) -> str:
    """The user's file name for display and download: no path, no control characters."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*').strip(" .")
    return name[:200] or "datei"


def megabytes(size: int, locale: str) -> str:
    """A size limit as people read it: "10", "2,5", "0,5" (never "0")."""
    from sw_gremien.i18n import format_number

    return format_number(max(round(size / (1024 * 1024), 1), 0.1), locale)


def upload_limit(settings) -> int:
    """The largest accepted file in bytes (``sw_gremien.upload_max_bytes``, default 10 MB)."""
    return int(settings.get("sw_gremien.upload_max_bytes", 10 * 1024 * 1024))


def store_upload(request, owner_type: str, owner_id: int, filename: str, stream) -> Attachment:
    """Check and store one uploaded file; raises UploadRefused with the reason."""
    settings = request.registry.settings
    limit = upload_limit(settings)
    filename = clean_filename(filename or "")
    extension = os.path.splitext(filename)[1].lower()
    if extension not in ALLOWED_EXTENSIONS:
        raise UploadRefused(_("Files of this type cannot be attached. Allowed are: ${types}.",
                              mapping={"types": ", ".join(k.label for k in KINDS.values())}))
    directory = upload_dir(settings)
    stored_name = secrets.token_hex(16)
    target = directory / stored_name
    digest = hashlib.sha256()
    size = 0
    head = b""
    try:
        with open(target, "xb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise UploadRefused(_("The file is larger than ${size} MB.",
                                          mapping={"size": megabytes(limit, request.locale_name)}))
                if len(head) < 16:
                    head += chunk[:16]
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise UploadRefused(_("The file is empty."))
        kind = sniff(head, target)
        if kind is None or extension not in KINDS[kind].extensions:
            raise UploadRefused(_("The content of the file does not match its name “${name}”. "
                                  "Only genuine PDF files, office documents and images can be attached.",
                                  mapping={"name": filename}))
        attachment = Attachment(
            owner_type=owner_type, owner_id=owner_id, filename=filename, stored_name=stored_name,
            content_type=KINDS[kind].content_type, size=size, sha256=digest.hexdigest(),
            uploaded_by_id=request.user.id if request.user else None,
        )
        request.dbsession.add(attachment)
        request.dbsession.flush()
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    # A rolled-back request must not leave an orphan file behind: neither a failed commit
    # nor an abort (an error later in the request, a retry).
    txn = request.tm.get()
    txn.addAfterCommitHook(lambda ok: ok or target.unlink(missing_ok=True))
    txn.addAfterAbortHook(lambda: target.unlink(missing_ok=True))
    return attachment


def file_path(request, attachment: Attachment) -> Path:
    return upload_dir(request.registry.settings) / attachment.stored_name


def owned_attachment(dbsession, attachment_id, owner_type: str, owner_id: int) -> Attachment | None:
    """The attachment with this id if it belongs to this owner (else None: no peeking at
    another object's files through this one's address)."""
    from sw_gremien.db import get_by_id

    attachment = get_by_id(dbsession, Attachment, attachment_id)
    if attachment is None or (attachment.owner_type, attachment.owner_id) != (owner_type, owner_id):
        return None
    return attachment


def download_response(request, attachment: Attachment):
    """The file as a download, never shown inline: an uploaded file must not run in our
    origin. A row without its bytes (a restore without the upload directory) is not there."""
    import logging
    from urllib.parse import quote

    from pyramid.httpexceptions import HTTPNotFound
    from pyramid.response import FileResponse

    path = file_path(request, attachment)
    if not path.is_file():
        logging.getLogger(__name__).error("attachment %s has no file %s", attachment.id, path)
        raise HTTPNotFound()
    response = FileResponse(str(path), request=request, content_type=attachment.content_type)
    ascii_name = attachment.filename.encode("ascii", "replace").decode("ascii").replace("?", "_").replace('"', "")
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(attachment.filename)}"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.cache_control.private = True
    return response


def delete_attachment(request, attachment: Attachment) -> None:
    path = file_path(request, attachment)
    request.dbsession.delete(attachment)
    # The bytes go only once the deletion is committed.
    request.tm.get().addAfterCommitHook(lambda ok: ok and path.unlink(missing_ok=True))


def attachments_of(dbsession, owner_type: str, owner_id: int) -> list[Attachment]:
    return list(dbsession.scalars(
        select(Attachment).where(Attachment.owner_type == owner_type, Attachment.owner_id == owner_id)
        .order_by(Attachment.uploaded_at, Attachment.id)
    ))
