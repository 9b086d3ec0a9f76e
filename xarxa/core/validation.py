"""Problems found in input, each tied to where it is (a JSON pointer, a field
or a row) and worded for the person who has to fix it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import orjson
from django.utils.translation import gettext as _


@dataclass(frozen=True, slots=True)
class Problem:
    path: str  # a JSON pointer ("/memberships/3/start_date") or a field name
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message

    def under(self, prefix: str) -> Problem:
        """The same problem seen from an enclosing document."""
        return Problem(f"{prefix}/{self.path}" if self.path else prefix, self.message)


class InputError(Exception):
    """Input refused as a whole; `problems` lists every reason found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def pointer_token(key: object) -> str:
    """Escape one JSON pointer token (RFC 6901)."""
    return str(key).replace("~", "~0").replace("/", "~1")


def read_json(source: Path | IO[bytes] | str | bytes) -> Any:
    """Parse JSON from a path, a binary stream or bytes. Anything that is not
    JSON — bad syntax, text that is not UTF-8, NaN or Infinity, which some
    encoders write — is an InputError saying where and why."""
    data: str | bytes
    if isinstance(source, Path):
        data = source.read_bytes()
    elif isinstance(source, str | bytes):
        data = source
    else:
        data = source.read()
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        pass  # orjson is fast but terse; the standard parser says where and why
    try:
        parsed = json.loads(data, parse_constant=_not_json)
    except json.JSONDecodeError as exc:
        raise InputError([Problem("", _(
            "invalid JSON at line %(line)d, column %(col)d: %(msg)s")
            % {"line": exc.lineno, "col": exc.colno, "msg": exc.msg})]) from None
    except UnicodeDecodeError as exc:
        raise InputError([Problem("", _("the file is not UTF-8 text (%(reason)s)")
                                  % {"reason": exc.reason})]) from None
    except ValueError as exc:
        raise InputError([Problem("", str(exc))]) from None
    # orjson refused what the standard parser reads: a lone surrogate escape
    # ("\ud800", half a character, not text), or numbers beyond 64 bits.
    try:
        json.dumps(parsed, ensure_ascii=False).encode()
    except UnicodeEncodeError:
        raise InputError([Problem("", _(
            "the file holds an escape such as \\ud800 that is half a character, not text"))]) from None
    raise InputError([Problem("", _("a number in the file is too large"))])


def _not_json(name: str) -> None:
    raise ValueError(_("%(name)s is not a number JSON allows") % {"name": name})
