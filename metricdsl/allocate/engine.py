"""The target-allocation engine: drivers, split, spread and rounding (LANGUAGE.md §9).

Pure functions over the models in `models.py`. Decisions where the contract is silent:

* **Target below baseline** (multiplier < 1): the decline is shared in log space by the same
  weights as an uplift. Caps stay upper bounds, so they only bind when a cap is below the share
  a driver would get (a cap below 1x forces that driver down and relieves the others). There are
  no floors, so a decline is always reachable while one driver is movable.
* A driver with weight 0 behaves like a fixed one (multiplier 1); `fixed` wins over a cap. A target of 0 cannot be
  reached by multiplying drivers and raises `InfeasibleTarget`.
* **Split members** are the baseline's members plus any member named in `split_weights`,
  ordered by baseline (largest first), then by name, the NULL member last. Under `by baseline`
  a member with no (or a negative) baseline gets 0 (`split_missing: zero`) or the equal share
  1/n of the target (`split_missing: equal`, i.e. the mean baseline of the others as its weight);
  if no member has a baseline the split falls back to equal shares. Under `by weights` a member
  with a baseline but no weight gets 0. All with warnings.
* **Spread**: month k of the target period reads month k of the baseline period (same offset).
  A member's own profile is used when every such baseline month has a positive baseline and at
  least one working day; otherwise the overall profile (all members summed), otherwise workdays
  alone. Only the member's own rows count as its profile, so a member without baseline in some
  month (a launch mid-year) follows the overall profile everywhere.
* A set of children whose weights are all 0 (e.g. a month without a working day) receives its
  parent in equal parts, with a warning, so a target never disappears.
* Rounding: `largest_remainder` works in exact fractions; ties go to the earlier child.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import numpy as np

from metricdsl.allocate.calendar import WorkCalendar
from metricdsl.allocate.caps import effective_driver
from metricdsl.allocate.models import (
    Baseline,
    DriverRow,
    DriverSpec,
    Period,
    PlanResult,
    SeasonalProfile,
    SplitRow,
    SpreadRow,
    TargetSpec,
    TreeEdge,
)
from metricdsl.allocate.plan_warnings import CALENDAR_NOT_PUBLISHED, plan_warning
from metricdsl.diagnostics import Diagnostic
from metricdsl.errors import AllocationError, InfeasibleTarget

RELATIVE_TOLERANCE = 1e-9
BASELINE_IDENTITY_TOLERANCE = 1e-6


PlanError = AllocationError  # the name used before errors.py


# --- drivers ---------------------------------------------------------------------------------


def solve_multipliers(target_multiplier: float, leaves: list[DriverSpec]) -> dict[str, float]:
    """Multiplier per leaf whose product is `target_multiplier`.

    Fixed leaves (and leaves of weight 0) keep 1; the others share log(target) in proportion to
    their weights; a leaf that would pass its cap is pinned at the cap and the rest re-shared,
    until no free leaf passes its cap (water-filling).
    """
    _require_unique([leaf.metric for leaf in leaves], "driver")
    multipliers = {leaf.metric: 1.0 for leaf in leaves}
    movable = [leaf for leaf in leaves if not leaf.fixed and leaf.weight > 0]
    if not target_multiplier > 0:
        raise InfeasibleTarget(
            f"a target multiplier of {_times(target_multiplier)} cannot be reached by multiplying drivers"
        )
    if not movable and math.isclose(target_multiplier, 1.0, rel_tol=0, abs_tol=1e-15):
        return multipliers
    if not movable:
        raise InfeasibleTarget(
            f"every driver is fixed, so the drivers stay at 1x of the needed {_times(target_multiplier)}"
        )
    _require_caps_reach(target_multiplier, movable)
    weights = np.array([leaf.weight for leaf in movable], dtype=float)
    log_caps = np.array([math.log(leaf.cap) if leaf.cap is not None else np.inf for leaf in movable])
    logs = water_fill(math.log(target_multiplier), weights, log_caps)
    for leaf, log_multiplier, log_cap in zip(movable, logs, log_caps, strict=True):
        multipliers[leaf.metric] = (
            float(leaf.cap) if leaf.cap is not None and log_multiplier == log_cap else math.exp(log_multiplier)
        )
    return multipliers


def water_fill(log_target: float, weights: np.ndarray, log_caps: np.ndarray) -> np.ndarray:
    """Share `log_target` by `weights`, pinning shares that pass `log_caps` (feasibility checked)."""
    pinned = np.zeros(len(weights), dtype=bool)
    while True:
        free = ~pinned
        if not free.any():
            return log_caps.copy()
        level = (log_target - log_caps[pinned].sum()) / weights[free].sum()
        shares = np.where(free, level * weights, log_caps)
        over = free & (shares > log_caps + 1e-12)
        if not over.any():
            return shares
        pinned |= over


def is_capped(multiplier: float, driver: DriverSpec) -> bool:
    return driver.cap is not None and not driver.fixed and multiplier >= driver.cap * (1 - RELATIVE_TOLERANCE)


def _require_caps_reach(target_multiplier: float, movable: list[DriverSpec]) -> None:
    caps = [leaf.cap for leaf in movable]
    if any(cap is None for cap in caps):
        return
    reach = math.prod(cap for cap in caps if cap is not None)
    if reach >= target_multiplier * (1 - RELATIVE_TOLERANCE):
        return
    short = 1 - reach / target_multiplier
    limits = ", ".join(f"{leaf.metric} <= {_times(leaf.cap or 0)}" for leaf in movable)
    raise InfeasibleTarget(
        f"caps reach at most {_times(reach)} of the needed {_times(target_multiplier)} "
        f"(short by {short * 100:.3g}%): {limits}"
    )


def _times(multiplier: float) -> str:
    return f"{multiplier:.4g}x"


# --- the tree --------------------------------------------------------------------------------


def children_by_parent(root: str, edges: list[TreeEdge]) -> dict[str, list[str]]:
    """The tree as a mapping, checked: one decomposition per node, no repeats, all reachable."""
    children: dict[str, list[str]] = {}
    for edge in edges:
        if edge.parent in children:
            raise PlanError(f"the tree decomposes {edge.parent} twice; keep one equation per metric")
        children[edge.parent] = list(edge.children)
    if edges and root not in children:
        raise PlanError(f"the tree does not start at the target's metric {root}")
    reached = _preorder(root, children)
    unreachable = sorted(set(children) - set(reached))
    if unreachable:
        raise PlanError(f"the tree equation for {', '.join(unreachable)} is not reachable from {root}")
    return children


def _preorder(root: str, children: dict[str, list[str]]) -> list[str]:
    order: list[str] = []
    stack = [root]
    while stack:
        node = stack.pop()
        if node in order:
            raise PlanError(f"{node} appears twice in the tree (a cycle or a shared driver)")
        order.append(node)
        stack.extend(reversed(children.get(node, [])))
    return order


def tree_leaves(root: str, edges: list[TreeEdge]) -> list[str]:
    """The leaves of the tree from `root`, left to right; a tree without edges is its root."""
    children = children_by_parent(root, edges)
    return [node for node in _preorder(root, children) if node not in children]


def node_multipliers(root: str, edges: list[TreeEdge], leaf_multipliers: dict[str, float]) -> dict[str, float]:
    """Every node's multiplier: leaves as given, an inner node the product of its children's."""
    children = children_by_parent(root, edges)
    result: dict[str, float] = {}
    for node in reversed(_preorder(root, children)):
        kids = children.get(node)
        result[node] = math.prod(result[kid] for kid in kids) if kids else leaf_multipliers[node]
    return result


# --- rounding --------------------------------------------------------------------------------


def largest_remainder(total_units: int, weights: list[float]) -> list[int]:
    """Share `total_units` whole units by `weights`: exact sum, no negatives, ties to the earlier.

    All-zero weights share equally.
    """
    return apportion(total_units, weights)[0]


def apportion(total_units: int, weights: list[float]) -> tuple[list[int], list[Fraction]]:
    """Largest remainder, returning the whole units and the exact quotas they round."""
    if total_units < 0:
        raise ValueError(f"cannot share a negative total ({total_units} units)")
    if not weights:
        if total_units:
            raise ValueError(f"cannot share {total_units} units among no children")
        return [], []
    exact = [_fraction(weight) for weight in weights]
    total_weight = sum(exact, Fraction(0))
    if total_weight == 0:
        exact, total_weight = [Fraction(1)] * len(weights), Fraction(len(weights))
    quotas = [total_units * weight / total_weight for weight in exact]
    units = [math.floor(quota) for quota in quotas]
    by_remainder = sorted(range(len(quotas)), key=lambda i: (-(quotas[i] - units[i]), i))
    for index in by_remainder[: total_units - sum(units)]:
        units[index] += 1
    return units, quotas


def _fraction(weight: float) -> Fraction:
    if not math.isfinite(weight) or weight < 0:
        raise ValueError(f"weights must be finite and not negative, not {weight}")
    return Fraction(weight)


def to_units(value: float, unit: float) -> int:
    """`value` rounded (half up) to a whole number of `unit`s."""
    return int((Decimal(repr(value)) / Decimal(repr(unit))).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def from_units(units: int, unit: float) -> float:
    return float(Decimal(units) * Decimal(repr(unit)))


# --- calendar buckets ------------------------------------------------------------------------


@dataclass(frozen=True)
class Bucket:
    start: date
    end: date

    @property
    def month(self) -> date:
        return self.start.replace(day=1)


def month_end(day: date) -> date:
    next_month = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return next_month - timedelta(days=1)


def shift_months(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_buckets(start: date, end: date) -> list[Bucket]:
    """Months overlapping start..end, clipped to it."""
    buckets = []
    month = start.replace(day=1)
    while month <= end:
        buckets.append(Bucket(max(month, start), min(month_end(month), end)))
        month = shift_months(month, 1)
    return buckets


def week_pieces(month: Bucket) -> list[Bucket]:
    """ISO weeks (Monday to Sunday) overlapping the bucket, clipped to it."""
    pieces = []
    monday = month.start - timedelta(days=month.start.weekday())
    while monday <= month.end:
        pieces.append(Bucket(max(monday, month.start), min(monday + timedelta(days=6), month.end)))
        monday += timedelta(days=7)
    return pieces


def iso_week_label(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


# --- allocation ------------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberShare:
    member: str | None
    baseline: float
    weight: float
    units: int
    quota: Fraction


def allocate(spec: TargetSpec, baseline: Baseline, calendar: WorkCalendar | None = None) -> PlanResult:
    """The plan of one target: drivers, split and spread, rounded top-down to `round_unit`."""
    calendar = calendar or WorkCalendar(spec.spread_calendar)
    warnings: list[Diagnostic] = []
    target_units = _target_units(spec, baseline)
    target_value = from_units(target_units, spec.round_unit)
    multiplier = _target_multiplier(spec, baseline, target_value)
    drivers = _driver_rows(spec, baseline, multiplier, target_value, warnings)
    shares = split_target(spec, baseline, target_units, warnings)
    spread = spread_targets(spec, baseline, calendar, shares, warnings) if spec.spread_grains else []
    warnings.extend(_calendar_warnings(spec, calendar))
    return PlanResult(
        target=spec.name,
        label=spec.label,
        metric=spec.metric,
        period=Period(start=spec.period_start, end=spec.period_end),
        baseline_period=Period(start=spec.baseline_start, end=spec.baseline_end),
        baseline_value=baseline.total,
        target_value=target_value,
        multiplier=multiplier,
        unit=spec.round_unit,
        calendar=calendar.name if spec.spread_grains else None,
        split_dimension=spec.split_dimension,
        split_method=spec.split_method if spec.split_dimension else None,
        grains=list(spec.spread_grains),
        drivers=drivers,
        split=_split_rows(spec, shares),
        spread=spread,
        diagnostics=list(dict.fromkeys(warnings)),
    )


def _target_units(spec: TargetSpec, baseline: Baseline) -> int:
    if spec.value is not None:
        return to_units(spec.value, spec.round_unit)
    if baseline.total <= 0:
        raise PlanError(
            f"target {spec.name}: growth needs a positive baseline, but {spec.metric} was {baseline.total:g}"
        )
    return to_units(baseline.total * float(spec.growth or 0), spec.round_unit)


def _target_multiplier(spec: TargetSpec, baseline: Baseline, target_value: float) -> float | None:
    if baseline.total > 0:
        return target_value / baseline.total
    if spec.tree:
        raise PlanError(
            f"target {spec.name}: the driver tree needs a positive baseline of {spec.metric}, not {baseline.total:g}"
        )
    return None


def _driver_rows(
    spec: TargetSpec, baseline: Baseline, multiplier: float | None, target_value: float, warnings: list[Diagnostic]
) -> list[DriverRow]:
    if multiplier is None:
        return []
    children = children_by_parent(spec.metric, spec.tree)
    order = _preorder(spec.metric, children)
    leaves = [node for node in order if node not in children]
    _require_known_drivers(spec, order, leaves)
    solved = _solve_leaves(spec, baseline, leaves, multiplier)
    multipliers = node_multipliers(spec.metric, spec.tree, solved)
    parents = {kid: parent for parent, kids in children.items() for kid in kids}
    warnings.extend(_baseline_identity_warnings(spec, baseline, children))
    return [
        _driver_row(spec, node, parents, children, baseline, multipliers[node], target_value, warnings)
        for node in order
    ]


def _solve_leaves(spec: TargetSpec, baseline: Baseline, leaves: list[str], multiplier: float) -> dict[str, float]:
    """A target of 0 without a tree is a plain 0x on the metric; anything else is solved."""
    if multiplier == 0 and leaves == [spec.metric] and not spec.driver(spec.metric).fixed:
        return {spec.metric: 0.0}
    return solve_multipliers(multiplier, [effective_driver(spec, baseline, leaf) for leaf in leaves])


def _driver_row(
    spec: TargetSpec,
    node: str,
    parents: dict[str, str],
    children: dict[str, list[str]],
    baseline: Baseline,
    multiplier: float,
    target_value: float,
    warnings: list[Diagnostic],
) -> DriverRow:
    is_root = node == spec.metric
    node_baseline = baseline.total if is_root else baseline.drivers.get(node)
    if node_baseline is None:
        warnings.append(plan_warning(f"no baseline for driver {node}: its target is left empty"))
    target = target_value if is_root else (None if node_baseline is None else node_baseline * multiplier)
    driver = effective_driver(spec, baseline, node)
    is_leaf = node not in children
    return DriverRow(
        metric=node,
        parent=parents.get(node),
        role="root" if is_root else ("leaf" if is_leaf else "inner"),
        baseline=node_baseline,
        target=target,
        multiplier=multiplier,
        fixed=is_leaf and driver.fixed,
        capped=is_leaf and is_capped(multiplier, driver),
        cap=driver.cap if is_leaf else None,
        weight=driver.weight if is_leaf else 1.0,
    )


def _require_known_drivers(spec: TargetSpec, nodes: list[str], leaves: list[str]) -> None:
    for name in spec.drivers:
        if name not in nodes:
            raise PlanError(f"target {spec.name}: {name} is not a driver in the tree (its leaves: {', '.join(leaves)})")
        if name not in leaves:
            raise PlanError(
                f"target {spec.name}: fixed/cap/weight apply to leaves; {name} is decomposed further "
                f"(the leaves are {', '.join(leaves)})"
            )


def _baseline_identity_warnings(
    spec: TargetSpec, baseline: Baseline, children: dict[str, list[str]]
) -> list[Diagnostic]:
    values = {**baseline.drivers, spec.metric: baseline.total}
    warnings: list[Diagnostic] = []
    for parent, kids in children.items():
        if parent not in values or any(kid not in values for kid in kids):
            continue
        product = math.prod(values[kid] for kid in kids)
        if not math.isclose(product, values[parent], rel_tol=BASELINE_IDENTITY_TOLERANCE):
            gap = (product - values[parent]) / values[parent] if values[parent] else math.inf
            warnings.append(plan_warning(
                f"baseline {' × '.join(kids)} = {product:.6g} differs from {parent} = {values[parent]:.6g} "
                f"by {gap * 100:+.3g}%; each driver's target is its own baseline × its multiplier"
            ))
    return warnings


def _calendar_warnings(spec: TargetSpec, calendar: WorkCalendar) -> list[Diagnostic]:
    if not spec.spread_grains:
        return []
    years = calendar.warnings_for(spec.period_start, spec.period_end) + calendar.warnings_for(
        spec.baseline_start, spec.baseline_end
    )
    return [plan_warning(message, CALENDAR_NOT_PUBLISHED) for message in years]


# --- split -----------------------------------------------------------------------------------


def split_target(spec: TargetSpec, baseline: Baseline, target_units: int, warnings: list[Diagnostic]) -> list[MemberShare]:
    """The target's units shared over the members (one member None without a split)."""
    if spec.split_dimension is None:
        return [MemberShare(None, baseline.total, 1.0, target_units, Fraction(target_units))]
    members = _split_members(spec, baseline)
    if not members:
        raise PlanError(f"target {spec.name}: split by {spec.split_dimension} has no members in the baseline")
    baselines = [baseline.members.get(member, 0.0) for member in members]
    weights = _split_weights(spec, members, baselines, warnings)
    _warn_members_sum(spec, baseline, warnings)
    units, quotas = apportion(target_units, weights)
    return [MemberShare(*row) for row in zip(members, baselines, weights, units, quotas, strict=True)]


