"""The nodes of a query plan, and the names the SQL stage gives the relations it builds.

A plan says which sources to scan (`Scan`), what each scan aggregates (`Measure`), with which
time shift (`Shift`) or cumulative window (`Window`), and how each output metric is computed
from the measures (`Value`). The SQL stage reads these nodes; it never reaches back here for
anything but the names below.
"""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass, field

from metricdsl import grains
from metricdsl.ir import model as m
from metricdsl.ir.targets import CalendarSpec

ZERO_WHEN_EMPTY = ("sum", "count", "count_distinct")
"""Aggregates whose value over no rows is 0 (an empty bucket shows 0, not NULL)."""

# ---- names of the relations (CTEs and derived tables) the SQL stage builds -----------------
CALENDAR = "calendar"  # every bucket of the period
COMBINED = "combined"  # the scans stacked with UNION ALL
FILLED = "filled"  # the stacked data plus the empty calendar grid
GROUPED = "grouped"  # one row per group
PRESENT = "present"  # the non-time dimension values present in the data
BOUNDS = "bounds"  # the first and last bucket with data
RANGES = "ranges"  # each scan's first and last bucket, before the overall bounds
SERIES = "series"  # generate_series(first, last, step)
NUMBERS = "numbers"  # 0 … 9999 (or more), for engines without generate_series
DIGIT_PLACES = ("ones", "tens", "hundreds", "thousands",  # the crossed digits that make NUMBERS
                "ten_thousands", "hundred_thousands", "millions")  # as many as the calendar needs
PER_KEY = "per_key"  # one row per group and distinct key, for count_distinct … having
RANKED = "ranked"  # the numbered rows of an exact percentile (engines without percentile_cont)
WITH_TOTALS = "with_totals"  # the grouped rows joined to their totals (total(m))
BALANCE_DAYS = "balance_days"  # a balance scan's rows aggregated to (day, group) (closing/opening)
BALANCE_EDGES = "balance_edges"  # those rows with their bucket's latest/earliest day
COHORT_FLAGS = "cohort_flags"  # per (group, key): its first bucket, and its first bucket in the period (new)
EARLIER = "earlier"  # retained/churned: the distinct key rows counted for the bucket `offset` later, moved there
CURRENT = "current"  # … and those counted in their own bucket, joined to them
COUNTED = "counted"  # … their counts stacked with a 0 for each (bucket, group) counted now
LAST_BUCKET = "last_bucket"  # … without a period: the last bucket with data (moved rows stop there)
A_ROWS = "a_rows"  # converted(a, b, …): a's distinct (time, group, key) rows
B_ROWS = "b_rows"  # … joined to b's distinct (time, key) rows of the same key in the window
SAVED_PLAN = "saved_plan"  # a target's `store:` table, read by planned(T) (sql/planned.py)
PLAN_DAYS = "plan_days"  # the days of the target's calendar, for planned(T) by day
PLAN_MONTHS = "plan_months"  # those days' working days per month
COMPUTED = "computed"  # computed, computed_2 …: values several metrics share, one CTE per level
# derived tables of a bucketed cumulative scan (sql/windows.py); its CTEs are named after the scan
FIRSTS = "firsts"  # each key at its first bucket of the to-date period
COUNTS = "counts"  # the first appearances counted per group and bucket
UNMOVED = "unmoved"  # a lagged scan grouped on its own buckets, before they are relabelled
FRAMED = "framed"  # a framed window (sql/frames.py): its partials stacked with the empty grid, then windowed
GRID_GROUPS = "grid_groups"  # … the groups of its parts
GRID_BUCKETS = "grid_buckets"  # … every bucket from the first window's start to the period's last bucket
WITH_PROGRESS = "with_progress"  # the grouped rows with each time_progress column (sql/progress.py)
CALENDAR_DAYS = "calendar_days"  # a working-day calendar's literal rows (sql/workdays.py)

RESERVED_RELATION_NAMES = frozenset(
    {CALENDAR, COMBINED, FILLED, GROUPED, PRESENT, BOUNDS, RANGES, SERIES, NUMBERS, *DIGIT_PLACES, PER_KEY, RANKED,
     WITH_TOTALS, BALANCE_DAYS, BALANCE_EDGES, COHORT_FLAGS, EARLIER, CURRENT, COUNTED, LAST_BUCKET, A_ROWS, B_ROWS, COMPUTED,
     FIRSTS, COUNTS, UNMOVED, FRAMED, GRID_GROUPS, GRID_BUCKETS, WITH_PROGRESS, CALENDAR_DAYS, SAVED_PLAN, PLAN_DAYS,
     PLAN_MONTHS})
