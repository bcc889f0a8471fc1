"""The checked project as a JSON-serialisable IR: what the planner and allocator consume.

Every name here is resolved: columns name their source, metric references name a metric that
exists, dimensions carry their expression. Nothing downstream looks at the syntax tree again.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from metricdsl.grains import Grain, Unit, parse_time_name, time_name
from metricdsl.ir.scorecards import Scorecard
from metricdsl.ir.targets import CalendarSpec, TargetSpec

NUMERIC_TYPES = frozenset({"int", "bigint", "double", "decimal", "number"})


class Frozen(BaseModel):
    """An IR node. The compiler builds nodes from values it has already checked, so building one does
    not validate: pydantic would otherwise build every model's validator in each process, about a
    third of a cold `metricdsl sql`. `model_validate` (IR read from JSON) still validates, and the test
    suite turns on strict validation of every node built (`validate_construction`), so a value of the
    wrong type still fails there."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    def __init__(self, **data: Any) -> None:
        if _construction.strict:
            self.__pydantic_validator__.validate_python(data, self_instance=self, strict=True)
        else:
            _fill(self, data)

    # pydantic calls a model's own __init__ from validation unless it is marked as the base one:
    # marked, `model_validate` keeps validating (and coercing JSON arrays to tuples).
    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]


class _Construction:
    strict = False


_construction = _Construction()


def validate_construction(strict: bool) -> None:
    """Validate (strictly: no coercion) every IR node built from now on: the test suite's setting."""
    _construction.strict = strict


def _fill(node: Frozen, data: dict[str, Any]) -> None:
    """What `model_construct` does, into the instance being initialised: the given fields and the defaults."""
    values = {}
    for name, field in type(node).__pydantic_fields__.items():
        if name in data:
            values[name] = data[name]
        elif not field.is_required():
            values[name] = field.get_default(call_default_factory=True, validated_data=values)
    object.__setattr__(node, "__dict__", values)
    object.__setattr__(node, "__pydantic_fields_set__", set(data))
    object.__setattr__(node, "__pydantic_extra__", None)
    object.__setattr__(node, "__pydantic_private__", None)


class Location(Frozen):
    file: str
    line: int
    column: int


# ---- row-level expressions ---------------------------------------------------------------
class Lit(Frozen):
    kind: Literal["lit"] = "lit"
    type: Literal["number", "string", "date", "bool", "null"]
    value: str | None  # numbers as exact decimal text, dates ISO


class Col(Frozen):
    kind: Literal["col"] = "col"
    source: str
    column: str


class DimRef(Frozen):
    kind: Literal["dim"] = "dim"
    name: str

    @property
    def column(self) -> str:
        """The output column of this dimension (LANGUAGE.md §8)."""
        return self.name

    @property
    def grain(self) -> None:
        return None


class TimeRef(Frozen):
    kind: Literal["time"] = "time"
    grain: Grain

    @property
    def name(self) -> str:
        """As written in a spec: `time.month`."""
        return time_name(self.grain)

    @property
    def column(self) -> str:
        """The output column: `time_month` (LANGUAGE.md §8)."""
        return self.name.replace(".", "_")


GroupRef = DimRef | TimeRef  # one entry of a query's `by`


def group_ref(name: str) -> GroupRef:
    """`time.month` → TimeRef(month); any other checked name → DimRef."""
    grain = parse_time_name(name)
    return TimeRef(grain=grain) if grain is not None else DimRef(name=name)


class Apply(Frozen):
    """An operator or function: + - * / neg = != < <= > >= and or not in not_in between
    not_between like not_like is_null is_not_null coalesce abs round floor ceil lower upper
    length year quarter month week day date_trunc."""

    kind: Literal["apply"] = "apply"
    op: str
    args: tuple[RowExpr, ...]


class CaseExpr(Frozen):
    kind: Literal["case"] = "case"
    whens: tuple[tuple[RowExpr, RowExpr], ...]
    otherwise: RowExpr | None = None