def _split_members(spec: TargetSpec, baseline: Baseline) -> list[str | None]:
    names = list(dict.fromkeys([*baseline.members, *spec.split_weights]))
    return sorted(names, key=lambda m: (m is None, -baseline.members.get(m, 0.0), m or ""))


def _split_weights(
    spec: TargetSpec, members: list[str | None], baselines: list[float], warnings: list[Diagnostic]
) -> list[float]:
    if spec.split_method == "equal":
        return [1.0] * len(members)
    if spec.split_method == "weights":
        return _weights_as_given(spec, members, baselines, warnings)
    return _weights_by_baseline(spec, members, baselines, warnings)


def _weights_as_given(
    spec: TargetSpec, members: list[str | None], baselines: list[float], warnings: list[Diagnostic]
) -> list[float]:
    weights = []
    for member, member_baseline in zip(members, baselines, strict=True):
        weight = spec.split_weights.get(member, 0.0) if member is not None else 0.0
        if member not in spec.split_weights and member_baseline > 0:
            warnings.append(plan_warning(
                f"{_member_name(spec, member)} had a baseline of {member_baseline:g} but has no weight; it gets 0"
            ))
        weights.append(weight)
    return weights


def _weights_by_baseline(
    spec: TargetSpec, members: list[str | None], baselines: list[float], warnings: list[Diagnostic]
) -> list[float]:
    present = [b for b in baselines if b > 0]
    if not present:
        message = f"no member of {spec.split_dimension} has a positive baseline; the target is split equally"
        warnings.append(plan_warning(message))
        return [1.0] * len(members)
    missing_weight = sum(present) / len(present) if spec.split_missing == "equal" else 0.0
    weights = []
    for member, member_baseline in zip(members, baselines, strict=True):
        if member_baseline > 0:
            weights.append(member_baseline)
            continue
        outcome = "the equal share" if spec.split_missing == "equal" else "0"
        message = f"{_member_name(spec, member)} has no baseline; it gets {outcome} under `by baseline`"
        warnings.append(plan_warning(message))
        weights.append(missing_weight)
    return weights


