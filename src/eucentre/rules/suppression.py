"""Small-cell suppression of published statistics, with complementary suppression.

A published count below the threshold (``min_cell``, default 10) could single out a provider's
user, a victim or a small service, so it is **suppressed**: not shown, flagged instead. Zero is
shown (it singles out nobody); so is a count at or above the threshold.

Suppressing one cell is not enough when a total is published: total minus the other cells gives
it back. So, within every **table** (a total and the cells that add up to it):

1. *primary*: every cell (and the total) with ``0 < value < min_cell`` is suppressed;
2. *complementary*: while the table's unknowns could be worked out -- exactly one unknown
   among the cells and the total, or the total known and the suppressed cells adding up to less
   than ``min_cell`` (their sum would be known and small) -- the smallest shown non-zero cell is
   suppressed too; if no cell is left to hide, the total is;
3. *linked values*: the same quantity published in two places (the manifestly unfounded reports
   as a figure and as an outcome of the reports received) is suppressed in both if in either;
   the rule then runs again until nothing changes.

The result is the set of suppressed keys; each table then hides whatever they name. Pure: no
database, no framework.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

Key = Hashable


@dataclass(frozen=True)
class Table:
    """Cells that add up to a total."""

    total: Key
    cells: Sequence[Key]


def suppress(
    values: Mapping[Key, float],
    *,
    tables: Iterable[Table],
    min_cell: int,
    sensitive: Iterable[Key] | None = None,
    linked: Iterable[Iterable[Key]] = (),
) -> frozenset[Key]:
    """The keys to suppress. ``sensitive`` limits which values may ever be suppressed
    (default: all); ``linked`` are groups of keys that are the same quantity."""
    tables = list(tables)
    allowed = set(values) if sensitive is None else set(sensitive)
    groups = [frozenset(group) for group in linked]
    if min_cell <= 1:
        return frozenset()
    hidden = {k for k in allowed if k in values and 0 < values[k] < min_cell}
    changed = True
    while changed:
        changed = False
        for group in groups:
            if group & hidden and not group <= hidden:
                hidden |= group & allowed
                changed = True
        for table in tables:
            if _complete(table, values, hidden, allowed, min_cell):
                changed = True
    return frozenset(hidden)


def _complete(
    table: Table,
    values: Mapping[Key, float],
    hidden: set[Key],
    allowed: set[Key],
    min_cell: int,
) -> bool:
    """Hide more of one table until its hidden values cannot be worked out; whether it did."""
    changed = False
    while _recoverable(table, values, hidden, min_cell):
        candidates = [
            k for k in table.cells if k not in hidden and k in allowed and values.get(k, 0) > 0
        ]
        if candidates:
            hidden.add(min(candidates, key=lambda k: (values[k], str(k))))
        elif table.total not in hidden and table.total in allowed:
            hidden.add(table.total)
        else:
            break  # nothing left that may be hidden
        changed = True
    return changed


def _recoverable(
    table: Table, values: Mapping[Key, float], hidden: set[Key], min_cell: int
) -> bool:
    hidden_cells = [k for k in table.cells if k in hidden]
    total_hidden = table.total in hidden
    unknowns = len(hidden_cells) + (1 if total_hidden else 0)
    if unknowns == 1:
        return True
    if not total_hidden and hidden_cells:
        return sum(values.get(k, 0) for k in hidden_cells) < min_cell
    return False