"""Every relation name the SQL stage may use besides the scans' own names; a scan must not take one."""


def fresh_name(base: str, taken: set[str], *, separator: str = "_", bare: bool = True) -> str:
    """The first of `base` (only if `bare`), `base<separator>2`, `base<separator>3` … not in `taken`,
    compared case-insensitively (DuckDB and Impala match quoted identifiers regardless of case).

    The name returned is added to `taken`, so consecutive calls never return the same name.
    """
    numbered = (f"{base}{separator}{n}" for n in itertools.count(2))
    candidates = itertools.chain([base] if bare else [], numbered)
    folded = {name.casefold() for name in taken}
    name = next(candidate for candidate in candidates if candidate.casefold() not in folded)
    taken.add(name)
    return name


def conjunction(conditions: tuple[m.RowExpr, ...]) -> m.RowExpr | None:
    """The conditions joined with `and` (None: no condition)."""
    if not conditions:
        return None
    result = conditions[0]
    for condition in conditions[1:]:
        result = m.Apply(op="and", args=(result, condition))
    return result


def column_name(name: str) -> str:
    """The output column of a dimension or metric: `time.month` → `time_month`."""
    return name.replace(".", "_")


@dataclass(frozen=True)
class Shift:
    """Rows labelled `months` months and then `days` days later than they happened (lag).

    Years and quarters are 12 and 3 months, weeks 7 days; a month step clamps at month end.
    """

    months: int = 0
    days: int = 0

    @staticmethod
    def of(count: int, unit: str) -> Shift:
        if unit in grains.MONTHS_PER_UNIT:
            return Shift(months=count * grains.MONTHS_PER_UNIT[unit])
        return Shift(days=count * grains.DAYS_PER_UNIT[unit])

    def __add__(self, other: Shift) -> Shift:
        return Shift(self.months + other.months, self.days + other.days)

    @property
    def label(self) -> str:
        return "_lag" + (f"{self.months}m" if self.months else "") + (f"{self.days}d" if self.days else "")


@dataclass(frozen=True)
class Window:
    """For each bucket, read the rows from the window start to the bucket end (cumulative).

    `anchor` is the offset around a to-date window (`lag(cumulative(m, year), 1 period)`): the
    window belongs to the lagged bucket, so it starts at the `unit` boundary before the bucket
    moved back by `anchor`, moved forward again (January's is the whole previous year). A rolling
    window needs no anchor: it ends with the bucket and reaches back a fixed length.
    """

    unit: str
    count: int | None  # None: to-date since the last `unit` boundary
    anchor: Shift | None = None


@dataclass
class Measure:
    column: str
    func: str
    arg: m.RowExpr | None
    condition: m.RowExpr | None
    type: str = "unknown"


@dataclass
class PercentileMeasure(Measure):
    """median (p = 0.5) and percentile(x, p): continuous, p in [0, 1] as exact decimal text."""

    fraction: str = "0.5"


@dataclass
class DistinctHavingMeasure:
    column: str
    key: m.RowExpr
    having: m.RowExpr
    condition: m.RowExpr | None


@dataclass
class CohortMeasure:
    """retained/churned/new/converted (plan/cohorts.py): a count of keys per group, 0 where none qualify."""

    column: str
    op: str
    key: m.RowExpr
    condition: m.RowExpr | None
    shift: Shift | None = None  # retained/churned: the earlier bucket's offset
    other_source: str | None = None  # converted: the key metric that converts, and its window
    other_key: m.RowExpr | None = None
    other_condition: m.RowExpr | None = None
    window: tuple[int, str] | None = None


@dataclass(frozen=True)
class PlannedRead:
    """planned(T) (plan/planned.py): read target T's saved plan instead of a source. `rows` is the grain
    of the saved rows read ('month', 'week' or 'year'; 'day' reads the months shared over T's working
    days); `members`: the split members' rows (the query groups or filters by the split dimension),
    else the rows of the whole (member null)."""

    target: str
    store: tuple[str, ...]
    rows: str
    members: bool
    split_dimension: str | None
    calendar: CalendarSpec | None
    period: tuple[datetime.date, datetime.date]