def _warn_members_sum(spec: TargetSpec, baseline: Baseline, warnings: list[Diagnostic]) -> None:
    total = sum(baseline.members.values())
    if baseline.total and not math.isclose(total, baseline.total, rel_tol=BASELINE_IDENTITY_TOLERANCE):
        warnings.append(plan_warning(
            f"the members of {spec.split_dimension} add up to {total:.6g}, not the baseline {baseline.total:.6g} "
            f"of {spec.metric}; the split uses the members' shares"
        ))


def _member_name(spec: TargetSpec, member: str | None) -> str:
    return f"{spec.split_dimension} = {'NULL' if member is None else repr(member)}"


def _split_rows(spec: TargetSpec, shares: list[MemberShare]) -> list[SplitRow]:
    if spec.split_dimension is None:
        return []
    return [
        SplitRow(
            dimension=spec.split_dimension,
            member=share.member,
            baseline=share.baseline,
            weight=share.weight,
            unrounded=float(share.quota) * spec.round_unit,
            target=from_units(share.units, spec.round_unit),
        )
        for share in shares
    ]


# --- spread ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthContext:
    """A month of the target period and its counterpart in the baseline period."""

    bucket: Bucket
    workdays: int
    baseline_month: date
    baseline_workdays: int | None


@dataclass(frozen=True)
class Profile:
    kind: SeasonalProfile
    basis: list[float | None]


