"""The allocation engine: multipliers, largest remainder, split and spread (LANGUAGE.md §9)."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metricdsl.allocate import (
    Baseline,
    CalendarSpec,
    DriverSpec,
    InfeasibleTarget,
    PlanError,
    PlanResult,
    TargetSpec,
    TreeEdge,
    WorkCalendar,
    allocate,
    largest_remainder,
    node_multipliers,
    solve_multipliers,
    tree_leaves,
)
from metricdsl.allocate.engine import month_buckets

TREE = [
    TreeEdge(parent="revenue", children=["aov", "buyers"]),
    TreeEdge(parent="buyers", children=["reach", "conversion"]),
]
YEAR_2026 = {"baseline_start": date(2026, 1, 1), "baseline_end": date(2026, 12, 31)}
YEAR_2027 = {"period_start": date(2027, 1, 1), "period_end": date(2027, 12, 31)}


def target(**fields: object) -> TargetSpec:
    defaults: dict[str, object] = {"name": "t", "metric": "revenue", **YEAR_2026, **YEAR_2027}
    return TargetSpec.model_validate({**defaults, **fields})


def units_of(value: float, unit: float) -> int:
    units = round(value / unit)
    assert math.isclose(units * unit, value, rel_tol=1e-12, abs_tol=unit * 1e-9), (value, unit)
    return units


# --- largest remainder -----------------------------------------------------------------------

weights_lists = st.lists(st.floats(min_value=0, max_value=1e12, allow_nan=False), min_size=1, max_size=12)


@given(st.integers(min_value=0, max_value=10**9), weights_lists)
def test_largest_remainder_sums_exactly_without_negatives(total: int, weights: list[float]) -> None:
    shares = largest_remainder(total, weights)
    assert sum(shares) == total
    assert all(share >= 0 for share in shares)


@given(st.integers(min_value=0, max_value=10**6), weights_lists)
def test_largest_remainder_stays_within_one_unit_of_the_quota(total: int, weights: list[float]) -> None:
    weight_sum = sum(weights)
    quotas = [total * w / weight_sum if weight_sum else total / len(weights) for w in weights]
    for share, quota in zip(largest_remainder(total, weights), quotas, strict=True):
        assert math.floor(quota) - 1e-6 <= share <= math.ceil(quota) + 1e-6


def test_largest_remainder_breaks_ties_to_the_earlier_child() -> None:
    assert largest_remainder(10, [1, 1, 1]) == [4, 3, 3]
    assert largest_remainder(2, [1, 1, 1]) == [1, 1, 0]
    assert largest_remainder(7, [0.5, 0.25, 0.25]) == [3, 2, 2]  # quotas 3.5, 1.75, 1.75


def test_largest_remainder_shares_equally_when_every_weight_is_zero() -> None:
    assert largest_remainder(5, [0, 0]) == [3, 2]
    assert largest_remainder(0, [0, 0, 0]) == [0, 0, 0]


def test_largest_remainder_rejects_negative_input() -> None:
    with pytest.raises(ValueError, match="negative"):
        largest_remainder(-1, [1])
    with pytest.raises(ValueError, match="not negative"):
        largest_remainder(3, [1, -1])
    with pytest.raises(ValueError, match="no children"):
        largest_remainder(3, [])


# --- multipliers -----------------------------------------------------------------------------

leaf_specs = st.lists(
    st.builds(
        DriverSpec,
        metric=st.sampled_from(["a", "b", "c", "d", "e"]),
        fixed=st.booleans(),
        cap=st.none() | st.floats(min_value=0.5, max_value=6),
        weight=st.floats(min_value=0.1, max_value=5) | st.just(1.0),
    ),
    min_size=1,
    max_size=5,
    unique_by=lambda leaf: leaf.metric,
)


@settings(max_examples=300)
@given(st.floats(min_value=0.05, max_value=60), leaf_specs)
def test_solved_multipliers_reach_the_target_within_caps(target_multiplier: float, leaves: list[DriverSpec]) -> None:
    movable = [leaf for leaf in leaves if not leaf.fixed]
    reach = math.prod(leaf.cap or math.inf for leaf in movable) if movable else 1.0
    if (not movable and target_multiplier != 1.0) or reach < target_multiplier * (1 - 1e-9):
        with pytest.raises(InfeasibleTarget):
            solve_multipliers(target_multiplier, leaves)
        return
    solved = solve_multipliers(target_multiplier, leaves)
    assert math.isclose(math.prod(solved.values()), target_multiplier, rel_tol=1e-9)
    for leaf in leaves:
        if leaf.fixed:
            assert solved[leaf.metric] == 1.0
        if leaf.cap is not None and not leaf.fixed:  # a fixed driver keeps 1 whatever its cap
            assert solved[leaf.metric] <= leaf.cap * (1 + 1e-9)
        assert solved[leaf.metric] > 0


@settings(max_examples=200)
@given(st.floats(min_value=1.01, max_value=60), leaf_specs)
def test_free_drivers_share_the_log_in_proportion_to_weights(
    target_multiplier: float, leaves: list[DriverSpec]
) -> None:
    try:
        solved = solve_multipliers(target_multiplier, leaves)
    except InfeasibleTarget:
        return
    movable = [leaf for leaf in leaves if not leaf.fixed]
    free = [leaf for leaf in movable if leaf.cap is None or solved[leaf.metric] < leaf.cap * (1 - 1e-9)]
    levels = [math.log(solved[leaf.metric]) / leaf.weight for leaf in free]
    assert all(math.isclose(level, levels[0], rel_tol=1e-6) for level in levels)
    for leaf in movable:
        if leaf not in free and levels:
            assert levels[0] * leaf.weight >= math.log(leaf.cap or 1.0) - 1e-9


def test_five_to_fifty_billion_with_aov_fixed_and_conversion_capped() -> None:
    leaves = [
        DriverSpec(metric="aov", fixed=True),
        DriverSpec(metric="reach", weight=2),
        DriverSpec(metric="conversion", cap=1.5),
    ]
    solved = solve_multipliers(10.0, leaves)
    # Unconstrained shares: reach 10^(2/3) = 4.64x, conversion 10^(1/3) = 2.15x > cap 1.5x,
    # so conversion is pinned at 1.5x and reach takes the rest: 10 / 1.5 = 6.667x.
    assert solved == pytest.approx({"aov": 1.0, "reach": 10 / 1.5, "conversion": 1.5}, rel=1e-12)


def test_weights_share_the_uplift_in_log_space() -> None:
    solved = solve_multipliers(10.0, [DriverSpec(metric="reach", weight=2), DriverSpec(metric="conversion")])
    assert solved["reach"] == pytest.approx(10 ** (2 / 3), rel=1e-12)
    assert solved["conversion"] == pytest.approx(10 ** (1 / 3), rel=1e-12)


def test_caps_that_cannot_reach_the_target_say_by_how_much() -> None:
    leaves = [
        DriverSpec(metric="aov", fixed=True),
        DriverSpec(metric="reach", cap=4.5),
        DriverSpec(metric="conversion", cap=1.5),
    ]
    with pytest.raises(InfeasibleTarget) as raised:
        solve_multipliers(10.0, leaves)
    assert str(raised.value).startswith("caps reach at most 6.75x of the needed 10x (short by 32.5%)")


def test_every_driver_fixed_is_infeasible() -> None:
    with pytest.raises(InfeasibleTarget, match="every driver is fixed"):
        solve_multipliers(2.0, [DriverSpec(metric="aov", fixed=True)])


def test_a_decline_is_shared_by_weights_and_caps_below_one_bind() -> None:
    solved = solve_multipliers(0.64, [DriverSpec(metric="reach"), DriverSpec(metric="conversion", cap=1.2)])
    assert solved["reach"] == pytest.approx(0.8) and solved["conversion"] == pytest.approx(0.8)
    forced = solve_multipliers(0.9, [DriverSpec(metric="reach"), DriverSpec(metric="conversion", cap=0.75)])
    assert forced["conversion"] == 0.75 and forced["reach"] == pytest.approx(1.2)


def test_the_tree_flattens_to_its_leaves_and_inner_nodes_multiply() -> None:
    assert tree_leaves("revenue", TREE) == ["aov", "reach", "conversion"]
    nodes = node_multipliers("revenue", TREE, {"aov": 1.0, "reach": 4.0, "conversion": 2.5})
    assert nodes == {"aov": 1.0, "reach": 4.0, "conversion": 2.5, "buyers": 10.0, "revenue": 10.0}


def test_a_tree_not_rooted_at_the_metric_or_with_a_cycle_is_rejected() -> None:
    with pytest.raises(PlanError, match="does not start"):
        tree_leaves("profit", TREE)
    with pytest.raises(PlanError, match="twice"):
        tree_leaves("a", [TreeEdge(parent="a", children=["b", "c"]), TreeEdge(parent="b", children=["c"])])


# --- allocate: worked examples ---------------------------------------------------------------


def fifty_billion_plan() -> PlanResult:
    spec = target(
        value=50e9,
        tree=TREE,
        drivers={
            "aov": DriverSpec(metric="aov", fixed=True),
            "reach": DriverSpec(metric="reach", weight=2),
            "conversion": DriverSpec(metric="conversion", cap=1.5),
        },
        spread_grains=[],
        round_unit=10_000,
    )
    baseline = Baseline(total=5e9, drivers={"aov": 1000.0, "buyers": 5e6, "reach": 1e8, "conversion": 0.05})
    return allocate(spec, baseline)


def test_the_fifty_billion_plan_drivers() -> None:
    result = fifty_billion_plan()
    rows = {row.metric: row for row in result.drivers}
    assert [row.metric for row in result.drivers] == ["revenue", "aov", "buyers", "reach", "conversion"]
    assert result.target_value == 50e9 and result.multiplier == 10.0
    assert rows["aov"].fixed and rows["aov"].target == 1000.0 and rows["aov"].multiplier == 1.0
    assert rows["conversion"].capped and rows["conversion"].target == pytest.approx(0.075)
    assert rows["reach"].target == pytest.approx(1e8 * 10 / 1.5)
    assert rows["buyers"].multiplier == pytest.approx(10.0) and rows["buyers"].target == pytest.approx(5e7)
    assert not rows["reach"].capped and rows["buyers"].role == "inner" and rows["buyers"].parent == "revenue"


def test_the_plan_json_has_the_contract_keys_with_iso_dates() -> None:
    data = fifty_billion_plan().model_dump(mode="json")
    for key in (
        "target",
        "metric",
        "period",
        "baseline_value",
        "target_value",
        "multiplier",
        "drivers",
        "split",
        "spread",
    ):
        assert key in data
    assert data["period"] == {"start": "2027-01-01", "end": "2027-12-31"}
    assert set(data["drivers"][0]) >= {"metric", "baseline", "target", "multiplier", "fixed", "capped"}


def test_growth_is_rounded_to_the_unit() -> None:
    result = allocate(target(growth=1.2, spread_grains=[], round_unit=1000), Baseline(total=1_234_567.0))
    assert result.target_value == 1_481_000.0  # 1_481_480.4 rounded to thousands


def test_a_target_over_a_caps_limit_raises() -> None:
    spec = target(
        value=50e9,
        tree=TREE,
        drivers={
            "conversion": DriverSpec(metric="conversion", cap=1.5),
            "reach": DriverSpec(metric="reach", cap=4.5),
            "aov": DriverSpec(metric="aov", fixed=True),
        },
        spread_grains=[],
    )
    with pytest.raises(InfeasibleTarget, match=r"short by 32\.5%"):
        allocate(spec, Baseline(total=5e9))


def test_settings_on_an_inner_node_are_rejected() -> None:
    spec = target(value=10.0, tree=TREE, drivers={"buyers": DriverSpec(metric="buyers", fixed=True)}, spread_grains=[])
    with pytest.raises(PlanError, match="buyers is decomposed further"):
        allocate(spec, Baseline(total=5.0))


def two_month_spec(**fields: object) -> TargetSpec:
    return target(
        period_start=date(2027, 1, 1),
        period_end=date(2027, 2, 28),
        baseline_start=date(2026, 1, 1),
        baseline_end=date(2026, 2, 28),
        **fields,
    )


def test_months_follow_last_years_rate_per_working_day() -> None:
    # Monday–Friday: Jan 2026 has 22 working days, Feb 2026 20, Jan 2027 21, Feb 2027 20.
    # Rates 220/22 = 10 and 100/20 = 5 per day → weights 21×10 = 210 and 20×5 = 100 of 3100.
    baseline = Baseline(total=320.0, member_months={(None, date(2026, 1, 1)): 220.0, (None, date(2026, 2, 1)): 100.0})
    result = allocate(two_month_spec(value=3100.0, spread_grains=["month", "week"]), baseline)
    months = [row for row in result.spread if row.grain == "month"]
    assert [(row.start, row.workdays, row.baseline_workdays, row.target) for row in months] == [
        (date(2027, 1, 1), 21, 22, 2100.0),
        (date(2027, 2, 1), 20, 20, 1000.0),
    ]
    weeks = [(row.week, row.start, row.workdays, row.target) for row in result.spread if row.grain == "week"]
    assert weeks[:2] == [("2026-W53", date(2027, 1, 1), 1, 100.0), ("2027-W01", date(2027, 1, 4), 5, 500.0)]
    assert [w[3] for w in weeks[5:]] == [250.0] * 4 and all(row.member is None for row in result.spread)
    assert result.split == []


def test_without_seasonality_months_follow_workdays() -> None:
    baseline = Baseline(total=320.0, member_months={(None, date(2026, 1, 1)): 220.0, (None, date(2026, 2, 1)): 100.0})
    result = allocate(two_month_spec(value=41.0, seasonality=False), baseline)
    assert [row.target for row in result.spread] == [21.0, 20.0]


def test_split_by_baseline_gives_new_members_zero_with_a_warning() -> None:
    spec = two_month_spec(value=1000.0, split_dimension="product", spread_grains=[])
    result = allocate(spec, Baseline(total=400.0, members={"A": 300.0, "B": 100.0, "New": 0.0}))
    assert [(row.member, row.target) for row in result.split] == [("A", 750.0), ("B", 250.0), ("New", 0.0)]
    assert any("'New' has no baseline; it gets 0" in warning for warning in result.warnings)


def test_split_missing_equal_gives_new_members_the_equal_share() -> None:
    spec = two_month_spec(value=900.0, split_dimension="product", split_missing="equal", spread_grains=[])
    result = allocate(spec, Baseline(total=400.0, members={"A": 300.0, "B": 100.0, "New": 0.0}))
    assert [(row.member, row.target) for row in result.split] == [("A", 450.0), ("B", 150.0), ("New", 300.0)]


def test_split_equally_and_by_weights() -> None:
    equal = allocate(
        two_month_spec(value=10.0, split_dimension="p", split_method="equal", spread_grains=[]),
        Baseline(total=3.0, members={"a": 1.0, "b": 1.0, "c": 1.0}),
    )
    assert [row.target for row in equal.split] == [4.0, 3.0, 3.0]
    weighted = allocate(
        two_month_spec(
            value=100.0,
            split_dimension="p",
            split_method="weights",
            split_weights={"新品E": 3, "理财D": 1},
            spread_grains=[],
        ),
        Baseline(total=5.0, members={"理财D": 5.0}),
    )
    assert {row.member: row.target for row in weighted.split} == {"新品E": 75.0, "理财D": 25.0}


def test_a_member_missing_a_baseline_month_follows_the_overall_profile() -> None:
    months: dict[tuple[str | None, date], float] = {
        ("A", date(2026, 1, 1)): 220.0,
        ("A", date(2026, 2, 1)): 100.0,
        ("B", date(2026, 2, 1)): 50.0,
    }
    members: dict[str | None, float] = {"A": 320.0, "B": 50.0}
    baseline = Baseline(total=370.0, members=members, member_months=months)
    result = allocate(two_month_spec(value=740.0, split_dimension="p", split_method="equal"), baseline)
    b_months = [row for row in result.spread if row.member == "B"]
    assert [row.profile for row in b_months] == ["overall", "overall"]
    # Overall: Jan 220/22 × 21 = 210, Feb 150/20 × 20 = 150 → 370 shared 210:150.
    assert [row.target for row in b_months] == [216.0, 154.0]
    assert any("'B' lacks a baseline in some month" in warning for warning in result.warnings)


# --- allocate: properties --------------------------------------------------------------------


@st.composite
def plans(draw: st.DrawFn) -> tuple[TargetSpec, Baseline]:
    members: list[str | None] = draw(st.lists(st.sampled_from(["a", "b", "c", "d"]), max_size=4, unique=True))
    first_month = draw(st.integers(min_value=1, max_value=10))
    months = draw(st.integers(min_value=1, max_value=3))
    period = month_buckets(date(2027, first_month, draw(st.integers(1, 20))), date(2027, first_month + months - 1, 28))
    unit = draw(st.sampled_from([1.0, 10.0, 10_000.0, 0.01]))
    value = draw(st.integers(min_value=0, max_value=10**7)) * unit
    member_values: dict[str | None, float] = {m: draw(st.floats(min_value=0, max_value=1e9)) for m in members}
    member_months: dict[tuple[str | None, date], float] = {
        (m, date(2026, first_month + k, 1)): draw(st.floats(min_value=0, max_value=1e8))
        for m in (members or [None])
        for k in range(months)
        if draw(st.booleans())
    }
    spec = target(
        value=value,
        period_start=period[0].start,
        period_end=period[-1].end,
        baseline_start=date(2026, first_month, 1),
        baseline_end=date(2026, first_month + months - 1, 28),
        split_dimension="p" if members else None,
        split_method=draw(st.sampled_from(["baseline", "equal"])),
        split_missing=draw(st.sampled_from(["zero", "equal"])),
        spread_grains=["month", "week"],
        round_unit=unit,
    )
    return spec, Baseline(total=sum(member_values.values()) or 1.0, members=member_values, member_months=member_months)


@settings(max_examples=150, deadline=None)
@given(plans())
def test_every_set_of_children_sums_exactly_to_its_parent(plan: tuple[TargetSpec, Baseline]) -> None:
    spec, baseline = plan
    result = allocate(spec, baseline)
    unit = spec.round_unit
    total = units_of(result.target_value, unit)
    members = {row.member: units_of(row.target, unit) for row in result.split} or {None: total}
    assert sum(members.values()) == total
    months: dict[str | None, int] = defaultdict(int)
    weeks: dict[tuple[str | None, date], int] = defaultdict(int)
    month_units = {}
    for row in result.spread:
        assert row.target >= 0
        if row.grain == "month":
            months[row.member] += units_of(row.target, unit)
            month_units[(row.member, row.start.replace(day=1))] = units_of(row.target, unit)
        else:
            weeks[(row.member, row.start.replace(day=1))] += units_of(row.target, unit)
    assert dict(months) == members
    assert dict(weeks) == month_units
    assert all(row.target >= 0 for row in result.split)


def test_a_flat_daily_rate_last_year_follows_this_years_workdays_across_spring_festival() -> None:
    calendar = WorkCalendar(CalendarSpec(name="cn", country="CN"))
    months_2026 = month_buckets(date(2026, 1, 1), date(2026, 12, 31))
    months_2027 = month_buckets(date(2027, 1, 1), date(2027, 12, 31))
    rates: dict[tuple[str | None, date], float] = {
        (None, m.start): 100.0 * calendar.workdays(m.start, m.end) for m in months_2026
    }
    workdays_2027 = [calendar.workdays(m.start, m.end) for m in months_2027]
    spec = target(value=100.0 * sum(workdays_2027), spread_calendar=CalendarSpec(name="cn", country="CN"))
    result = allocate(spec, Baseline(total=sum(rates.values()), member_months=rates), calendar)
    # Spring Festival falls in February 2026 but early February 2027: the rate per day is what carries over.
    assert [row.target for row in result.spread] == [100.0 * days for days in workdays_2027]
    assert [row.workdays for row in result.spread][:2] == workdays_2027[:2]
