"""Helpers of the project tests: dates of the constructed example and score sheets."""

from __future__ import annotations

import datetime as dt

AFTER_DEADLINE = dt.date(2024, 5, 6)


def score_all(store, office, call: str, totals: dict[str, list[float]]) -> None:
    """Enter every reviewer's sheet: ``totals`` maps an application code to the totals its
    reviewers give, in assignment order; each total is split over the four criteria."""
    from innodrive.services import projects as P

    seen: dict[str, int] = {}
    for line in P.assignments(store, office, call):
        if line.state != "assigned":
            continue
        i = seen.get(line.application_code, 0)
        seen[line.application_code] = i + 1
        t = totals[line.application_code][i]
        P.submit_scores(store, office, line.assignment_id, split(t))


def split(total: float) -> dict[str, float]:
    """A total over the criteria tech 40 / team 25 / budget 15 / benefit 20, within each maximum."""
    tech = min(40.0, round(total * 0.4, 1))
    team = min(25.0, round(total * 0.25, 1))
    budget = min(15.0, round(total * 0.15, 1))
    return {"tech": tech, "team": team, "budget": budget, "benefit": round(total - tech - team - budget, 1)}