class Agg(Frozen):
    """An aggregate over the rows of `source` (its base source). `arg` None means count(source)."""

    kind: Literal["agg"] = "agg"
    func: Literal["sum", "avg", "min", "max", "count", "count_distinct", "median", "percentile"]
    arg: RowExpr | None
    source: str
    type: str = "unknown"  # the result type, as far as declared columns tell
    fraction: str | None = None  # percentile: p in [0, 1] as exact decimal text (median: 0.5)


RowExpr = Annotated[Lit | Col | DimRef | TimeRef | Apply | CaseExpr | Agg, Field(discriminator="kind")]


# ---- metric expressions --------------------------------------------------------------------
class Const(Frozen):
    kind: Literal["const"] = "const"
    value: str


class MetricRef(Frozen):
    kind: Literal["ref"] = "ref"
    metric: str


class AggLeaf(Frozen):
    kind: Literal["leaf"] = "leaf"
    agg: Agg


class DistinctHaving(Frozen):
    """count_distinct(key) having <condition over aggregates of the key's own rows>."""

    kind: Literal["having"] = "having"
    key: RowExpr
    source: str
    condition: RowExpr


class Arith(Frozen):
    kind: Literal["arith"] = "arith"
    op: Literal["+", "-", "*", "/", "neg", "abs", "round", "floor", "ceil", "coalesce"]
    args: tuple[MetricExpr, ...]


class Filtered(Frozen):
    kind: Literal["filtered"] = "filtered"
    expr: MetricExpr
    condition: RowExpr


class Lag(Frozen):
    """lag/growth: the value `count` `unit`s earlier (unit `period` = previous bucket)."""

    kind: Literal["lag"] = "lag"
    expr: MetricExpr
    count: int
    unit: Unit
    growth: bool = False


class Cumulative(Frozen):
    """To-date (count None: `unit` is the reset boundary) or rolling (`count` `unit`s ending with the bucket)."""

    kind: Literal["cumulative"] = "cumulative"
    expr: MetricExpr
    unit: Grain
    count: int | None = None


class Total(Frozen):
    """total(m [, within d…]): m over the row's time bucket (and `within` dimensions), recomputed."""

    kind: Literal["total"] = "total"
    expr: MetricExpr
    within: tuple[str, ...] = ()


class Rank(Frozen):
    """rank(m [, within d…] [asc]): SQL RANK among the rows of the bucket, highest first, nulls last."""

    kind: Literal["rank"] = "rank"
    expr: MetricExpr
    within: tuple[str, ...] = ()
    ascending: bool = False


class Balance(Frozen):
    """closing(m) / opening(m): m over the latest / earliest day with rows of each bucket (semi-additive)."""

    kind: Literal["balance"] = "balance"
    expr: MetricExpr
    closing: bool = True


class Cohort(Frozen):
    """Customers over time on key metrics: retained/churned(m, offset), new(m), converted(m, other, within)."""

    kind: Literal["cohort"] = "cohort"
    op: Literal["retained", "churned", "new", "converted"]
    expr: MetricExpr
    other: MetricExpr | None = None  # converted: the key metric that converts
    count: int | None = None  # retained/churned: the offset; converted: the window
    unit: str | None = None


class TimeProgress(Frozen):
    """time_progress(cal): the share of each bucket's working days of `calendar` through the as-of date."""

    kind: Literal["progress"] = "progress"
    calendar: str


class Planned(Frozen):
    """planned(T): the target of each output group, read from target T's saved plan (its `store:` table)."""

    kind: Literal["planned"] = "planned"
    target: str


MetricExpr = Annotated[
    Const | MetricRef | AggLeaf | DistinctHaving | Arith | Filtered | Lag | Cumulative | Total | Rank | Balance
    | Cohort | TimeProgress | Planned,
    Field(discriminator="kind"),
]


# ---- declarations ----------------------------------------------------------------------------
class Join(Frozen):
    target: str
    pairs: tuple[tuple[str, str], ...]  # (column of the declaring source, column of the target)


class Source(Frozen):
    name: str
    label: str | None = None
    table: tuple[str, ...]
    time_column: str | None = None
    key: tuple[str, ...] = ()
    columns: dict[str, str] | None = None  # column → type ("decimal(18,2)"), None when undeclared
    joins: tuple[Join, ...] = ()
    location: Location

    @property
    def time_is_date(self) -> bool:
        """The time column is declared `date`: it is its own day, no truncation per row needed."""
        return (self.columns or {}).get(self.time_column or "") == "date"