def spread_targets(
    spec: TargetSpec, baseline: Baseline, calendar: WorkCalendar, shares: list[MemberShare], warnings: list[Diagnostic]
) -> list[SpreadRow]:
    """Month rows for every member, then (with `week`) week rows, each set summing to its parent."""
    months = _month_contexts(spec, calendar)
    overall = _overall_by_month(baseline)
    month_rows: list[SpreadRow] = []
    week_rows: list[SpreadRow] = []
    for share in shares:
        rows = _member_months(spec, baseline, overall, months, share, warnings)
        month_rows.extend(rows)
        if "week" in spec.spread_grains:
            for row in rows:
                week_rows.extend(_month_weeks(spec, calendar, row, warnings))
    return month_rows + week_rows


def _month_contexts(spec: TargetSpec, calendar: WorkCalendar) -> list[MonthContext]:
    offset = (
        (spec.baseline_start.year - spec.period_start.year) * 12 + spec.baseline_start.month - spec.period_start.month
    )
    contexts = []
    for bucket in month_buckets(spec.period_start, spec.period_end):
        baseline_month = shift_months(bucket.month, offset)
        start, end = max(baseline_month, spec.baseline_start), min(month_end(baseline_month), spec.baseline_end)
        baseline_workdays = calendar.workdays(start, end) if start <= end else None
        contexts.append(
            MonthContext(bucket, calendar.workdays(bucket.start, bucket.end), baseline_month, baseline_workdays)
        )
    return contexts


