"""Time intelligence (LANGUAGE.md §5): lag, growth (同比 / 环比), to-date and rolling metrics.

Every case compiles an ad-hoc query with ``compile_sql``, runs it on DuckDB and PostgreSQL and
compares every row and value with ``ti_reference`` computed in plain Python from the same CSV
rows (dates exactly, numbers to 1e-9 relative, NULL only equals NULL).  The projects are
``tests/ti/<case>/`` (``spec.metric``, ``data/*.csv`` and ``expected.py``, which restates the
metrics in Python).  The cases cover every grain {day, week, month, quarter, year} × {lag,
growth, to-date, rolling} (``test_every_grain_and_kind_is_covered``), with periods that start
after the data does so that earlier rows must be read, a second dimension, a query ``where``,
non-additive metrics, nested time functions and queries without a period.  The errors E405,
E406 and E407 are checked with their exact codes.
"""

from __future__ import annotations

import copy
import datetime as dt
import importlib.util
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from support.paths import TESTS_DIR
from support.reference import (
    TIME,
    TIME_DAY,
    TIME_MONTH,
    TIME_QUARTER,
    TIME_WEEK,
    TIME_YEAR,
    Dataset,
    Result,
    period,
    year,
)
from support.ti_reference import GRAINS, add_units, mismatches, ti_query, value_at, window_bounds

TI_DIR = TESTS_DIR / "ti"
TIME_DIMS = {"day": TIME_DAY, "week": TIME_WEEK, "month": TIME_MONTH, "quarter": TIME_QUARTER, "year": TIME_YEAR}
KINDS = ("lag", "growth", "to-date", "rolling")
D = Decimal
d = dt.date


