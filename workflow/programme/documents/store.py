"""Where documents' files live: outside the database, content-addressed.

An upload is first *staged*: streamed into a temporary file beside the store while its
bytes are counted (stopping at the limit) and hashed, and its first bytes checked
(``content``). Only a staged file that passed is put into the store, under the sha256 of
its content in nested folders (``ab/cd/abcdef...``), by a rename on the same file
system: a file is either wholly there or not at all, and two uploads of the same content
share one file. No path is ever shown to a reader: downloads go through an authorised
route by document id.

``DocumentStore`` is what the feature needs of a store; ``FileStore`` keeps the files
under the var directory (``HOGATAR_DOCUMENT_DIR``, default ``var/documents``). An
S3-compatible store would implement the same four methods; it is not built.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from config.settings import Settings
from workflow.programme.documents.content import HEAD_BYTES, FileType, refusal
from workflow.programme.shared.values import Collector

CHUNK = 1024 * 1024
SHA256 = re.compile(r"^[0-9a-f]{64}$")
#: The staging folder inside the store: same file system, so a put is a rename.
INCOMING = ".incoming"


def megabytes(size: int) -> str:
    value = size / (1024 * 1024)
    return f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"


@dataclass(frozen=True)
class StagedFile:
    """An upload that passed the size and content checks, waiting in a temporary file."""

    path: Path
    sha256: str
    size: int
    file_type: FileType
    #: The name it was uploaded under (shown, and given back on download).
    original_name: str

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


class DocumentStore(Protocol):
    """What the documents feature needs of a place that keeps files."""

    def stage(
        self, chunks: Iterable[bytes], *, original_name: str, max_bytes: int
    ) -> StagedFile: ...

    def put(self, staged: StagedFile) -> bool:
        """Move the staged file in; True if the content was not there before."""
        ...

    def open(self, sha256: str) -> BinaryIO: ...

    def exists(self, sha256: str) -> bool: ...

    def remove(self, sha256: str) -> bool: ...


class FileStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path_of(self, sha256: str) -> Path:
        if not SHA256.match(sha256):
            raise ValueError(f"not a sha256: {sha256!r}")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def _incoming(self) -> Path:
        folder = self.root / INCOMING
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def stage(self, chunks: Iterable[bytes], *, original_name: str, max_bytes: int) -> StagedFile:
        """Stream ``chunks`` into a temporary file, refusing (``Problems`` on ``file``) a
        file over ``max_bytes`` as soon as it passes it, and one that is not an accepted
        type by its content; nothing is left behind when it is refused."""
        path = self._incoming() / f"{secrets.token_hex(16)}.part"
        digest = hashlib.sha256()
        head = b""
        size = 0
        file_type: FileType | None = None
        problems = Collector()
        try:
            with path.open("xb") as out:
                for chunk in chunks:
                    size += len(chunk)
                    if size > max_bytes:
                        problems.add(
                            "file",
                            f"is larger than {megabytes(max_bytes)} MB, the largest file "
                            f"accepted ({max_bytes} bytes)",
                        )
                        break
                    if len(head) < HEAD_BYTES:
                        head += chunk[: HEAD_BYTES - len(head)]
                    digest.update(chunk)
                    out.write(chunk)
            if not problems.problems:
                file_type, why = refusal(head, original_name)
                if why is not None:
                    problems.add("file", why)
            problems.check()
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        assert file_type is not None
        return StagedFile(
            path=path,
            sha256=digest.hexdigest(),
            size=size,
            file_type=file_type,
            original_name=original_name,
        )

    def put(self, staged: StagedFile) -> bool:
        target = self.path_of(staged.sha256)
        if target.exists():
            staged.discard()
            return False
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged.path, target)
        return True

    def open(self, sha256: str) -> BinaryIO:
        return self.path_of(sha256).open("rb")

    def exists(self, sha256: str) -> bool:
        return self.path_of(sha256).exists()

    def remove(self, sha256: str) -> bool:
        target = self.path_of(sha256)
        try:
            target.unlink()
        except FileNotFoundError:
            return False
        return True

    def files(self) -> Iterator[Path]:
        """Every stored file (the tests count them; the staging folder is not counted)."""
        for path in self.root.glob("??/??/*"):
            if path.is_file() and SHA256.match(path.name):
                yield path


def document_dir(settings: Settings) -> Path:
    folder = settings.document_dir
    return folder if folder.is_absolute() else settings.resolved_var_dir / folder


def document_store(settings: Settings) -> FileStore:
    """The store the settings name (the file system: the only store built)."""
    return FileStore(document_dir(settings))


def read_chunks(source: BinaryIO, size: int = CHUNK) -> Iterator[bytes]:
    while chunk := source.read(size):
        yield chunk