def _overall_by_month(baseline: Baseline) -> dict[date, float]:
    overall: dict[date, float] = defaultdict(float)
    for (_, month), value in baseline.member_months.items():
        overall[month] += value
    return dict(overall)


def _member_months(
    spec: TargetSpec,
    baseline: Baseline,
    overall: dict[date, float],
    months: list[MonthContext],
    share: MemberShare,
    warnings: list[Diagnostic],
) -> list[SpreadRow]:
    own = _own_by_month(spec, baseline, overall, share.member)
    profile = _choose_profile(spec, months, own, overall, share, warnings)
    weights = [_month_weight(month, basis) for month, basis in zip(months, profile.basis, strict=True)]
    if share.units and not any(weights):
        warnings.append(plan_warning(
            f"no working day weighs anything for {_spread_owner(spec, share.member)}; months get equal parts"
        ))
    units, quotas = apportion(share.units, weights)
    return [
        SpreadRow(
            grain="month",
            start=month.bucket.start,
            end=month.bucket.end,
            member=share.member,
            workdays=month.workdays,
            baseline=own.get(month.baseline_month),
            baseline_workdays=month.baseline_workdays,
            profile=profile.kind,
            seasonal_basis=basis,
            weight=weight,
            unrounded=float(quota) * spec.round_unit,
            target=from_units(unit_count, spec.round_unit),
        )
        for month, basis, weight, unit_count, quota in zip(months, profile.basis, weights, units, quotas, strict=True)
    ]


