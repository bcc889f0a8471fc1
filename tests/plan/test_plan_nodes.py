"""Plan nodes: time shifts, the one fresh-name generator, and the relation names the SQL stage uses."""

from __future__ import annotations

import re
from typing import Any

import pytest
from golden.cases import VARIANTS, Case, Variant, all_cases, load
from sqlglot import exp

from metricdsl.api import build_query
from metricdsl.ir.model import DimRef, TimeRef
from metricdsl.plan.nodes import COMPUTED, RESERVED_RELATION_NAMES, OutputDim, Shift, fresh_name
from metricdsl.plan.percentiles import split_percentiles
from metricdsl.plan.planner import plan_query
from metricdsl.plan.rewrite import split_count_distinct
from metricdsl.sql.render import build_statement
from metricdsl.sql.target import target


@pytest.mark.parametrize(("count", "unit", "expected"), [
    (1, "year", Shift(months=12)),
    (2, "quarter", Shift(months=6)),
    (5, "month", Shift(months=5)),
    (3, "week", Shift(days=21)),
    (10, "day", Shift(days=10)),
])
def test_shift_of_counts_months_and_days(count: int, unit: str, expected: Shift) -> None:
    assert Shift.of(count, unit) == expected


def test_shifts_add_and_label() -> None:
    total = Shift.of(1, "year") + Shift.of(1, "week")
    assert total == Shift(months=12, days=7)
    assert total.label == "_lag12m7d"
    assert Shift.of(1, "month").label == "_lag1m"
    assert Shift.of(2, "day").label == "_lag2d"


def test_fresh_name_takes_the_base_first_then_numbers_from_two() -> None:
    taken = {"revenue", "revenue_2"}
    assert fresh_name("orders", taken) == "orders"
    assert fresh_name("orders", taken) == "orders_2"
    assert fresh_name("revenue", taken) == "revenue_3"
    assert taken == {"revenue", "revenue_2", "revenue_3", "orders", "orders_2"}


def test_fresh_name_without_the_bare_base() -> None:
    taken = {"scan_orders", "scan_orders_distinct2"}
    assert fresh_name("scan_orders_distinct", taken, separator="", bare=False) == "scan_orders_distinct3"
    assert fresh_name("scan_items_distinct", taken, separator="", bare=False) == "scan_items_distinct2"


def test_output_dim_as_row_expression() -> None:
    assert OutputDim("time.month", "time_month", "month").row_expr == TimeRef(grain="month")
    assert OutputDim("product", "product", None).row_expr == DimRef(name="product")


def statement(case: Case, variant: Variant) -> tuple[exp.Select, set[str]]:
    """The statement of a golden case for a variant, and the names it may give relations besides
    the reserved ones: its scans and the sources it reads (a source table is aliased by its name)."""
    project: Any = load(case.path)
    chosen = target(variant.dialect, variant.impala_version)
    plan = plan_query(project, build_query(project, query=case.query))
    if not chosen.capabilities.multiple_count_distinct:
        plan = split_count_distinct(plan)
    if not chosen.capabilities.percentile_cont:
        plan = split_percentiles(plan)
    own = {scan.name for scan in plan.scans} | set(project.sources)
    tree = build_statement(project, plan, chosen)
    totals = [total.column for total in plan.peers]  # total(m): its own statement, hoisted under its name
    own |= {name for name in relation_names(tree) if any(name.startswith(column) for column in totals)}
    progress = [p.column for p in plan.progress]  # time_progress: its days and counts, named after its column
    own |= {name for name in relation_names(tree) if any(name.startswith(f"{column}_") for column in progress)}
    derived = {name for name in relation_names(tree) for scan in plan.scans
               if (scan.bucketed or scan.balance or scan.cohort)  # a bucketed, balance or cohort scan's own CTEs
               and name.startswith(f"{scan.name}_")}
    return tree, own | derived


def relation_names(tree: exp.Select) -> set[str]:
    """Every CTE name and every table or derived-table alias in the statement (the levels of shared
    values, `computed_2`, `computed_3` …, count as `computed`)."""
    names = {cte.alias for cte in tree.find_all(exp.CTE)} | {alias.name for alias in tree.find_all(exp.TableAlias)}
    return {COMPUTED if re.fullmatch(rf"{COMPUTED}_\d+", name) else name for name in names}


def test_every_relation_the_generator_names_is_reserved() -> None:
    """Across all golden cases and dialects, each relation name is a scan, a source or reserved,
    and each reserved name is used somewhere (the set holds nothing stale)."""
    used: set[str] = set()
    for variant in VARIANTS:
        for case in all_cases():
            tree, own = statement(case, variant)
            names = relation_names(tree)
            assert names - own <= RESERVED_RELATION_NAMES, f"{variant.name}/{case.id}"
            used |= names - own
    # `millions` serves only periods of more than 100,000 buckets (2,738 years of days): no golden
    # runs one; test_numbers_calendar_places shows it.
    assert used == RESERVED_RELATION_NAMES - {"millions"}


def test_calendar_names_in_one_golden_case() -> None:
    case = next(c for c in all_cases() if c.project == "specs" and c.query == "monthly_kpi")
    duckdb_tree, _ = statement(case, VARIANTS[0])
    impala_tree, _ = statement(case, VARIANTS[2])
    assert "calendar" in {cte.alias for cte in duckdb_tree.find_all(exp.CTE)}
    # A literal period on Impala: the buckets as literal rows, no digits crossed.
    assert not {"ones", "tens", "hundreds", "thousands", "numbers", "series"} & relation_names(impala_tree)
    calendar = next(cte.this for cte in impala_tree.find_all(exp.CTE) if cte.alias == "calendar")
    assert len(list(calendar.find_all(exp.Select))) == 12  # monthly_kpi: the 12 months of 2026
    assert "series" in relation_names(duckdb_tree)
    # Without a period the buckets come from the data: Impala crosses digit tables.
    no_period = next(c for c in all_cases() if c.query == "yearly_no_period")
    assert {"ones", "tens", "hundreds", "thousands", "numbers"} <= relation_names(statement(no_period, VARIANTS[2])[0])
