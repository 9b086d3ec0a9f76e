"""Pages of long lists that never count a million rows."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.core.paginator import Paginator


class CappedPaginator(Paginator):
    """A paginator that counts at most `cap` rows: "more than 1,000
    organisations" says enough, and counting 100,000 to say it exactly costs
    a scan of the table on every search. Pages past the cap ask for a
    narrower search."""

    cap = 1000

    @cached_property
    def count(self) -> int:  # type: ignore[override]
        rows: Any = self.object_list
        # Without the order: counting needs no sorting of every match.
        counted = rows.order_by()[: self.cap + 1].count()
        self.capped = counted > self.cap
        return min(counted, self.cap)

    capped = False
