"""What a file is, by its first bytes rather than its name: the accepted types (PDF,
JPEG, PNG, HEIC, WebP) and, to say clearly why a file is refused, a few common others
(a Windows program, an archive, a Word document...). A name can say anything; the
content decides, and a name whose extension says another accepted type than the content
is refused too (a PNG called ``consent.pdf`` is not the scanned PDF it claims to be)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

#: How many bytes of the start of a file the checks read.
HEAD_BYTES = 32


@dataclass(frozen=True)
class FileType:
    code: str
    content_type: str
    #: What a person calls it (in messages).
    name: str
    extensions: tuple[str, ...]


PDF = FileType("pdf", "application/pdf", "PDF", (".pdf",))
JPEG = FileType("jpeg", "image/jpeg", "JPEG image", (".jpg", ".jpeg"))
PNG = FileType("png", "image/png", "PNG image", (".png",))
HEIC = FileType("heic", "image/heic", "HEIC image", (".heic", ".heif"))
WEBP = FileType("webp", "image/webp", "WebP image", (".webp",))
ACCEPTED = (PDF, JPEG, PNG, HEIC, WEBP)
ACCEPTED_NAMES = "PDF, JPEG, PNG, HEIC, WebP"
#: The HEIF brands of still images (ISO/IEC 23008-12): what phones' cameras write.
HEIF_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"})

#: Refused types that are worth naming (prefix -> what it is).
KNOWN_OTHERS: tuple[tuple[bytes, str], ...] = (
    (b"MZ", "a Windows program (.exe)"),
    (b"\x7fELF", "a Linux program"),
    (b"\xca\xfe\xba\xbe", "a macOS or Java program"),
    (b"\xcf\xfa\xed\xfe", "a macOS program"),
    (b"#!", "a script"),
    (b"PK\x03\x04", "a ZIP archive (or a Word, Excel or OpenDocument file)"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Word or Excel file"),
    (b"{\\rtf", "an RTF document"),
    (b"GIF8", "a GIF image"),
    (b"BM", "a BMP image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
)


def detect(head: bytes) -> FileType | None:
    """The accepted type the file's first bytes show, or None."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if len(head) >= 12 and head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS:
        return HEIC
    return None


def what_it_is(head: bytes) -> str | None:
    """What a refused file is, when it is something common enough to name."""
    if not head:
        return "an empty file"
    for prefix, name in KNOWN_OTHERS:
        if head.startswith(prefix):
            return name
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<?xml", b"<svg")):
        return "a web page or XML file"
    return None


def named_type(file_name: str) -> FileType | None:
    """The accepted type the name's extension says, if it says one."""
    extension = PurePath(file_name).suffix.lower()
    return next((kind for kind in ACCEPTED if extension in kind.extensions), None)


def refusal(head: bytes, file_name: str) -> tuple[FileType | None, str | None]:
    """(the file's accepted type, None) or (None, why it is refused)."""
    found = detect(head)
    if found is None:
        other = what_it_is(head)
        if other is not None:
            return None, f"the file is {other}, not one of the accepted types ({ACCEPTED_NAMES})"
        return None, f"the file is not one of the accepted types ({ACCEPTED_NAMES})"
    said = named_type(file_name)
    if said is not None and said != found:
        return None, f"the file is a {found.name} but its name says {said.name}"
    return found, None