def _own_by_month(
    spec: TargetSpec, baseline: Baseline, overall: dict[date, float], member: str | None
) -> dict[date, float]:
    if spec.split_dimension is None:
        return overall
    return {month: value for (m, month), value in baseline.member_months.items() if m == member}


def _choose_profile(
    spec: TargetSpec,
    months: list[MonthContext],
    own: dict[date, float],
    overall: dict[date, float],
    share: MemberShare,
    warnings: list[Diagnostic],
) -> Profile:
    if not spec.seasonality:
        return Profile("flat", [None] * len(months))
    if _covers(months, own):
        return Profile("member", [own[m.baseline_month] for m in months])
    if _covers(months, overall):
        if share.units:
            warnings.append(plan_warning(
                f"{_spread_owner(spec, share.member)} lacks a baseline in some month of the baseline period; "
                "its months follow the overall profile"
            ))
        return Profile("overall", [overall[m.baseline_month] for m in months])
    message = "the baseline does not cover every month of the period; months are spread by workdays alone"
    warnings.append(plan_warning(message))
    return Profile("flat", [None] * len(months))


def _covers(months: list[MonthContext], by_month: dict[date, float]) -> bool:
    return all(by_month.get(m.baseline_month, 0.0) > 0 and m.baseline_workdays for m in months)


