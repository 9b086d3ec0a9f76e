"""Trees of records (areas in areas, bodies in networks): no record may be its
own ancestor."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django.utils.translation import gettext as _


def cycle_message(chain: list[str]) -> str:
    return _("the parents form a cycle: %(chain)s") % {"chain": " → ".join(chain)}


def find_cycle(start: str, parent_of: Callable[[str], str | None]) -> list[str] | None:
    """Follow parents from `start`; return the chain if it comes back round."""
    chain = [start]
    seen = {start}
    current = parent_of(start)
    while current is not None:
        chain.append(current)
        if current in seen:
            return chain
        seen.add(current)
        current = parent_of(current)
    return None


def cycles_in(parents: Mapping[str, str | None]) -> dict[str, list[str]]:
    """Every id of `parents` that lies on a cycle, with the cycle found."""
    state: dict[str, int] = {}  # 1: on the current walk, 2: known to end
    found: dict[str, list[str]] = {}
    for start in parents:
        if start in state:
            continue
        walk: list[str] = []
        node: str | None = start
        while node is not None and node in parents and node not in state:
            state[node] = 1
            walk.append(node)
            node = parents[node]
        if node is not None and state.get(node) == 1:
            loop = walk[walk.index(node):]
            for member in loop:
                found[member] = [*loop[loop.index(member):], *loop[:loop.index(member)], member]
        for member in walk:
            state[member] = 2
    return found


def check_parent(obj: object, field: str = "parent") -> None:
    """Raise a field error if saving `obj` with its parent would close a cycle.
    Walks up one query per level: trees here are a few levels deep."""
    from django.core.exceptions import ValidationError

    model = type(obj)
    own_id = obj.pk  # type: ignore[attr-defined]
    new_parent = getattr(obj, f"{field}_id")
    if new_parent is None:
        return

    def parent_of(node: str) -> str | None:
        if node == own_id:
            return new_parent
        return (
            model._default_manager.filter(pk=node)  # type: ignore[attr-defined]
            .values_list(f"{field}_id", flat=True).first()
        )

    cycle = find_cycle(own_id, parent_of)
    if cycle:
        raise ValidationError({field: cycle_message(cycle)})
