"""Who changed: the writes that move a cadre's verdicts tell those who keep verdicts (the plans' verdict store).

A service that writes what a verdict reads — the ledger (an entry, a correction, a reversal, an import, a class
completion) or the registry (a cadre moved to another unit, a new rank) — calls ``cadres_changed`` with the
cadres it touched, inside its own transaction. The listeners (registered by the apps above, ``on_cadres_changed``)
run in that transaction too, so what they mark commits or rolls back with the write.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

_listeners: list[Callable[[set[int], str], None]] = []


def on_cadres_changed(listener: Callable[[set[int], str], None]) -> Callable[[set[int], str], None]:
    """Register ``listener(cadre_ids, why)``; registering the same function twice keeps one."""
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def cadres_changed(cadre_ids: Iterable[int], why: str) -> None:
    ids = {i for i in cadre_ids if i is not None}
    if not ids:
        return
    for listener in _listeners:
        listener(ids, why)
