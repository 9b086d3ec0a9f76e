"""Problems found in input, each tied to where it is (a JSON pointer, a field
or a row) and worded for the person who has to fix it."""

from __future__ import annotations

from dataclasses import dataclass


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
