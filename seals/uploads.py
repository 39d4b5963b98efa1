"""Checking uploaded files by their content: evidence (PDF, PNG, JPEG) and logos (PNG, JPEG).

The name says nothing about a file; its first bytes and a parse do. A file is refused before
anything is stored, with a sentence that tells the person what to upload instead.
"""

from __future__ import annotations

import hashlib
import html
import io
from dataclasses import dataclass
from functools import partial, wraps

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest
from django.http.multipartparser import MultiPartParser, MultiPartParserError
from django.template.defaultfilters import filesizeformat
from django.utils.datastructures import ImmutableList
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from rest_framework.exceptions import ParseError
from rest_framework.parsers import DataAndFiles
from rest_framework.parsers import MultiPartParser as DrfMultiPartParser

PDF, PNG, JPEG = "application/pdf", "image/png", "image/jpeg"
EXTENSIONS = {PDF: ".pdf", PNG: ".png", JPEG: ".jpg"}
EVIDENCE_TYPES = (PDF, PNG, JPEG)
LOGO_TYPES = (PNG, JPEG)
EXECUTABLE_MAGIC = (b"\x7fELF", b"MZ", b"#!", b"\xcf\xfa\xed\xfe", b"\xfe\xed\xfa\xcf", b"\xca\xfe\xba\xbe")


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content_type: str
    size: int
    sha256: str
    extension: str


def check_name(name: str) -> str:
    """The name as given, unless it holds path characters or control characters."""
    name = name or ""
    if not name.strip():
        raise ValidationError(_("Die Datei hat keinen Namen."), code="name")
    if any(part in name for part in ("/", "\\", "..")) or any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise ValidationError(
            _(
                "Der Dateiname „%(name)s“ enthält unzulässige Zeichen (/, \\, .. oder Steuerzeichen). "
                "Bitte benennen Sie die Datei um, z. B. „Nachweis.pdf“."
            )
            % {"name": name.encode("unicode_escape").decode("ascii")[:100]},
            code="name",
        )
    if len(name) > 200:
        raise ValidationError(_("Der Dateiname ist zu lang (höchstens 200 Zeichen)."), code="name")
    return name


def _sniff(head: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    return None


def _pdf_sane(data: bytes) -> bool:
    """A PDF header, an end-of-file marker near the end, and a cross-reference pointer."""
    tail = data[-2048:]
    return data.startswith(b"%PDF-") and b"%%EOF" in tail and b"startxref" in tail


def _image_sane(data: bytes, content_type: str) -> bool:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            expected = "PNG" if content_type == PNG else "JPEG"
            if image.format != expected:
                return False
            image.verify()
    except Exception:  # noqa: BLE001 - any failure to parse means: not an image we accept
        return False
    return True


def check_upload(upload: UploadedFile, *, allowed: tuple[str, ...], max_bytes: int) -> CheckedFile:
    """The checked facts of an upload (type by content, size, hash); ValidationError if refused."""
    name = check_name(getattr(upload, "sent_name", upload.name))
    size = upload.size or 0
    if size > max_bytes:
        raise ValidationError(
            _("Die Datei ist zu groß (%(size)s); erlaubt sind höchstens %(max)s.")
            % {"size": filesizeformat(size), "max": filesizeformat(max_bytes)},
            code="size",
        )
    if size == 0:
        raise ValidationError(_("Die Datei ist leer."), code="empty")
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    upload.seek(0)
    if len(data) > max_bytes:
        raise ValidationError(
            _("Die Datei ist zu groß; erlaubt sind höchstens %(max)s.") % {"max": filesizeformat(max_bytes)},
            code="size",
        )
    kinds = ", ".join({PDF: "PDF", PNG: "PNG", JPEG: "JPEG"}[t] for t in allowed)
    if data.startswith(EXECUTABLE_MAGIC):
        raise ValidationError(
            _("Die Datei ist ein Programm, kein Dokument. Erlaubt sind nur %(kinds)s.") % {"kinds": kinds},
            code="type",
        )
    content_type = _sniff(data[:16])
    if content_type not in allowed:
        raise ValidationError(
            _(
                "Der Inhalt der Datei ist kein %(kinds)s (geprüft wird der Inhalt, nicht der Name). "
                "Bitte laden Sie die Datei in einem dieser Formate hoch."
            )
            % {"kinds": kinds},
            code="type",
        )
    sane = _pdf_sane(data) if content_type == PDF else _image_sane(data, content_type)
    if not sane:
        raise ValidationError(
            _("Die Datei ist beschädigt oder unvollständig und lässt sich nicht als %(kind)s lesen.")
            % {"kind": EXTENSIONS[content_type].lstrip(".").upper().replace("JPG", "JPEG")},
            code="damaged",
        )
    return CheckedFile(
        name=name,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        extension=EXTENSIONS[content_type],
    )


class NameKeepingMultiPartParser(MultiPartParser):
    """Django's multipart parser, but it notes each upload's name as sent (`upload.sent_name`).

    Django quietly cuts "../../x.pdf" down to "x.pdf" and drops control characters; the seal
    refuses such a name instead (check_name), and stores every file under a random name anyway.
    """

    def __init__(self, meta, input_data, upload_handlers, encoding=None):
        self.sent_names: dict[str, list[str]] = {}
        super().__init__(meta, input_data, [_NameRecorder(self.sent_names), *upload_handlers], encoding)

    def sanitize_file_name(self, file_name):
        file_name = html.unescape(file_name)
        return file_name if file_name.strip() else None

    def parse(self):
        data, files = super().parse()
        for field, uploads in files.lists():
            for upload, sent in zip(uploads, self.sent_names.get(field, []), strict=False):
                upload.sent_name = sent
        return data, files


class _NameRecorder(FileUploadHandler):
    """Notes the name each file was sent with; passes the data on to the real handlers."""

    def __init__(self, names: dict[str, list[str]]):
        super().__init__()
        self.names = names

    def new_file(self, field_name, file_name, *args, **kwargs):
        # The handlers after this one build the file, whose name Django cuts to its last part.
        self.names.setdefault(field_name, []).append(file_name)

    def receive_data_chunk(self, raw_data, start):
        return raw_data

    def file_complete(self, file_size):
        return None


def parse_keeping_names(request: HttpRequest, meta, post_data):
    """`HttpRequest.parse_file_upload` with NameKeepingMultiPartParser (see keep_upload_names)."""
    request.upload_handlers = ImmutableList(request.upload_handlers, warning="Uploads are being read.")
    return NameKeepingMultiPartParser(meta, post_data, request.upload_handlers, request.encoding).parse()


def keep_upload_names(view):
    """A view decorator: the request's files keep their names as sent (for check_name to judge).

    The CSRF check reads the body, so it runs here, after the parser is in place."""
    protected = csrf_protect(view)

    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.content_type == "multipart/form-data":
            request.parse_file_upload = partial(parse_keeping_names, request)
        return protected(request, *args, **kwargs)

    return wrapper


class NameKeepingMultiPartApiParser(DrfMultiPartParser):
    """The API's multipart parser with the same rule."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        request = parser_context["request"]
        meta = request.META.copy()
        meta["CONTENT_TYPE"] = media_type
        encoding = parser_context.get("encoding", "utf-8")
        try:
            data, files = NameKeepingMultiPartParser(meta, stream, request.upload_handlers, encoding).parse()
        except MultiPartParserError as exc:
            raise ParseError(f"Multipart form parse error - {exc}") from exc
        return DataAndFiles(data, files)