def _month_weight(month: MonthContext, basis: float | None) -> float:
    """workdays × last period's baseline per working day (or workdays alone without a basis)."""
    if basis is None:
        return float(month.workdays)
    return month.workdays * basis / float(month.baseline_workdays or 1)


def _spread_owner(spec: TargetSpec, member: str | None) -> str:
    return spec.metric if spec.split_dimension is None else _member_name(spec, member)


def _month_weeks(spec: TargetSpec, calendar: WorkCalendar, month: SpreadRow, warnings: list[Diagnostic]) -> list[SpreadRow]:
    pieces = week_pieces(Bucket(month.start, month.end))
    workdays = [calendar.workdays(piece.start, piece.end) for piece in pieces]
    month_units = to_units(month.target, spec.round_unit)
    if month_units and not any(workdays):
        warnings.append(plan_warning(f"{month.start:%Y-%m} has no working day; its weeks get equal parts"))
    units, quotas = apportion(month_units, [float(w) for w in workdays])
    return [
        SpreadRow(
            grain="week",
            start=piece.start,
            end=piece.end,
            member=month.member,
            week=iso_week_label(piece.start),
            workdays=days,
            weight=float(days),
            unrounded=float(quota) * spec.round_unit,
            target=from_units(unit_count, spec.round_unit),
        )
        for piece, days, unit_count, quota in zip(pieces, workdays, units, quotas, strict=True)
    ]


def _require_unique(names: list[str], what: str) -> None:
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise PlanError(f"{what} {', '.join(repeated)} is listed twice")
