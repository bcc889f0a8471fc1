"""`order` and `limit` (LANGUAGE.md §7, §8): ascending unless `desc`, NULLs last in both
directions, later keys break ties, `limit` after ordering. Rows whose order keys tie may come
in any order (cat, eve and gus in avg_bonus_desc); the reference refuses a tie at the limit."""

from decimal import Decimal as D
from typing import Any

from support.reference import Group, Source, avg, count, dim, max_, metric, sum_

SOURCES = [
    Source(
        "scores",
        "ol_scores",
        "score_id:int played:date player:string team:string points:int bonus:int",
        time="played",
    )
]

PLAYER = dim("player", "scores.player")
TEAM = dim("team", "scores.team")


@metric
def points(g: Group) -> Any:
    return sum_(g.rows("scores"), lambda r: r["scores.points"])


@metric
def games(g: Group) -> Any:
    return count(g.rows("scores"))


@metric
def best(g: Group) -> Any:
    return max_(g.rows("scores"), lambda r: r["scores.points"])


@metric
def avg_bonus(g: Group) -> Any:
    return avg(g.rows("scores"), lambda r: r["scores.bonus"])


QUERIES = {
    "top3": lambda ds: ds.query(metrics=[points, games, best], by=[PLAYER], order=["points desc", "player"], limit=3),
    "avg_bonus_desc": lambda ds: ds.query(metrics=[avg_bonus], by=[PLAYER], order=["avg_bonus desc"]),
    "avg_bonus_asc_limit": lambda ds: ds.query(
        metrics=[avg_bonus, points], by=[PLAYER], order=["avg_bonus", "points desc"], limit=5
    ),
    "team_desc": lambda ds: ds.query(metrics=[points, games], by=[TEAM], order=["team desc"]),
    "best_team": lambda ds: ds.query(metrics=[points], by=[TEAM], order=["points desc"], limit=1),
}

HAND_CHECKED = {
    "top3": (
        ["player", "points", "games", "best"],
        [("ann", 40, 2, 30), ("dan", 40, 1, 40), ("bob", 25, 1, 25)],
    ),
    "avg_bonus_desc": (
        ["player", "avg_bonus"],
        [("dan", D(4)), ("fay", D(3)), ("bob", D(2)), ("ann", D(1)), ("gus", None), ("cat", None), ("eve", None)],
    ),
    "avg_bonus_asc_limit": (
        ["player", "avg_bonus", "points"],
        [("ann", D(1), 40), ("bob", D(2), 25), ("fay", D(3), 12), ("dan", D(4), 40), ("eve", None, 15)],
    ),
    "team_desc": (
        ["team", "points", "games"],
        [("red", 55, 3), ("green", 1, 1), ("blue", 65, 2), (None, 17, 2)],
    ),
    "best_team": (["team", "points"], [("blue", 65)]),
}
