"""Who changed: the writes that move a cadre's verdicts tell those who keep verdicts (the plans' verdict store).

A service that writes what a verdict reads — the ledger (an entry, a correction, a reversal, an import, a class
completion) or the registry (a cadre moved to another unit, a new rank) — calls ``cadres_changed`` with the
cadres it touched, inside its own transaction. The listeners (registered by the apps above, ``on_cadres_changed``)
run in that transaction too, so what they mark commits or rolls back with the write.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date

Listener = Callable[[set[int], str, dict[int, date]], None]
_listeners: list[Listener] = []


def on_cadres_changed(listener: Listener) -> Listener:
    """Register ``listener(cadre_ids, why, since)``; registering the same function twice keeps one."""
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def cadres_changed(cadre_ids: Iterable[int], why: str, *, since: Mapping[int, date] | None = None) -> None:
    """``since``: per cadre, the earliest day the write touched (a ledger entry's dates), before which nothing it
    counts has moved. A cadre it does not name (a registry change names none) moved on every day."""
    ids = {i for i in cadre_ids if i is not None}
    if not ids:
        return
    bounded = {i: d for i, d in (since or {}).items() if i in ids and d is not None}
    for listener in _listeners:
        listener(ids, why, bounded)


def earliest_days(entries) -> dict[int, date]:
    """Per cadre of ``entries`` (ledger entries: ``cadre_id``, ``start_date``, ``end_date``), the earliest of their
    dates; a cadre with an entry that has neither date is left out (every day)."""
    found: dict[int, date] = {}
    undated: set[int] = set()
    for e in entries:
        days = [d for d in (e.start_date, e.end_date) if d is not None]
        if not days:
            undated.add(e.cadre_id)
        elif e.cadre_id not in found or min(days) < found[e.cadre_id]:
            found[e.cadre_id] = min(days)
    return {i: d for i, d in found.items() if i not in undated}
