"""`calendar` and `target` blocks: checked into allocation specs, with exact diagnostics (LANGUAGE.md §9)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from support.paths import SPECS_DIR

from metricdsl.allocate.models import DateRange, DriverSpec, TreeEdge
from metricdsl.pipeline.load import LoadedProject, load

DRIVERS = """
metric reach = count_distinct(calls.customer_id)
metric conversion = buyers / reach
decompose buyers = reach * conversion
calendar cn { country: CN }
"""
GOOD = """
target t {
  metric: revenue
  period: 2027
  growth: 10x
  tree: buyers = reach * conversion, revenue = aov * buyers
  fixed: aov
  cap: conversion <= +50%
  weight: reach 2
  split: product by weights { "稳健理财A": 3, "白金卡": 1 }
  spread: month by workdays(cn)
  round: 1_000
}
"""


def project_with(tmp_path: Path, text: str) -> LoadedProject:
    for name in ("sources.metric", "dimensions.metric", "metrics.metric"):
        shutil.copy(SPECS_DIR / name, tmp_path / name)
    (tmp_path / "t.metric").write_text(DRIVERS + text, encoding="utf-8")
    return load(tmp_path)


def problems(tmp_path: Path, text: str) -> list[tuple[str, int, str, str | None]]:
    """(code, line in the target text, message, help) of every diagnostic of t.metric.

    Help lines built by `did_you_mean` (nearest names) are compared as None: their wording is
    the diagnostics module's, not this one's.
    """
    offset = DRIVERS.count("\n")
    return [(d.code, d.span.line - offset if d.span else 0, d.message, d.help)
            for d in project_with(tmp_path, text).diagnostics]


def target(body: str) -> str:
    return "target t {\n" + body + "\n}\n"


BASE = "metric: revenue\nperiod: 2027\ngrowth: 10x\n"


def test_a_target_becomes_a_target_spec(tmp_path: Path) -> None:
    loaded = project_with(tmp_path, GOOD)
    assert loaded.diagnostics == []
    assert loaded.model is not None
    spec = loaded.model.targets["t"]
    assert (spec.metric, spec.growth, spec.value, spec.round_unit) == ("revenue", 10.0, None, 1000.0)
    assert (spec.period_start, spec.period_end) == (date(2027, 1, 1), date(2027, 12, 31))
    assert (spec.baseline_start, spec.baseline_end) == (date(2026, 1, 1), date(2026, 12, 31))  # default: a year before
    assert spec.tree == [TreeEdge(parent="revenue", children=["aov", "buyers"]),
                         TreeEdge(parent="buyers", children=["reach", "conversion"])]
    assert spec.drivers == {"aov": DriverSpec(metric="aov", fixed=True),
                            "conversion": DriverSpec(metric="conversion", cap=1.5),
                            "reach": DriverSpec(metric="reach", weight=2.0)}
    assert (spec.split_dimension, spec.split_method) == ("product", "weights")
    assert spec.split_weights == {"稳健理财A": 3.0, "白金卡": 1.0}
    assert spec.spread_grains == ["month"] and spec.seasonality is False
    assert spec.spread_calendar is not None and spec.spread_calendar.name == "cn"


def test_the_example_project_has_its_target(tmp_path: Path) -> None:
    loaded = load(SPECS_DIR)
    assert loaded.diagnostics == []
    assert loaded.model is not None
    spec = loaded.model.targets["revenue_2027"]
    assert spec.growth == 10.0 and spec.spread_grains == ["month", "week"] and spec.seasonality
    calendar = loaded.model.calendars["cn"]
    assert calendar.country == "CN"
    assert DateRange(start=date(2027, 2, 8), end=date(2027, 2, 12)) in calendar.closed
    assert date(2027, 2, 20) in calendar.open


@pytest.mark.parametrize(("growth", "expected"), [("+20%", 1.2), ("-5%", 0.95), ("1.5x", 1.5)])
def test_growth_forms(tmp_path: Path, growth: str, expected: float) -> None:
    loaded = project_with(tmp_path, target(f"metric: revenue\nperiod: 2027\ngrowth: {growth}"))
    assert loaded.model is not None
    assert loaded.model.targets["t"].growth == pytest.approx(expected)


BAD_TARGETS = [
    ("period: 2027\ngrowth: 10x",
     [("E108", 1, "target `t` needs `metric:`", "add e.g. `metric: revenue`")]),
    ("metric: revenu\nperiod: 2027\ngrowth: 10x",
     [("E103", 2, "unknown metric `revenu`", None)]),
    ("metric: revenue\nperiod: 2027",
     [("E108", 1, "target `t` needs `value:` or `growth:`", "add e.g. `value: 50_000_000_000` or `growth: 10x`")]),
    ("metric: revenue\nperiod: 2027\nvalue: 5e9\ngrowth: 10x",
     [("E602", 5, "give either `value:` or `growth:`, not both", None)]),
    ("metric: revenue\nperiod: 2027\ngrowth: 20%",
     [("E109", 4, "`growth:` is a multiplier (10x) or a signed change (+20%, -5%)",
       "a change is signed: +20% is 1.2x, -5% is 0.95x")]),
    ("metric: revenue\nperiod: 2027-12-31 .. 2027-01-01\ngrowth: 10x",
     [("E109", 3, "`period:` is a year (2027) or a date range (2027-01-01 .. 2027-06-30)", None)]),
    (BASE + "tree: revenue = aov * order_count",
     [("E602", 5, "`revenue = aov * order_count` is not a declared multiplicative decomposition",
       ("add `decompose revenue = aov * order_count` (every equation of a tree must be declared); "
        "declared for it: aov * buyers"))]),
    (BASE + "tree: revenue = aov * buyers, reach = buyers * conversion",
     [("E602", 5, "`reach = buyers * conversion` is not a declared multiplicative decomposition",
       "add `decompose reach = buyers * conversion` (every equation of a tree must be declared)")]),
    (BASE + "tree: buyers = reach * conversion",
     [("E602", 5, "`buyers` is not in the tree of target `t`",
       "the tree starts at the target's metric `revenue`; each equation decomposes a metric already in it")]),
    (BASE + "tree: revenue = aov * buyers, buyers = reach * conversion\nfixed: buyers",
     [("E602", 6, "`fixed` names `buyers`, which the tree decomposes further",
       "`fixed` applies to the leaves of the tree: aov, reach, conversion")]),
    (BASE + "cap: aov <= 2x",
     [("E602", 5, "`cap` names `aov`, which is not a leaf of the tree",
       "the leaves are revenue; add a `tree:` to move drivers")]),
    (BASE + "tree: revenue = aov * buyers\ncap: aov < 2x",
     [("E109", 6, ("`cap:` is written `driver <= 1.5x` (a positive multiple of its baseline) "
      "or `driver <= 0.95` (a positive ceiling on its target value)"), None)]),
    (BASE + "split: prodcut by baseline",
     [("E104", 5, "unknown dimension `prodcut`", None)]),
    (BASE + "split: product by share",
     [("E109", 5, "unknown split `by share`", None)]),
    (BASE + "split: time.month by baseline",
     [("E602", 5, "a target is not split by time", "use `spread: month` (or `month, week`) to share it over time")]),
    (BASE + "spread: month by workdays(us)",
     [("E602", 5, "unknown calendar `us`", None)]),
    (BASE + "spread: week by workdays(cn)",
     [("E109", 5, "`spread: week` is not a spread; it is `month` or `month, week`",
       "write e.g. `spread: month by workdays(cn) * seasonality` or `spread: month, week by workdays(cn)`")]),
    (BASE + "spread: month",
     [("E108", 5, "`spread:` needs `by workdays(cal)`",
       "write e.g. `spread: month by workdays(cn) * seasonality` or `spread: month, week by workdays(cn)`")]),
    (BASE + "round: 0",
     [("E109", 5, "`round:` is a positive number, e.g. `round: 10_000`", None)]),
    (BASE + "owner: \"x\"\nsplitt: product by baseline",
     [("E107", 6, "unknown property `splitt` in a target", None)]),
    ("metric: buyers\nperiod: 2027\ngrowth: 2x\nsplit: product by baseline",
     [("E602", 5, "target `t` splits `buyers`, but `buyers` is not additive, so its parts would not sum to it",
       ("only sums and counts (and their filtered references) split and spread; count_distinct, avg, min, max and "
        "ratios double count or do not add up — target an additive metric and reach the others through `tree`"))]),
]


def without_suggestions(found: list[tuple[str, int, str, str | None]],
                        expected: list[tuple[str, int, str, str | None]]) -> list[tuple[str, int, str, str | None]]:
    return [(c, n, msg, None if want[3] is None else h) for (c, n, msg, h), want in zip(found, expected)] + \
        found[len(expected):]


@pytest.mark.parametrize(("body", "expected"), BAD_TARGETS)
def test_bad_targets_get_exact_diagnostics(tmp_path: Path, body: str,
                                           expected: list[tuple[str, int, str, str | None]]) -> None:
    assert without_suggestions(problems(tmp_path, target(body)), expected) == expected


BAD_CALENDARS = [
    ("country: XX", [("E601", 2, "unknown country `XX`: the holidays package has no such country", None)]),
    ("country: CN, US", [("E109", 2, "`country:` takes one country code, e.g. `country: CN`", None)]),
    ("closed: 2027-02-17 .. 2027-02-15",
     [("E601", 2, "the range 2027-02-17 .. 2027-02-15 ends before it starts", None)]),
    ("closed: 2027-02-15 .. 2027-02-17\nopen: 2027-02-16",
     [("E601", 3, "2027-02-16 is both closed and open", "remove it from `closed:` or from `open:`")]),
    ("open: monday", [("E109", 2, "`open:` takes dates, e.g. `open: 2027-02-20, 2027-10-09`", None)]),
    ("holidays: CN", [("E107", 2, "unknown property `holidays` in a calendar", None)]),
]


@pytest.mark.parametrize(("body", "expected"), BAD_CALENDARS)
def test_bad_calendars_get_exact_diagnostics(tmp_path: Path, body: str,
                                             expected: list[tuple[str, int, str, str | None]]) -> None:
    got = problems(tmp_path, "calendar bad {\n" + body + "\n}\n")
    assert without_suggestions(got, expected) == expected


def test_an_invalid_calendar_does_not_cascade_into_its_targets(tmp_path: Path) -> None:
    text = "calendar bad { country: XX }\n" + target(BASE + "spread: month by workdays(bad)")
    assert [code for code, *_ in problems(tmp_path, text)] == ["E601"]