@cache
def expected_module(project: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"ti_{project}", TI_DIR / project / "expected.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@cache
def dataset(project: str) -> Dataset:
    return Dataset(expected_module(project).SOURCES, TI_DIR / project / "data")


def parse_period(text: str | None) -> tuple[dt.date, dt.date] | None:
    if text is None:
        return None
    if re.fullmatch(r"\d{4}", text):
        return year(int(text))
    start, end = (part.strip() for part in text.split(".."))
    return period(start, end)


@dataclass(frozen=True)
class Case:
    label: str
    grain: str
    kind: str  # lag growth to-date rolling (what the case is about; it may show others too)
    metrics: tuple[str, ...]
    period: str | None
    others: tuple[str, ...] = ()  # further `by` dimensions, after the time dimension
    where: str | None = None
    project: str = "shop"

    @property
    def id(self) -> str:
        return f"{self.project}/{self.grain}/{self.kind}/{self.label}"

    @property
    def by(self) -> list[str]:
        return [f"time.{self.grain}", *self.others]


def case(label: str, grain: str, kind: str, metrics: str, period_: str | None, **more: Any) -> Case:
    return Case(label, grain, kind, tuple(m.strip() for m in metrics.split(",")), period_, **more)


# fmt: off
CASES = [
    # ---- day ------------------------------------------------------------------------------------
    # 1 month back clamps: 28 Feb 2026 gets 28–31 Jan, 29–31 Mar 2026 get 0; 28 Feb 2026 is
    # two years after 28 and 29 Feb 2024.
    case("feb-mar-2026", "day", "lag",
         "revenue, revenue_prev, revenue_ly, revenue_lm, revenue_lw, revenue_l3d, revenue_ly2, buyers_ly, aov_ly,"
         "phone_revenue_ly, revenue_ly_phone", "2026-02-20 .. 2026-03-31"),
    # 28 Feb 2025 is one year after 28 and 29 Feb 2024.
    case("leap-2025", "day", "lag", "revenue, revenue_ly, order_count_ly, revenue_l14d, revenue_lm",
         "2025-02-20 .. 2025-03-05"),
    case("feb-mar-2026", "day", "growth",
         "revenue, revenue_pop, revenue_yoy, revenue_mom, revenue_wow, buyers_yoy, aov_yoy, aov_pop",
         "2026-02-20 .. 2026-03-31"),
    case("leap-2025", "day", "growth", "revenue_yoy, revenue_mom, aov_yoy", "2025-02-20 .. 2025-03-05"),
    # The quarter and month restart on 1 April, the week on Monday 30 March; YTD reads Jan–Feb.
    case("quarter-start", "day", "to-date",
         "revenue, revenue_ytd, revenue_qtd, revenue_mtd, revenue_wtd, buyers_ytd, buyers_mtd, buyers_wtd, aov_ytd,"
         "aov_mtd, phone_ytd", "2026-03-25 .. 2026-04-05"),
    # The year restarts on 1 January 2026; the ISO week of 29 Dec 2025 … 4 Jan 2026 does not.
    case("year-end", "day", "to-date", "revenue, revenue_ytd, revenue_wtd, buyers_ytd, buyers_wtd",
         "2025-12-26 .. 2026-01-06"),
    case("january", "day", "rolling", "revenue, revenue_7d, revenue_2w, revenue_14d, buyers_7d, buyers_2w, aov_7d",
         "2026-01-01 .. 2026-01-20"),
    case("leap-2024", "day", "rolling", "revenue_7d, buyers_7d, aov_7d, revenue_2w", "2024-02-25 .. 2024-03-05"),
    # Last year's year-to-date, both ways round, around 29 Feb 2024 → 28 Feb 2025.
    case("ytd-last-year", "day", "to-date", "revenue_ytd, revenue_ytd_ly, revenue_ly_ytd, ytd_yoy",
         "2025-02-25 .. 2025-03-05"),
    case("by-channel", "day", "lag", "revenue, revenue_lm, revenue_7d, revenue_mom", "2026-02-20 .. 2026-03-05",
         others=("channel",)),
    # An offset around a to-date window moves the window (lag of a cumulative): 1 Jan 2026's
    # previous day's YTD is all of 2025; 29 Feb 2024 and month ends under a 1-month offset.
    case("lag-of-ytd", "day", "lag", "revenue_ytd_prev, revenue_mtd_lm, revenue_qtd_lm, revenue_ytd_lw, ytd_pop",
         "2025-12-28 .. 2026-01-08"),
    case("lag-of-mtd-leap", "day", "lag", "revenue_mtd, revenue_mtd_lm, revenue_qtd_lm, revenue_ytd",
         "2024-02-26 .. 2024-04-02"),
    # Windows over pre-aggregated days: across the year end, leap day, empty days, and keys in
    # several days of one window; 28 days, a calendar month (28 to 31 days), min/avg/max.
    case("rolling-year-end", "day", "rolling",
         "revenue, buyers, revenue_28d, revenue_1m, buyers_28d, buyers_1m, min_amount_7d, net_ytd, item_count_qtd",
         "2025-12-20 .. 2026-01-12"),
    case("rolling-leap", "day", "rolling", "revenue_28d, revenue_1m, buyers_1m, min_amount_7d, avg_amount_ytd",
         "2024-02-20 .. 2024-03-31"),
    case("empty-april", "day", "to-date", "revenue, revenue_ytd, buyers_ytd, min_amount_ytd, avg_amount_ytd, net_ytd",
         "2025-03-28 .. 2025-05-03"),
    case("no-period", "day", "rolling", "revenue_28d, buyers_1m, revenue_ytd_prev", None),
    # ---- week -----------------------------------------------------------------------------------
    case("year-end", "week", "lag",
         "revenue, revenue_prev, revenue_lw, revenue_l2w, revenue_l14d, revenue_l52w, buyers_prev",
         "2025-12-01 .. 2026-02-01"),
    case("year-end", "week", "growth", "revenue, revenue_pop, revenue_wow, aov_pop", "2025-12-01 .. 2026-02-01"),
    # The period starts on a Thursday: the first week counts 1–4 Jan, its lag 25–28 Dec.
    case("2026", "week", "growth", "revenue, revenue_prev, revenue_pop, revenue_wow", "2026"),
    case("year-end", "week", "to-date", "revenue, revenue_wtd, buyers_wtd", "2025-12-01 .. 2026-02-01"),
    # Windows ignore the period: the week-to-date of 29 Dec 2025 … 4 Jan 2026 counts 29–31 Dec.
    case("2026", "week", "to-date", "revenue, revenue_wtd, buyers_wtd", "2026"),
    case("year-end", "week", "rolling", "revenue, revenue_2w, revenue_14d, buyers_2w", "2025-12-01 .. 2026-02-01"),
    case("w53", "week", "lag", "total, total_prev, total_lw, total_l2w, users_prev", "2020-11-30 .. 2021-01-31",
         project="iso_weeks"),
    case("w53-52w", "week", "lag", "total, total_l52w", "2020-12-28 .. 2021-01-17", project="iso_weeks"),
    case("w53", "week", "growth", "total, total_pop, total_wow, per_user_pop", "2020-11-30 .. 2021-01-31",
         project="iso_weeks"),
    case("w53", "week", "to-date", "total, total_wtd, users_wtd", "2020-11-30 .. 2021-01-31", project="iso_weeks"),
    case("w53", "week", "rolling", "total, total_2w, total_14d, users_2w, per_user_2w", "2020-11-30 .. 2021-01-31",
         project="iso_weeks"),
    case("iso-year-end", "week", "rolling", "revenue, revenue_ytd, avg_amount_2w, net_2w, buyers_ytd, revenue_ytd_prev",
         "2025-11-24 .. 2026-01-25"),
    case("2026-w53", "week", "rolling", "total, total_prev, total_pop, total_wtd, total_2w, users_2w",
         "2026-12-07 .. 2027-01-31", project="iso_weeks"),
    case("w53", "day", "lag", "total, total_lw, total_wow, total_wtd, users_wtd, total_7d, total_mtd",
         "2020-12-24 .. 2021-01-12", project="iso_weeks"),
    # 29 Feb 2020 is counted on 28 Feb 2021.
    case("leap-2021", "day", "growth", "total, total_ly, total_yoy", "2021-02-25 .. 2021-03-02", project="iso_weeks"),
    # ---- month ----------------------------------------------------------------------------------
    case("2026", "month", "lag",
         "revenue, revenue_prev, revenue_ly, revenue_lm, revenue_lq, revenue_l3m, buyers_ly, buyers_prev,"
         "order_count_ly, aov_ly, phone_revenue_ly, revenue_ly_phone, revenue_ly2", "2026"),
    # April 2025 has no order: it still appears, with 0; May's previous month is that 0.
    case("mid-2025", "month", "lag", "revenue, revenue_prev, revenue_ly, buyers_ly, aov_ly",
         "2025-04-01 .. 2025-09-30"),
    case("2026", "month", "growth",
         "revenue, revenue_pop, revenue_yoy, revenue_mom, buyers_yoy, aov_yoy, aov_pop, phone_yoy", "2026"),
    case("mid-2025", "month", "growth", "revenue_pop, revenue_yoy, aov_pop, aov_yoy", "2025-04-01 .. 2025-09-30"),
    # YTD in March reads January and February.
    case("march", "month", "to-date",
         "revenue, revenue_ytd, revenue_qtd, revenue_mtd, buyers_ytd, buyers_qtd, buyers_mtd, aov_ytd, phone_ytd",
         "2026-03-01 .. 2026-03-31"),
    case("2025", "month", "to-date", "revenue, revenue_ytd, revenue_qtd, buyers, buyers_ytd, buyers_qtd, aov_ytd",
         "2025"),
    case("h1-2026", "month", "rolling", "revenue, buyers, revenue_3m, revenue_2q, buyers_3m, buyers_2q, aov_3m, aov_2q",
         "2026-01-01 .. 2026-06-30"),
    case("summer-2025", "month", "rolling", "revenue_3m, buyers_3m, aov_3m", "2025-05-01 .. 2025-07-31"),
    case("ytd-last-year", "month", "to-date", "revenue_ytd, revenue_ytd_ly, revenue_ly_ytd, ytd_yoy", "2026"),
    # Each product against its own last year: 新品 has none (NULL growth), 旧款 none this year (-1).
    case("by-product", "month", "lag", "revenue, revenue_ly, buyers_ly, aov_ly", "2026", others=("product",)),
    case("by-product", "month", "growth", "revenue_yoy, aov_yoy, revenue_pop", "2026", others=("product",)),
    case("by-product", "month", "to-date", "revenue, revenue_ytd, buyers_ytd, aov_ytd", "2026", others=("product",)),
    case("by-product", "month", "rolling", "revenue_3m, buyers_3m", "2026-01-01 .. 2026-06-30",
         others=("product",)),
    # Window functions over a gap-free grid per product (NULL product included), every partial kind.
    case("by-product", "day", "rolling", "revenue, revenue_7d, avg_amount_7d, min_amount_7d, net_2w, revenue_1m",
         "2026-02-20 .. 2026-03-20", others=("product",)),
    case("by-product", "day", "to-date", "revenue_mtd, revenue_wtd, avg_amount_ytd, max_amount_ytd",
         "2025-12-20 .. 2026-01-15", others=("product",)),
    case("by-product", "week", "rolling", "revenue_2w, avg_amount_2w, net_2w", "2025-12-01 .. 2026-02-01",
         others=("product",)),
    case("phone", "month", "growth", "revenue, revenue_ly, revenue_yoy, revenue_ytd, revenue_3m", "2026",
         where="channel = 'phone'"),
    case("no-period", "month", "growth", "revenue, revenue_ly, revenue_yoy, revenue_3m, revenue_ytd", None),
    # count_distinct … having, avg and max (NULL, not 0, over no rows) inside the time functions.
    case("non-additive", "month", "lag",
         "repeat_buyers, repeat_buyers_ly, avg_amount, avg_amount_ly, max_amount_prev, avg_amount_yoy", "2026"),
    case("non-additive", "month", "to-date", "repeat_buyers_ytd, max_amount_ytd, avg_amount",
         "2025-04-01 .. 2025-09-30"),
    case("non-additive", "month", "rolling", "repeat_buyers_3m, avg_amount", "2026-01-01 .. 2026-06-30"),
    case("non-additive", "day", "rolling", "avg_amount, avg_amount_7d", "2026-01-01 .. 2026-01-20"),
    # A ratio across two sources (orders and visits, which has no visit in July 2025).
    case("two-sources", "month", "growth", "conversion, conversion_yoy, visit_count_ly", "2026"),
    case("two-sources", "month", "to-date", "conversion, conversion_ytd, visitors_qtd", "2025-04-01 .. 2025-09-30"),
    case("two-sources", "month", "rolling", "revenue, visit_count, conversion_3m", "2025-06-01 .. 2025-12-31"),
    case("two-sources", "week", "rolling", "visit_count, visitors_2w", "2025-12-01 .. 2026-02-01"),
    case("two-sources-no-period", "month", "rolling", "revenue, visit_count, visit_count_ly, conversion_3m", None),
    # Last year's 环比: an offset of 1 period inside an offset of 1 year.
    case("last-year-pop", "month", "growth", "revenue_ly, ly_pop", "2026-01-01 .. 2026-06-30"),
    # January's previous-month year to date is all of last year (LANGUAGE.md §5, lag of a window).
    case("lag-of-ytd", "month", "lag",
         "revenue, revenue_ytd, revenue_ytd_prev, ytd_pop, buyers_ytd_prev, revenue_qtd_lm, revenue_3m_ly",
         "2026-01-01 .. 2026-06-30"),
    case("lag-of-ytd-by-product", "month", "growth", "revenue_ytd_prev, ytd_pop, buyers_ytd_prev",
         "2025-11-01 .. 2026-03-31", others=("product",)),
    case("partials", "month", "to-date",
         "avg_amount_ytd, min_amount_ytd, max_amount_ytd, net_ytd, item_count_qtd, max_amount_3m, buyers_1m",
         "2025-01-01 .. 2026-02-28", others=("channel",)),
    case("lag-of-ytd", "quarter", "growth", "revenue_ytd, revenue_ytd_prev, ytd_pop, buyers_ytd_prev",
         "2025-07-01 .. 2026-06-30"),
    # ---- quarter --------------------------------------------------------------------------------
    case("2026", "quarter", "lag", "revenue, revenue_prev, revenue_ly, revenue_lq, revenue_l3m, buyers_ly, aov_ly",
         "2026"),
    case("mid", "quarter", "lag", "revenue, revenue_prev, revenue_ly, buyers_prev", "2025-07-01 .. 2026-06-30"),
    case("mid", "quarter", "growth", "revenue_pop, revenue_yoy, revenue_qoq, aov_yoy, buyers_yoy",
         "2025-07-01 .. 2026-06-30"),
    case("mid", "quarter", "to-date", "revenue, revenue_ytd, revenue_qtd, buyers_ytd, aov_ytd",
         "2025-07-01 .. 2026-06-30"),
    case("mid", "quarter", "rolling", "revenue_2q, buyers_2q, aov_2q, revenue_2y", "2025-07-01 .. 2026-06-30"),
    case("by-product", "quarter", "growth", "revenue, revenue_yoy, revenue_ytd", "2026", others=("product",)),
    # ---- year -----------------------------------------------------------------------------------
    case("2025-2026", "year", "lag", "revenue, revenue_prev, revenue_ly, revenue_ly2, buyers_ly, aov_ly",
         "2025-01-01 .. 2026-12-31"),
    case("2025-2026", "year", "growth", "revenue_pop, revenue_yoy, aov_yoy, buyers_yoy", "2025-01-01 .. 2026-12-31"),
    case("2025-2026", "year", "to-date", "revenue, revenue_ytd, buyers_ytd, aov_ytd", "2025-01-01 .. 2026-12-31"),
    case("2025-2026", "year", "rolling", "revenue_2y, buyers_2y", "2025-01-01 .. 2026-12-31"),
    # Without a period the buckets run from the first to the last year with (unshifted) data.
    case("no-period", "year", "lag", "revenue, revenue_ly, revenue_yoy", None),
    case("no-period-lag-only", "year", "lag", "revenue_ly", None),
    case("no-period-ytd-ly", "year", "to-date", "revenue, revenue_ytd_ly", None),
]
# fmt: on


@cache
def reference_result(c: Case) -> Result:
    module = expected_module(c.project)
    return ti_query(
        dataset(c.project),
        metrics=[module.METRICS[name] for name in c.metrics],
        by=[TIME_DIMS[c.grain], *(module.DIMS[o] for o in c.others)],
        where=module.WHERE[c.where] if c.where else None,
        period=parse_period(c.period),
    )


def compile_case(c: Case, project: Any, dialect: str) -> str:
    from metricdsl.api import compile_sql

    return compile_sql(project, metrics=list(c.metrics), by=c.by, where=c.where, period=c.period, dialect=dialect)


@pytest.mark.parametrize("c", CASES, ids=lambda c: c.id)
def test_time_intelligence_matches_reference(c: Case, engine: Any, dialect: str, load: Callable[[Path], Any]) -> None:
    project = load(TI_DIR / c.project)
    sql = compile_case(c, project, dialect)
    expected = reference_result(c)
    try:
        result = engine.execute(sql)
    except Exception as exc:
        pytest.fail(f"{c.id} on {dialect}: the engine rejected the SQL: {exc!r}\n\n{sql}", pytrace=False)
        raise
    diff = mismatches(result.columns, result.rows, expected)
    if diff:
        pytest.fail(f"{c.id} on {dialect}: differs from the reference\n{diff}\n\n--- SQL ---\n{sql}", pytrace=False)


# --------------------------------------------------------------------------------------------
# The cases themselves (no compiler needed)


def test_every_grain_and_kind_is_covered() -> None:
    covered = {(c.grain, c.kind) for c in CASES}
    assert covered >= {(g, k) for g in GRAINS for k in KINDS}, sorted({(g, k) for g in GRAINS for k in KINDS} - covered)


@pytest.mark.parametrize("project", sorted(p.name for p in TI_DIR.iterdir() if (p / "expected.py").exists()))
def test_every_metric_is_restated(project: str) -> None:
    text = re.sub(r"#[^\n]*", "", (TI_DIR / project / "spec.metric").read_text(encoding="utf-8"))
    declared = set(re.findall(r"(?m)^\s*metric\s+(\w+)", text))
    timeless = {"budget", "budget_ly"}  # only used by the error cases
    assert declared - timeless == set(expected_module(project).METRICS)


@pytest.mark.parametrize("c", CASES, ids=lambda c: c.id)
def test_case_is_not_trivial(c: Case) -> None:
    """Every metric column has a value other than 0 / NULL, and lags differ from the current value."""
    result = reference_result(c)
    assert result.rows, c.id
    for column in result.columns[result.n_dims :]:
        values = [r[result.columns.index(column)] for r in result.rows]
        assert any(v not in (None, 0) for v in values), f"{c.id}: {column} is all 0 / NULL"
    if "revenue" in c.metrics:
        current = result.columns.index("revenue")
        same_window = {"week": "revenue_wtd", "month": "revenue_mtd", "quarter": "revenue_qtd", "year": "revenue_ytd"}
        for column in (m for m in c.metrics if m.startswith("revenue_") and m != same_window.get(c.grain)):
            other = result.columns.index(column)
            assert any(r[current] != r[other] for r in result.rows), f"{c.id}: {column} equals revenue"


def reference_without_earlier_rows(c: Case) -> Result:
    """The case's reference over the rows on or after the period's first day only."""
    bounds = parse_period(c.period)
    assert bounds is not None
    full = dataset(c.project)
    cut = copy.copy(full)
    cut._wide = {s: [r for r in full.wide_rows(s) if r[TIME] is None or r[TIME] >= bounds[0]] for s in full.sources}
    module = expected_module(c.project)
    return ti_query(
        cut,
        metrics=[module.METRICS[name] for name in c.metrics],
        by=[TIME_DIMS[c.grain], *(module.DIMS[o] for o in c.others)],
        where=module.WHERE[c.where] if c.where else None,
        period=bounds,
    )


def test_periods_start_after_the_data() -> None:
    """For every grain and kind some case gives other numbers when the rows before its period are
    dropped: the compiled SQL must read outside the period.  (The year to date of a year reads
    only that year.)"""
    needs = {
        (c.grain, c.kind)
        for c in CASES
        if c.period
        and mismatches(reference_result(c).columns, reference_result(c).rows, reference_without_earlier_rows(c))
    }
    wanted = {(g, k) for g in GRAINS for k in KINDS} - {("year", "to-date")}
    assert needs >= wanted, sorted(wanted - needs)


# --------------------------------------------------------------------------------------------
# The reference, checked against values worked out by hand from data/ti_orders.csv


def test_calendar_arithmetic() -> None:
    assert add_units(d(2026, 1, 31), 1, "month") == d(2026, 2, 28)
    assert add_units(d(2024, 1, 31), 1, "month") == d(2024, 2, 29)
    assert add_units(d(2024, 2, 29), 1, "year") == d(2025, 2, 28)
    assert add_units(d(2025, 11, 30), 1, "quarter") == d(2026, 2, 28)
    assert add_units(d(2025, 12, 29), 1, "week") == d(2026, 1, 5)
    assert window_bounds(d(2026, 3, 1), "month", "year", None) == (d(2026, 1, 1), d(2026, 4, 1))
    assert window_bounds(d(2026, 4, 1), "month", "quarter", 2) == (d(2025, 11, 1), d(2026, 5, 1))
    assert window_bounds(d(2026, 1, 1), "day", "day", 7) == (d(2025, 12, 26), d(2026, 1, 2))
    assert window_bounds(d(2025, 12, 29), "week", "week", 2) == (d(2025, 12, 22), d(2026, 1, 5))
    assert window_bounds(d(2026, 1, 1), "day", "week", None) == (d(2025, 12, 29), d(2026, 1, 2))


def _ref(label: str, grain: str, kind: str, project: str = "shop") -> Result:
    return reference_result(
        next(c for c in CASES if (c.label, c.grain, c.kind, c.project) == (label, grain, kind, project))
    )


def test_reference_month_ends_and_leap_days() -> None:
    lag_2026 = _ref("feb-mar-2026", "day", "lag")
    # 28 Feb 2026, one month back: 28 Jan (346.08) + 29 Jan (419.37) + 31 Jan (565.95); 30 Jan was refunded.
    assert value_at(lag_2026, "revenue_lm", d(2026, 2, 28)) == D("1331.40")
    assert value_at(lag_2026, "revenue_lm", d(2026, 3, 28)) == D("882.36")  # 28 Feb only
    for day in (29, 30, 31):
        assert value_at(lag_2026, "revenue_lm", d(2026, 3, day)) == 0
    # 28 Feb 2026, two years back: 28 Feb 2024 (172.06) + 29 Feb 2024 (245.35).
    assert value_at(lag_2026, "revenue_ly2", d(2026, 2, 28)) == D("417.41")
    leap = _ref("leap-2025", "day", "lag")
    assert value_at(leap, "revenue_ly", d(2025, 2, 28)) == D("417.41")
    assert value_at(leap, "order_count_ly", d(2025, 2, 28)) == 2
    assert value_at(leap, "revenue_ly", d(2025, 3, 1)) == D("318.64")  # 1 Mar 2024
    # 28 Feb 2025, one month back: 28 Jan (903.69 + 76.98) + 29 Jan (149.27) + 30 Jan (222.56 + 295.85).
    assert value_at(leap, "revenue_lm", d(2025, 2, 28)) == D("1648.35")
    growth = _ref("leap-2025", "day", "growth")
    assert value_at(growth, "revenue_yoy", d(2025, 2, 28)) == D("782.36") / D("417.41") - 1


def test_reference_gaps_and_products() -> None:
    monthly = _ref("2026", "month", "lag")
    assert value_at(monthly, "revenue_ly", d(2026, 4, 1)) == 0  # no order in April 2025
    growth = _ref("2026", "month", "growth")
    assert value_at(growth, "revenue_yoy", d(2026, 4, 1)) is None
    mid = _ref("mid-2025", "month", "lag")
    assert value_at(mid, "revenue", d(2025, 4, 1)) == 0
    mid_growth = _ref("mid-2025", "month", "growth")
    assert value_at(mid_growth, "revenue_pop", d(2025, 5, 1)) is None
    by_product = _ref("by-product", "month", "growth")
    assert value_at(by_product, "revenue_yoy", d(2026, 1, 1), "新品") is None  # nothing last year
    assert value_at(by_product, "revenue_yoy", d(2026, 5, 1), "旧款") == -1  # nothing this year
    by_product_lag = _ref("by-product", "month", "lag")
    assert value_at(by_product_lag, "revenue_ly", d(2026, 5, 1), "旧款") == D("223.29")  # 17 May 2025
    assert value_at(by_product_lag, "revenue_ly", d(2026, 6, 1), "耳机") == 0  # none in June 2025
    products = {r[1] for r in by_product.rows}
    assert products == {"手机", "耳机", "旧款", "新品", None}


def test_reference_distinct_counts_over_windows() -> None:
    ytd = _ref("2025", "month", "to-date")
    months = [r for r in ytd.rows]
    buyers = [r[ytd.columns.index("buyers")] for r in months]
    buyers_ytd = [r[ytd.columns.index("buyers_ytd")] for r in months]
    assert buyers_ytd == sorted(buyers_ytd), "YTD distinct buyers never fall within a year"
    assert buyers_ytd[-1] < sum(buyers), "a buyer who buys in two months is counted once"
    aov = ytd.columns.index("aov_ytd")
    revenue_ytd, index = ytd.columns.index("revenue_ytd"), ytd.columns.index("buyers_ytd")
    assert all(r[aov] == Decimal(r[revenue_ytd]) / r[index] for r in months)


# --------------------------------------------------------------------------------------------
# To-date windows at week grain: a week can straddle the boundary


def test_year_to_date_at_week_grain(engine: Any, dialect: str, load: Callable[[Path], Any]) -> None:
    """ISO 2026-W01 starts on Monday 29 Dec 2025.  Its year-to-date must not be all of 2025 plus
    four days: either the query is refused (E407) or the year is the ISO year (weeks 1 … 52/53)."""
    from metricdsl.api import CheckFailed

    project = load(TI_DIR / "shop")
    c = case("iso-year", "week", "to-date", "revenue, revenue_ytd, buyers_ytd, aov_ytd", "2025-12-15 .. 2026-01-18")
    try:
        sql = compile_case(c, project, dialect)
    except CheckFailed as exc:
        assert error_codes(exc) == ["E407"]
        return
    expected = reference_result(c)
    assert value_at(expected, "revenue_ytd", d(2025, 12, 29)) == value_at(expected, "revenue", d(2025, 12, 29))
    result = engine.execute(sql)
    diff = mismatches(result.columns, result.rows, expected)
    if diff:
        pytest.fail(f"{diff}\n\n{sql}", pytrace=False)


@pytest.mark.parametrize("metric", ["revenue_mtd", "revenue_qtd", "buyers_mtd"])
def test_month_or_quarter_to_date_at_week_grain_is_an_error(metric: str) -> None:
    """A week that starts on 30 March 2026 ends in April: it has no month-to-date."""
    from metricdsl.api import CheckFailed

    project = _project("shop")
    with pytest.raises(CheckFailed) as info:
        compile_sql_for(project, [metric], ["time.week"], "2026", "duckdb")
    assert error_codes(info.value) == ["E407"]


# --------------------------------------------------------------------------------------------
# Errors: exact codes


def _project(name: str) -> Any:
    from support.projects import load_project

    return load_project(TI_DIR / name)


def compile_sql_for(project: Any, metrics: list[str], by: list[str], period_: str | None, dialect: str) -> str:
    from metricdsl.api import compile_sql

    return compile_sql(project, metrics=metrics, by=by, period=period_, dialect=dialect)


def error_codes(exc: Any) -> list[str]:
    return [diag.code for diag in exc.diagnostics if diag.severity == "error"]


@pytest.mark.parametrize(
    ("metrics", "by", "period_"),
    [
        (["revenue_yoy"], ["product"], "2026"),
        (["revenue_ly"], [], None),
        (["revenue", "revenue_ytd"], ["channel"], None),
        (["revenue_7d"], [], "2026"),
        (["ly_pop"], ["product"], "2026"),  # the time function sits two references deep
    ],
)
def test_time_intelligence_without_a_time_dimension_is_e405(
    metrics: list[str], by: list[str], period_: str | None
) -> None:
    from metricdsl.api import CheckFailed

    with pytest.raises(CheckFailed) as info:
        compile_sql_for(_project("shop"), metrics, by, period_, "duckdb")
    assert error_codes(info.value) == ["E405"]


E407_CASES = [
    ("revenue_lm", "quarter"),  # 1 month is not a whole number of quarters
    ("revenue_mom", "quarter"),
    ("revenue_ly", "week"),  # 1 year is not a whole number of weeks
    ("revenue_lm", "week"),
    ("revenue_l3d", "week"),
    ("revenue_lw", "month"),
    ("revenue_wow", "month"),
    ("revenue_lq", "year"),
    ("revenue_l3m", "year"),
    ("revenue_7d", "month"),  # a rolling window shorter than the bucket, or not whole buckets
    ("revenue_2w", "month"),
    ("revenue_14d", "month"),
    ("aov_7d", "quarter"),
    ("revenue_3m", "year"),
    ("revenue_2q", "year"),
    ("revenue_mtd", "quarter"),  # to date by a unit shorter than the bucket
    ("revenue_wtd", "month"),
    ("revenue_qtd", "year"),
    ("buyers_mtd", "year"),
]
# Their neighbours that fit: a whole number of buckets, or to date by the bucket's own unit.
VALID_CASES = [
    ("revenue_lq", "month"),
    ("revenue_l3m", "quarter"),
    ("revenue_l14d", "week"),
    ("revenue_l52w", "week"),
    ("revenue_lm", "day"),
    ("revenue_ly", "day"),
    ("revenue_7d", "week"),
    ("revenue_3m", "quarter"),
    ("revenue_2q", "month"),
    ("revenue_2y", "quarter"),
    ("revenue_mtd", "month"),
    ("buyers_ytd", "year"),
    ("revenue_wtd", "week"),
]


@pytest.mark.parametrize(("metric", "grain"), E407_CASES, ids=[f"{m}@{g}" for m, g in E407_CASES])
def test_offsets_and_windows_must_fit_the_grain(metric: str, grain: str) -> None:
    from metricdsl.api import CheckFailed

    with pytest.raises(CheckFailed) as info:
        compile_sql_for(_project("shop"), [metric], [f"time.{grain}"], "2026", "duckdb")
    assert error_codes(info.value) == ["E407"]


@pytest.mark.parametrize(("metric", "grain"), VALID_CASES, ids=[f"{m}@{g}" for m, g in VALID_CASES])
def test_offsets_and_windows_that_fit_compile(metric: str, grain: str) -> None:
    sql = compile_sql_for(_project("shop"), [metric], [f"time.{grain}"], "2026", "duckdb")
    assert sql.lstrip().startswith("--") and "select" in sql.lower()


@pytest.mark.parametrize("by", [["time.month"], ["time.year"]])
def test_time_intelligence_on_a_source_without_time_is_e406(by: list[str]) -> None:
    from metricdsl.api import CheckFailed

    with pytest.raises(CheckFailed) as info:
        compile_sql_for(_project("shop"), ["budget_ly"], by, None, "duckdb")
    assert error_codes(info.value) == ["E406"]


def _project_with(tmp_path: Path, extra: str) -> Path:
    folder = tmp_path / "project"
    folder.mkdir()
    shutil.copy(TI_DIR / "shop" / "spec.metric", folder / "spec.metric")
    (folder / "extra.metric").write_text(extra, encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ("query bad { metrics: revenue_lm\n by: time.quarter\n period: 2026 }\n", "E407"),
        ("query bad { metrics: revenue_2w\n by: time.month }\n", "E407"),
        ("query bad { metrics: revenue_yoy\n by: product }\n", "E405"),
        ("query bad { metrics: budget_ly\n by: time.month }\n", "E406"),
        ("metric bad = lag(revenue, year)\n", "E407"),  # an offset needs a count
        ("metric bad = cumulative(revenue, 1 period)\n", "E407"),
    ],
)
def test_errors_in_a_project(tmp_path: Path, extra: str, code: str) -> None:
    from metricdsl.api import CheckFailed, load_project

    with pytest.raises(CheckFailed) as info:
        load_project(_project_with(tmp_path, extra))
    assert error_codes(info.value) == [code]


def test_named_query_of_the_project(engine: Any, dialect: str, load: Callable[[Path], Any]) -> None:
    from metricdsl.api import compile_sql

    project = load(TI_DIR / "shop")
    sql = compile_sql(project, query="yoy_by_product", dialect=dialect)
    module = expected_module("shop")
    expected = ti_query(
        dataset("shop"),
        metrics=[module.METRICS[n] for n in ("revenue", "revenue_ly", "revenue_yoy", "buyers_ytd", "aov_yoy")],
        by=[TIME_MONTH, module.DIMS["product"]],
        period=year(2026),
    )
    result = engine.execute(sql)
    diff = mismatches(result.columns, result.rows, expected)
    if diff:
        pytest.fail(f"{diff}\n\n{sql}", pytrace=False)
