"""Subjects that modules above the plans judge with a plan's indicators (rules.md: "a cadre, a class …").

The plans know cadres and orgs themselves (``compliance.py``). A module that brings a new kind of subject
(the classes module: ``class``) registers here how to list its subjects' verdicts, so that the CLI
(``ganxun compliance --subject classes``) and every other surface that loops over the subjects reach it
without the plans importing that module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class SubjectSource:
    """``verdicts(user, plan, as_of, *, org_code=None, include_not_applicable=False)`` → list of ``Verdict``."""

    key: str        # the indicators' ``subject``: "class"
    option: str     # the CLI's ``--subject`` value: "classes"
    label: str
    verdicts: Callable


_sources: dict[str, SubjectSource] = {}


def register_subject(source: SubjectSource) -> SubjectSource:
    _sources[source.key] = source
    return source


def subject_source(key: str) -> SubjectSource | None:
    return _sources.get(key)


# Figures a module above the plans counts for the reports (rules.md: 调训率 and 参训率 from the call-ups):
# ``measure(cadres, total, start, end)`` → (numerator, denominator) for ``cadres`` (``total`` of them) in that
# period; ``note`` says what it counts ({year} is filled in) and ``per`` what the denominator counts (人, 人次).
@dataclass(frozen=True)
class FigureSource:
    code: str
    name: str
    note: str
    measure: Callable
    per: str = "人"


_figures: dict[str, FigureSource] = {}


def register_figure(source: FigureSource) -> FigureSource:
    _figures[source.code] = source
    return source


def figure_source(code: str) -> FigureSource | None:
    return _figures.get(code)