class Dimension(Frozen):
    name: str
    label: str | None = None
    expr: RowExpr
    source: str  # the source every column of the expression is reachable from
    type: str
    description: str | None = None
    location: Location


class MetricCard(Frozen):
    description: str | None = None
    unit: str | None = None
    format: str | None = None
    owner: str | None = None
    category: str | None = None
    core: bool = False
    kpi: bool = False
    status: str | None = None  # draft | published | deprecated; None: not declared
    version: str | None = None
    dimensions: tuple[str, ...] | None = None  # allowed group-bys (time = every time.*)
    kind: Literal["quantity", "quality", "cost", "time"] | None = None  # KPI type
    direction: Literal["higher", "lower"] | None = None  # which way is better


class Metric(Frozen):
    name: str
    label: str | None = None
    expr: MetricExpr
    card: MetricCard = MetricCard()
    additive: bool
    sources: tuple[str, ...]  # base sources of every aggregate underneath
    location: Location


class Decomposition(Frozen):
    metric: str
    kind: Literal["multiplicative", "additive", "formula", "by"]
    drivers: tuple[str, ...] = ()
    formula: MetricExpr | None = None
    by: str | None = None
    exact: bool | None = None  # None until proven; see metricdsl.semantic.exact
    location: Location


class Period(Frozen):
    start: datetime.date
    end: datetime.date


class RelativePeriod(Frozen):
    """`this <grain>` (grain-to-date) or `last N <unit>s`, counted from the as-of date (LANGUAGE.md §7).

    `this`: from the start of the bucket that holds the as-of date through the as-of date.
    `last N days`: the N days ending with the as-of date. `last N weeks|months|quarters|years`:
    the N whole buckets before the one that holds the as-of date.
    """

    kind: Literal["relative"] = "relative"
    which: Literal["this", "last"]
    count: int = 1
    unit: Grain

    @property
    def text(self) -> str:
        """As written in a spec: `this month`, `last 7 days`."""
        if self.which == "this":
            return f"this {self.unit}"
        return f"last {self.count} {self.unit}{'s' if self.count != 1 else ''}"


AnyPeriod = Period | RelativePeriod


class AsOf(Frozen):
    """The as-of date given at compile time: a date (every bound a literal) or a placeholder that a
    scheduler substitutes inside a SQL string (`{{ ds }}`): every bound is computed in SQL from it."""

    date: datetime.date | None = None
    placeholder: str | None = None

    @property
    def text(self) -> str:
        return self.date.isoformat() if self.date is not None else str(self.placeholder)


class OrderItem(Frozen):
    name: str  # a metric or dimension of the query, as written (time.month)
    descending: bool = False


class Query(Frozen):
    name: str
    label: str | None = None
    metrics: tuple[str, ...]
    by: tuple[GroupRef, ...] = ()
    where: RowExpr | None = None
    period: Period | RelativePeriod | None = None
    order: tuple[OrderItem, ...] = ()
    limit: int | None = None
    location: Location | None = None

    @property
    def grain(self) -> Grain | None:
        """The grain of the query's time dimension, if it has one."""
        return next((ref.grain for ref in self.by if isinstance(ref, TimeRef)), None)

    @property
    def by_names(self) -> tuple[str, ...]:
        """The `by` entries as written: `product`, `time.month`."""
        return tuple(ref.name for ref in self.by)


class Project(Frozen):
    files: tuple[str, ...]
    sources: dict[str, Source]
    dimensions: dict[str, Dimension]
    metrics: dict[str, Metric]
    queries: dict[str, Query]
    decompositions: tuple[Decomposition, ...] = ()
    join_paths: dict[str, dict[str, tuple[str, ...]]]  # base → reachable source → sources on the way
    calendars: dict[str, CalendarSpec] = Field(default_factory=dict)  # see metricdsl.semantic.targets
    targets: dict[str, TargetSpec] = Field(default_factory=dict)
    scorecards: dict[str, Scorecard] = Field(default_factory=dict)  # see metricdsl.semantic.scorecards

