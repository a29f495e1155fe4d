"""What no route can do anything with, refused at the door before any route runs.

Testing the app as an attacker would found ids above 2**63
(``/api/v1/cases/99999999999999999999999``), absurd pages (``?page=400000000000000000``)
and NUL characters in text answering 500 "DataError" from the database and dropping the
connection. Here they are answered as what they are: an impossible id is a page that
does not exist (404, never a hint that something might), and an impossible value is a
422 that names the field.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from workflow.errors import HogatarError

#: The largest id the database holds (a signed 64-bit integer).
LARGEST_ID = 2**63 - 1
#: Pages of lists: far beyond any list the programme has, and far from overflowing the
#: database's offset arithmetic.
LARGEST_PAGE = 1_000_000
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
#: A body this many times the largest document is refused from its Content-Length, before
#: a byte of it is read: a file somewhat over the limit still reaches the upload form,
#: which says so beside its field, but nobody fills the disk with one request.
BODY_LIMIT_FACTOR = 4


class RequestTooLarge(HogatarError):
    def __init__(self, size: int, limit: int) -> None:
        super().__init__(
            f"the request is {size // 2**20} MB, more than the {limit // 2**20} MB a form "
            "or a file may send"
        )
        self.limit = limit


#: Pages whose own reader bounds the page number (``web.shared.listing``) and says what is
#: wrong beside the page field, keeping the filters: the edge leaves ``page`` to them.
PAGES_READING_THEIR_PAGE = frozenset({"/referrals", "/procurement"})


def _too_large(value: str, limit: int) -> bool:
    digits = value.strip().removeprefix("-").removeprefix("+")
    return digits.isdigit() and int(digits) > limit


def _error(location: tuple[str, ...], message: str) -> RequestValidationError:
    return RequestValidationError([{"loc": location, "msg": message, "type": "value_error"}])


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """Every text in a JSON document with where it is (``family.members.0.full_name``)."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(str(key), path)
            yield from _strings(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}.{index}" if path else str(index))


async def refuse_impossible_input(request: Request) -> None:
    """An app-wide dependency: runs before every route's own."""
    for value in request.path_params.values():
        if isinstance(value, int | str) and _too_large(str(value), LARGEST_ID):
            raise HTTPException(404, "no such page")
        if isinstance(value, str) and "\x00" in value:
            raise HTTPException(404, "no such page")
    for name, value in request.query_params.multi_items():
        if name == "page" and request.url.path in PAGES_READING_THEIR_PAGE and "\x00" not in value:
            continue
        limit = LARGEST_PAGE if name == "page" else LARGEST_ID
        if _too_large(value, limit):
            raise _error(("query", name), f"must be at most {limit}")
        if "\x00" in value or "\x00" in name:
            raise _error(("query", name), "holds a NUL character")
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(FORM_TYPES):
        form = await request.form()
        for name, value in form.multi_items():
            if isinstance(value, UploadFile):
                continue  # a file's bytes are the file's business
            if "\x00" in value or "\x00" in name:
                raise _error(("body", name), "holds a NUL character")
    elif content_type.startswith("application/json"):
        body = await request.body()
        if b"\\u0000" not in body and b"\x00" not in body:
            return
        try:
            document = json.loads(body)
        except ValueError:
            return  # the route's own parsing says what is wrong with it
        for where, text in _strings(document, ""):
            if "\x00" in text:
                raise _error(("body", where or "body"), "holds a NUL character")