@dataclass
class Scan:
    """One read of a source, aggregated to the query's grain.

    A cumulative scan (`window`) whose measures all have exact partial aggregates (every one but
    `count_distinct … having`) is `bucketed`: the source's rows are aggregated once per bucket
    (sums, counts, minima, maxima; distinct keys per bucket), and the window sums those buckets.
    Otherwise each bucket's window reads the source's rows themselves.
    """

    name: str
    source: str
    shift: Shift | None = None
    window: Window | None = None
    measures: list[Measure] = field(default_factory=list)
    having: DistinctHavingMeasure | None = None
    balance: str | None = field(default=None, metadata={"omit_empty": True})  # closing | opening: plan/balances.py
    cohort: CohortMeasure | None = field(default=None, metadata={"omit_empty": True})
    planned: PlannedRead | None = field(default=None, metadata={"omit_empty": True})

    @property
    def bucketed(self) -> bool:
        return self.window is not None and self.having is None and self.balance is None and self.cohort is None

    @property
    def columns(self) -> list[str]:
        """The measure columns this scan outputs, in order."""
        if self.cohort is not None:
            return [self.cohort.column]
        return [self.having.column] if self.having else [mz.column for mz in self.measures]

    @property
    def column_types(self) -> dict[str, str]:
        if self.having is not None or self.cohort is not None:
            return {self.columns[0]: "bigint"}
        return {mz.column: mz.type for mz in self.measures}

    @property
    def conditions(self) -> list[m.RowExpr | None]:
        """The filter of each measure (None: unfiltered)."""
        if self.cohort is not None:
            return [self.cohort.condition]
        return [self.having.condition] if self.having is not None else [mz.condition for mz in self.measures]


@dataclass(frozen=True)
class MeasureRef:
    column: str
    zero_when_empty: bool


MeasureKey = tuple[object, ...]  # what makes two measures one: kind, source or scan, IR nodes (hashable), …


@dataclass(frozen=True)
class Number:
    value: str


@dataclass(frozen=True)
class Compute:
    op: str  # + - * / neg abs round floor ceil coalesce growth
    args: tuple[Value, ...]


@dataclass(frozen=True)
class RankOf:
    """SQL RANK of a value among the output rows with the same `partition` columns (time bucket, `within`)."""

    value: Value
    partition: tuple[str, ...]
    ascending: bool


Value = MeasureRef | Number | Compute | RankOf


@dataclass(frozen=True)
class OutputDim:
    name: str  # as written: product, time.month
    column: str  # product, time_month
    grain: str | None  # for time dimensions

    @property
    def row_expr(self) -> m.RowExpr:
        """The dimension as a row expression of the IR."""
        grain = grains.parse_time_name(self.name)
        return m.TimeRef(grain=grain) if grain is not None else m.DimRef(name=self.name)


@dataclass(frozen=True)
class OutputMetric:
    name: str
    value: Value


@dataclass(frozen=True)
class OrderBy:
    column: str
    descending: bool


@dataclass
class QueryPlan:
    name: str
    dims: list[OutputDim]
    scans: list[Scan]
    metrics: list[OutputMetric]
    where: m.RowExpr | None
    period: m.Period | m.RelativePeriod | None
    order: list[OrderBy]
    limit: int | None
    files: list[str]
    peers: list[TotalPlan] = field(default_factory=list, metadata={"omit_empty": True})
    progress: list[ProgressPlan] = field(default_factory=list, metadata={"omit_empty": True})

    @property
    def time_dim(self) -> OutputDim | None:
        return next((d for d in self.dims if d.grain is not None), None)


@dataclass(frozen=True)
class ProgressPlan:
    """time_progress(calendar), read from the output row's time bucket into the measure column `column`."""

    column: str
    calendar: str


@dataclass
class TotalPlan:
    """total(m): m planned at a coarser grouping (the time bucket and the `within` dimensions) as a
    statement of its own, whose one metric `column` is joined to the output rows on those keys;
    or, for an additive m, `summed`: m of each output row, summed over the rows with the same keys
    (a window over the grouped rows, no second read of the source)."""

    column: str
    keep: list[str]  # the output columns it is joined on (summed: partitioned by)
    plan: QueryPlan | None
    summed: Value | None = field(default=None, metadata={"omit_empty": True})
