"""Stage 4: a logical plan → one SQL statement, built as a sqlglot tree and printed per dialect.

Shape of every statement (CTEs, top to bottom):
  one scan per source (aggregated to the query's grain, measures as conditional aggregates),
  `combined`  the scans stacked with UNION ALL (each scan's measures, NULL for the others),
  `calendar`  every bucket of the period (only with a time dimension), crossed with the
              other dimensions present so that empty buckets appear,
  `grouped`   one row per group: GROUP BY treats NULL as a group, so NULL keys match,
  and the final SELECT that computes metrics (ratios, growth) from the grouped measures.
Stacking with UNION ALL and grouping is a NULL-safe full outer join that every engine runs as
a hash aggregate (PostgreSQL cannot run FULL JOIN … ON a IS NOT DISTINCT FROM b at all).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from sqlglot import exp

from metricdsl.ir import model as m
from metricdsl.plan.planner import (
    Compute,
    DistinctHavingMeasure,
    Measure,
    MeasureRef,
    Number,
    QueryPlan,
    Scan,
    Shift,
    Value,
)
from metricdsl.sql.target import Target

GRAIN_INTERVAL = {"day": (1, "DAY"), "week": (7, "DAY"), "month": (1, "MONTH"), "quarter": (3, "MONTH"),
                  "year": (12, "MONTH")}
DATE_PARTS = {"year": "YEAR", "quarter": "QUARTER", "month": "MONTH", "week": "WEEK", "day": "DAY"}
COMPARE = {"=": exp.EQ, "!=": exp.NEQ, "<": exp.LT, "<=": exp.LTE, ">": exp.GT, ">=": exp.GTE}
ARITH = {"+": exp.Add, "-": exp.Sub, "*": exp.Mul}
SIMPLE_FUNCS: dict[str, Callable[..., exp.Expr]] = {
    "abs": lambda a: exp.Abs(this=a[0]),
    "floor": lambda a: exp.Floor(this=a[0]),
    "ceil": lambda a: exp.Ceil(this=a[0]),
    "lower": lambda a: exp.Lower(this=a[0]),
    "upper": lambda a: exp.Upper(this=a[0]),
    "length": lambda a: exp.Length(this=a[0]),
    "coalesce": lambda a: exp.Coalesce(this=a[0], expressions=list(a[1:])),
    "round": lambda a: exp.Round(this=a[0], decimals=a[1] if len(a) > 1 else None),
}
NUMBERS_CTE = "numbers"


def ident(name: str) -> exp.Identifier:
    return exp.to_identifier(name, quoted=True)


def col(name: str, table: str | None = None) -> exp.Column:
    return exp.Column(this=ident(name), table=ident(table) if table else None)


def paren(node: exp.Expr) -> exp.Expr:
    if isinstance(node, (exp.Binary, exp.Not, exp.Neg, exp.Between, exp.In, exp.Is)):
        return exp.Paren(this=node)
    return node


def date_literal(value: datetime.date) -> exp.Expr:
    return exp.Cast(this=exp.Literal.string(value.isoformat()), to=exp.DataType.build("DATE"))


def safe_divide(numerator: exp.Expr, denominator: exp.Expr) -> exp.Expr:
    """Real division that is NULL where the denominator is 0 or NULL, on every engine."""
    left = exp.Cast(this=numerator, to=exp.DataType.build("DOUBLE"))
    right = exp.Nullif(this=denominator, expression=exp.Literal.number(0))
    return exp.Div(this=left, expression=right)


def truncate(grain: str, value: exp.Expr) -> exp.Expr:
    trunc = exp.DateTrunc(this=value, unit=exp.Literal.string(grain.upper()))  # type: ignore[no-untyped-call]
    return exp.Cast(this=trunc, to=exp.DataType.build("DATE"))


def add_interval(value: exp.Expr, count: int | exp.Expr, unit: str) -> exp.Expr:
    """value + count units (unit: day week month quarter year), as a DATE."""
    step, base_unit = GRAIN_INTERVAL[unit]
    amount = exp.Literal.number(count * step) if isinstance(count, int) else (
        count if step == 1 else exp.Mul(this=paren(count), expression=exp.Literal.number(step)))
    added = exp.DateAdd(this=value, expression=amount, unit=exp.Var(this=base_unit))
    return exp.Cast(this=added, to=exp.DataType.build("DATE"))


class RowCompiler:
    """Row-level IR → sqlglot, relative to one base source (dimensions and time follow its joins)."""

    def __init__(self, project: m.Project, base: str, time_value: exp.Expr | None = None) -> None:
        self.project = project
        self.base = base
        self.time_value = time_value  # the (possibly shifted) time column used by time.* dimensions
        self.needed: set[str] = set()

    def __call__(self, expr: m.RowExpr) -> exp.Expr:
        return self.compile(expr)

    def compile(self, expr: m.RowExpr) -> exp.Expr:
        if isinstance(expr, m.Lit):
            return literal(expr)
        if isinstance(expr, m.Col):
            if expr.source != self.base:
                self.needed.add(expr.source)
            return col(expr.column, expr.source)
        if isinstance(expr, m.DimRef):
            return self.compile(self.project.dimensions[expr.name].expr)
        if isinstance(expr, m.TimeRef):
            return truncate(expr.grain, self.time())
        if isinstance(expr, m.CaseExpr):
            return exp.Case(ifs=[exp.If(this=self.compile(c), true=self.compile(v)) for c, v in expr.whens],
                            default=self.compile(expr.otherwise) if expr.otherwise is not None else None)
        if isinstance(expr, m.Agg):
            return aggregate(expr.func, None if expr.arg is None else self.compile(expr.arg))
        return self.apply(expr)

    def time(self) -> exp.Expr:
        if self.time_value is not None:
            return self.time_value
        column = self.project.sources[self.base].time_column
        assert column is not None, f"source {self.base} has no time column"
        return col(column, self.base)

    def apply(self, expr: m.Apply) -> exp.Expr:
        op = expr.op
        args = [self.compile(a) for a in expr.args]
        if op in ARITH:
            return ARITH[op](this=paren(args[0]), expression=paren(args[1]))
        if op == "/":
            return safe_divide(paren(args[0]), paren(args[1]))
        if op in COMPARE:
            return COMPARE[op](this=paren(args[0]), expression=paren(args[1]))
        if op in ("and", "or"):
            return (exp.And if op == "and" else exp.Or)(this=paren(args[0]), expression=paren(args[1]))
        if op == "not":
            return exp.Not(this=paren(args[0]))
        if op == "neg":
            return exp.Neg(this=paren(args[0]))
        return self.predicate(op, args) or self.function(op, args)

    def predicate(self, op: str, args: list[exp.Expr]) -> exp.Expr | None:
        negated = op.startswith("not_")
        base_op = op.removeprefix("not_")
        node: exp.Expr
        if base_op == "in":
            node = exp.In(this=paren(args[0]), expressions=args[1:])
        elif base_op == "between":
            node = exp.Between(this=paren(args[0]), low=paren(args[1]), high=paren(args[2]))
        elif base_op == "like":
            node = exp.Like(this=paren(args[0]), expression=args[1])
        elif op in ("is_null", "is_not_null"):
            node = exp.Is(this=paren(args[0]), expression=exp.Null())
            return exp.Not(this=node) if op == "is_not_null" else node
        else:
            return None
        return exp.Not(this=exp.Paren(this=node)) if negated else node

    def function(self, op: str, args: list[exp.Expr]) -> exp.Expr:
        if op in DATE_PARTS:
            return exp.Extract(this=exp.Var(this=DATE_PARTS[op]), expression=args[1 if len(args) > 1 else 0])
        if op == "date_trunc":
            grain = args[0].this if isinstance(args[0], exp.Literal) else "month"
            return truncate(str(grain), args[1])
        return SIMPLE_FUNCS[op](args)


def literal(expr: m.Lit) -> exp.Expr:
    if expr.type == "number":
        return exp.Literal.number(expr.value)
    if expr.type == "string":
        return exp.Literal.string(expr.value or "")
    if expr.type == "date":
        return date_literal(datetime.date.fromisoformat(expr.value or ""))
    if expr.type == "bool":
        return exp.true() if expr.value == "true" else exp.false()
    return exp.Null()


def aggregate(func: str, arg: exp.Expr | None) -> exp.Expr:
    if func == "count":
        return exp.Count(this=arg if arg is not None else exp.Star())
    if func == "count_distinct":
        return exp.Count(this=exp.Distinct(expressions=[arg]))
    return {"sum": exp.Sum, "avg": exp.Avg, "min": exp.Min, "max": exp.Max}[func](this=arg)


def with_filter(agg: exp.Expr, condition: exp.Expr | None) -> exp.Expr:
    return agg if condition is None else exp.Filter(this=agg, expression=exp.Where(this=condition))


class StatementBuilder:
    def __init__(self, project: m.Project, plan: QueryPlan, target: Target) -> None:
        self.project = project
        self.plan = plan
        self.target = target
        self.ctes: list[tuple[str, exp.Expr]] = []
        self.measure_columns = [c for scan in plan.scans for c in scan_columns(scan)]
        self.measure_types = {c: t for scan in plan.scans for c, t in scan_types(scan).items()}

    # ---- whole statement ----------------------------------------------------------------
    def build(self) -> exp.Select:
        direct = [scan for scan in self.plan.scans if scan.window is None]
        windowed = [scan for scan in self.plan.scans if scan.window is not None]
        for scan in direct:
            self.ctes.append((scan.name, self.scan(scan)))
        time_dim = self.plan.time_dim
        if time_dim is not None:
            self.ctes.append(("calendar", self.calendar(time_dim.grain or "day", time_dim.column, direct, windowed)))
        for scan in windowed:
            self.ctes.append((scan.name, self.scan(scan)))
        source = self.combine()
        final = self.final_select(source)
        reused = self.reused_ctes()
        for name, query in self.ctes:
            materialize = self.target.materialized_ctes and name in reused
            final = final.with_(ident(name), as_=query, materialized=materialize or None)
        return final

    def reused_ctes(self) -> set[str]:
        """CTEs read more than once: with a time dimension, the stacked data is read by the grid too."""
        if self.plan.time_dim is None:
            return set()
        return {"combined"} if len(self.plan.scans) > 1 else {self.plan.scans[0].name}

    def dim_columns(self) -> list[str]:
        return [d.column for d in self.plan.dims]

    def combine(self) -> str:
        """Name of the relation with one row per group and one column per measure."""
        time_dim = self.plan.time_dim
        if len(self.plan.scans) == 1 and time_dim is None:
            return self.plan.scans[0].name
        source = self.plan.scans[0].name
        if len(self.plan.scans) > 1:
            stacked = [self.padded(scan.name, scan_columns(scan)) for scan in self.plan.scans]
            self.ctes.append(("combined", union_all(stacked)))
            source = "combined"
        if time_dim is not None:
            data = self.padded(source, self.measure_columns)
            if self.plan.period is None and any(s.shift for s in self.plan.scans):
                data = data.where(self.within_calendar(time_dim.column))
            self.ctes.append(("filled", union_all([data, self.grid(source)])))
            source = "filled"
        grouped = exp.select(*[col(c) for c in self.dim_columns()],
                             *[exp.alias_(exp.Max(this=col(c)), ident(c)) for c in self.measure_columns]
                             ).from_(ident(source))
        if self.plan.dims:
            grouped = grouped.group_by(*[col(c) for c in self.dim_columns()])
        self.ctes.append(("grouped", grouped))
        return "grouped"

    @staticmethod
    def within_calendar(column: str) -> exp.Expr:
        """Lagged rows labelled past the last bucket of the data (no period given) are not output buckets."""
        last = exp.Subquery(this=exp.select(exp.Max(this=col(column))).from_(ident("calendar")))
        return exp.Or(this=exp.Is(this=col(column), expression=exp.Null()),
                      expression=exp.LTE(this=col(column), expression=last))

    def padded(self, relation: str, present: list[str]) -> exp.Select:
        columns: list[exp.Expr] = [col(c) for c in self.dim_columns()]
        for name in self.measure_columns:
            columns.append(col(name) if name in present else exp.alias_(self.typed_null(name), ident(name)))
        return exp.select(*columns).from_(ident(relation))

    def typed_null(self, column: str) -> exp.Expr:
        """NULL of the measure's type: PostgreSQL types an untyped NULL ∪ NULL as text."""
        type_name = self.measure_types.get(column, "unknown")
        if type_name in ("unknown", "null", "number"):
            return exp.Null()
        return exp.Cast(this=exp.Null(), to=exp.DataType.build(sql_type(type_name)))

    def grid(self, combined: str) -> exp.Select:
        """Every bucket of the calendar for each combination of the other dimensions present."""
        time_dim = self.plan.time_dim
        assert time_dim is not None
        others = [d.column for d in self.plan.dims if d.grain is None]
        columns: list[exp.Expr] = []
        for d in self.plan.dims:
            columns.append(col(d.column, "calendar" if d.grain else "present"))
        columns += [exp.alias_(self.typed_null(c), ident(c)) for c in self.measure_columns]
        select = exp.select(*columns).from_(exp.Table(this=ident("calendar")))
        if others:
            present = exp.select(*[col(c) for c in others]).distinct().from_(ident(combined))
            select = select.join(exp.Subquery(this=present, alias=exp.TableAlias(this=ident("present"))),
                                 join_type="CROSS")
        return select

    # ---- calendar --------------------------------------------------------------------------
    def calendar(self, grain: str, column: str, direct: list[Scan], windowed: list[Scan]) -> exp.Select:
        """Every bucket of the period; without a period, from the first to the last bucket with data."""
        period = self.plan.period
        if period is not None:
            first = date_literal(bucket_start(period.start, grain))
            last = date_literal(bucket_start(period.end, grain))
            return self.series(grain, column, first, last, None)
        unshifted = [scan for scan in direct if scan.shift is None]
        ranges = [self.bucket_range(exp.select().from_(ident(scan.name)), col(column)) for scan in unshifted]
        raw = windowed + ([] if unshifted else direct)  # buckets of the rows as they happened
        ranges += [self.source_range(scan, grain) for scan in raw]
        bounds = exp.select(
            exp.alias_(exp.Min(this=col("first_bucket")), ident("first_bucket")),
            exp.alias_(exp.Max(this=col("last_bucket")), ident("last_bucket")),
        ).from_(exp.Subquery(this=union_all(ranges), alias=exp.TableAlias(this=ident("ranges"))))
        return self.series(grain, column, col("first_bucket", "bounds"), col("last_bucket", "bounds"), bounds)

    @staticmethod
    def bucket_range(select: exp.Select, bucket: exp.Expr) -> exp.Select:
        return select.select(exp.alias_(exp.Min(this=bucket), ident("first_bucket")),
                             exp.alias_(exp.Max(this=bucket.copy()), ident("last_bucket")))

    def source_range(self, scan: Scan, grain: str) -> exp.Select:
        """The first and last bucket of a scan's rows as they happened (not shifted, not windowed)."""
        rows = RowCompiler(self.project, scan.source)
        bucket = truncate(grain, rows.time())
        conditions = [mz.condition for mz in scan.measures] if scan.having is None else [scan.having.condition]
        where = self.scan_where(scan, rows, conditions)  # compiled first: it decides which joins are needed
        select = self.from_with_joins(self.bucket_range(exp.select(), bucket), scan.source, rows)
        return select.where(where) if where is not None else select

    def series(self, grain: str, column: str, first: exp.Expr, last: exp.Expr,
               bounds: exp.Select | None) -> exp.Select:
        if self.target.generate_series:
            return self.generated_series(grain, column, first, last, bounds)
        return self.numbered_series(grain, column, first, last, bounds)

    def generated_series(self, grain: str, column: str, first: exp.Expr, last: exp.Expr,
                         bounds: exp.Select | None) -> exp.Select:
        step, unit = GRAIN_INTERVAL[grain]
        interval = exp.Interval(this=exp.Literal.string(str(step)), unit=exp.Var(this=unit))
        timestamp = exp.DataType.build("TIMESTAMP")
        series = exp.Anonymous(this="generate_series", expressions=[
            exp.Cast(this=first, to=timestamp), exp.Cast(this=last, to=timestamp), interval])
        table = exp.Table(this=series, alias=exp.TableAlias(this=ident("series"), columns=[ident("bucket")]))
        value = exp.alias_(exp.Cast(this=col("bucket", "series"), to=exp.DataType.build("DATE")), ident(column))
        select = exp.select(value)
        if bounds is None:
            return select.from_(table)
        return select.from_(exp.Subquery(this=bounds, alias=exp.TableAlias(this=ident("bounds")))).join(
            table, join_type="CROSS")

    def numbered_series(self, grain: str, column: str, first: exp.Expr, last: exp.Expr,
                        bounds: exp.Select | None) -> exp.Select:
        """A calendar without generate_series: 0…9999 from crossed digits, added to the first bucket."""
        digits = union_all([exp.select(exp.alias_(exp.Literal.number(d), ident("d"))) for d in range(10)])
        places = ["ones", "tens", "hundreds", "thousands"]
        number = exp.Add(this=col("d", "ones"), expression=exp.Literal.number(0))
        for power, place in enumerate(places[1:], start=1):
            number = exp.Add(this=number, expression=exp.Mul(this=col("d", place), expression=exp.Literal.number(10 ** power)))
        numbers = exp.select(exp.alias_(number, ident("n"))).from_(
            exp.Subquery(this=digits.copy(), alias=exp.TableAlias(this=ident("ones"))))
        for place in places[1:]:
            numbers = numbers.join(exp.Subquery(this=digits.copy(), alias=exp.TableAlias(this=ident(place))),
                                   join_type="CROSS")
        bucket = add_interval(first, col("n", NUMBERS_CTE), grain)
        source = exp.Subquery(this=numbers, alias=exp.TableAlias(this=ident(NUMBERS_CTE)))
        select = exp.select(exp.alias_(bucket, ident(column))).from_(source)
        if bounds is not None:
            select = select.join(exp.Subquery(this=bounds, alias=exp.TableAlias(this=ident("bounds"))), join_type="CROSS")
        return select.where(exp.LTE(this=bucket.copy(), expression=last))

    # ---- scans -----------------------------------------------------------------------------
    def scan(self, scan: Scan) -> exp.Select:
        if scan.having is not None:
            return self.having_scan(scan, scan.having)
        rows = self.rows(scan)
        measures = [exp.alias_(self.measure_sql(rows, mz), ident(mz.column)) for mz in scan.measures]
        return self.grouped_scan(scan, rows, measures, [mz.condition for mz in scan.measures])

    def rows(self, scan: Scan) -> RowCompiler:
        time_value = None
        if scan.shift is not None:
            time_value = shifted(RowCompiler(self.project, scan.source).time(), scan.shift)
        return RowCompiler(self.project, scan.source, time_value)

    def measure_sql(self, rows: RowCompiler, measure: Measure) -> exp.Expr:
        arg = None if measure.arg is None else rows(measure.arg)
        condition = None if measure.condition is None else rows(measure.condition)
        return with_filter(aggregate(measure.func, arg), condition)

    def scan_dims(self, scan: Scan, rows: RowCompiler) -> list[exp.Expr]:
        """Group keys of a scan; a cumulative scan takes its time bucket from the calendar row."""
        return [col(d.column, "calendar") if scan.window is not None and d.grain else rows(self.dim_expr(d.name))
                for d in self.plan.dims]

    def grouped_scan(self, scan: Scan, rows: RowCompiler, measures: list[exp.Expr],
                     conditions: list[m.RowExpr | None]) -> exp.Select:
        dims = self.scan_dims(scan, rows)
        select = exp.select(*[exp.alias_(e, ident(d.column)) for e, d in zip(dims, self.plan.dims)], *measures)
        where = self.scan_where(scan, rows, conditions)
        select = self.from_with_joins(select, scan.source, rows, scan)
        if where is not None:
            select = select.where(where)
        return select.group_by(*[e.copy() for e in dims]) if dims else select

    def dim_expr(self, name: str) -> m.RowExpr:
        if name.startswith("time."):
            return m.TimeRef(grain=name.split(".")[1])  # type: ignore[arg-type]
        return m.DimRef(name=name)

    def scan_where(self, scan: Scan, rows: RowCompiler, conditions: list[m.RowExpr | None]) -> exp.Expr | None:
        parts: list[exp.Expr] = []
        period = self.plan.period
        if period is not None and scan.window is None:
            parts.extend(self.period_filter(scan, rows, period))
        if self.plan.where is not None:
            parts.append(paren(rows(self.plan.where)))
        if conditions and all(c is not None for c in conditions):
            unique = {c.model_dump_json(): c for c in conditions if c is not None}
            parts.append(paren(or_all([rows(c) for c in unique.values()])))
        return and_all(parts) if parts else None

    def period_filter(self, scan: Scan, rows: RowCompiler, period: m.Period) -> list[exp.Expr]:
        """Rows whose (shifted) time lies in the period; on the raw column where that is exact,
        so that a warehouse can still prune partitions for lagged scans."""
        start, stop = period.start, period.end + datetime.timedelta(days=1)
        time = rows.time()
        if scan.shift is not None:
            raw = raw_bounds(scan.shift, start, stop)
            if raw is not None:
                time = RowCompiler(self.project, scan.source).time()
                start, stop = raw
        return [exp.GTE(this=time, expression=date_literal(start)),
                exp.LT(this=time.copy(), expression=date_literal(stop))]

    def from_with_joins(self, select: exp.Select, base: str, rows: RowCompiler, scan: Scan | None = None) -> exp.Select:
        source = self.project.sources[base]
        if scan is not None and scan.window is not None:
            select = select.from_(exp.Table(this=ident("calendar"))).join(
                table_ref(source.table, base), on=self.window_condition(scan, rows), join_type="INNER")
        else:
            select = select.from_(table_ref(source.table, base))
        for hop_from, hop_to in self.join_hops(base, rows.needed):
            join = next(j for j in self.project.sources[hop_from].joins if j.target == hop_to)
            on = and_all([exp.EQ(this=col(a, hop_from), expression=col(b, hop_to)) for a, b in join.pairs])
            select = select.join(table_ref(self.project.sources[hop_to].table, hop_to), on=on, join_type="LEFT")
        return select

    def window_condition(self, scan: Scan, rows: RowCompiler) -> exp.Expr:
        """Rows from the window's start up to the end of the calendar bucket."""
        window = scan.window
        time_dim = self.plan.time_dim
        assert window is not None and time_dim is not None and time_dim.grain is not None
        bucket = col(time_dim.column, "calendar")
        end = add_interval(bucket, 1, time_dim.grain)
        if window.count is None and window.unit == "year" and time_dim.grain == "week":
            start = iso_year_start(bucket.copy())
        elif window.count is None:
            start = truncate(window.unit, bucket.copy())
        else:
            step, unit = GRAIN_INTERVAL[window.unit]
            start = exp.Cast(this=exp.DateSub(this=end.copy(), expression=exp.Literal.number(window.count * step),
                                              unit=exp.Var(this=unit)), to=exp.DataType.build("DATE"))
        time = rows.time()
        return exp.And(this=exp.GTE(this=time, expression=start), expression=exp.LT(this=time.copy(), expression=end))

    def join_hops(self, base: str, needed: set[str]) -> list[tuple[str, str]]:
        hops: list[tuple[str, str]] = []
        paths = self.project.join_paths.get(base, {})
        for target in sorted(needed, key=lambda t: (len(paths.get(t, ())), t)):
            previous = base
            for step in paths[target]:
                if (previous, step) not in hops:
                    hops.append((previous, step))
                previous = step
        return hops

    def having_scan(self, scan: Scan, having: DistinctHavingMeasure) -> exp.Select:
        """count_distinct(key) having …: one row per group and key with its verdict, then a count."""
        rows = self.rows(scan)
        dims = self.scan_dims(scan, rows)
        key = rows(having.key)
        passes = rows(having.having)
        inner = exp.select(*[exp.alias_(e, ident(d.column)) for e, d in zip(dims, self.plan.dims)],
                           exp.alias_(key, ident("distinct_key")), exp.alias_(passes, ident("passes")))
        inner = self.from_with_joins(inner, scan.source, rows, scan)
        where = self.scan_where(scan, rows, [having.condition])
        if where is not None:
            inner = inner.where(where)
        inner = inner.group_by(*[e.copy() for e in dims], key.copy())
        counted = with_filter(aggregate("count_distinct", col("distinct_key")), col("passes"))
        outer = exp.select(*[col(d.column) for d in self.plan.dims], exp.alias_(counted, ident(having.column)))
        outer = outer.from_(exp.Subquery(this=inner, alias=exp.TableAlias(this=ident("per_key"))))
        return outer.group_by(*[col(d.column) for d in self.plan.dims]) if self.plan.dims else outer

    # ---- the final select --------------------------------------------------------------------
    def final_select(self, source: str) -> exp.Select:
        columns = [exp.alias_(col(d.column), ident(d.column)) for d in self.plan.dims]
        columns += [exp.alias_(self.value(o.value), ident(o.name)) for o in self.plan.metrics]
        select = exp.select(*columns).from_(ident(source))
        if self.plan.order:
            select = select.order_by(*[exp.Ordered(this=col(o.column), desc=o.descending, nulls_first=False)
                                       for o in self.plan.order])
        if self.plan.limit is not None:
            select = select.limit(self.plan.limit)
        return select

    def value(self, value: Value) -> exp.Expr:
        if isinstance(value, MeasureRef):
            ref = col(value.column)
            return exp.Coalesce(this=ref, expressions=[exp.Literal.number(0)]) if value.zero_when_empty else ref
        if isinstance(value, Number):
            return exp.Literal.number(value.value)
        return self.compute(value)

    def compute(self, value: Compute) -> exp.Expr:
        args = [self.value(a) for a in value.args]
        if value.op == "/":
            return safe_divide(paren(args[0]), paren(args[1]))
        if value.op == "growth":
            return exp.Sub(this=safe_divide(paren(args[0]), paren(args[1])), expression=exp.Literal.number(1))
        if value.op in ARITH:
            return ARITH[value.op](this=paren(args[0]), expression=paren(args[1]))
        if value.op == "neg":
            return exp.Neg(this=paren(args[0]))
        return SIMPLE_FUNCS[value.op](args)


def scan_types(scan: Scan) -> dict[str, str]:
    if scan.having is not None:
        return {scan.having.column: "bigint"}
    return {mz.column: mz.type for mz in scan.measures}


def sql_type(type_name: str) -> str:
    if type_name.startswith("decimal"):
        scale = type_name.split(",")[1].rstrip(")") if "," in type_name else "0"
        return f"DECIMAL(38, {scale})"
    return {"int": "BIGINT", "bigint": "BIGINT", "double": "DOUBLE", "string": "TEXT", "bool": "BOOLEAN",
            "date": "DATE", "timestamp": "TIMESTAMP"}.get(type_name, "DOUBLE")


def scan_columns(scan: Scan) -> list[str]:
    return [scan.having.column] if scan.having else [mz.column for mz in scan.measures]


def table_ref(parts: tuple[str, ...], alias: str) -> exp.Table:
    names = [ident(p) for p in parts]
    return exp.Table(this=names[-1], db=names[-2] if len(names) > 1 else None,
                     catalog=names[-3] if len(names) > 2 else None, alias=exp.TableAlias(this=ident(alias)))


def iso_year_start(week: exp.Expr) -> exp.Expr:
    """Monday of ISO week 1 of the ISO year a week (given by its Monday) belongs to.

    The week's Thursday is in its ISO year; 4 January is always in week 1."""
    january_first = truncate("year", add_interval(week, 3, "day"))
    return truncate("week", add_interval(january_first, 3, "day"))


def shifted(value: exp.Expr, shift: Shift) -> exp.Expr:
    if shift.months:
        value = add_interval(value, shift.months, "month")
    if shift.days:
        value = add_interval(value, shift.days, "day")
    return value


def raw_bounds(shift: Shift, start: datetime.date, stop: datetime.date) -> tuple[datetime.date, datetime.date] | None:
    """Bounds on the unshifted time equivalent to `start <= shifted(t) < stop`, or None.

    Adding days is exact; adding months clamps at month end but keeps the month, so it can be
    undone exactly only when both bounds are first days of months."""
    if shift.months == 0:
        return start - datetime.timedelta(days=shift.days), stop - datetime.timedelta(days=shift.days)
    if shift.days == 0 and start.day == 1 and stop.day == 1:
        return months_before(start, shift.months), months_before(stop, shift.months)
    return None


def months_before(value: datetime.date, months: int) -> datetime.date:
    index = value.year * 12 + value.month - 1 - months
    return datetime.date(index // 12, index % 12 + 1, value.day)


def union_all(selects: list[exp.Select]) -> exp.Expr:
    result: exp.Expr = selects[0]
    for select in selects[1:]:
        result = exp.Union(this=result, expression=select, distinct=False)
    return result


def and_all(parts: list[exp.Expr]) -> exp.Expr:
    result = parts[0]
    for part in parts[1:]:
        result = exp.And(this=result, expression=part)
    return result


def or_all(parts: list[exp.Expr]) -> exp.Expr:
    result = paren(parts[0])
    for part in parts[1:]:
        result = exp.Or(this=result, expression=paren(part))
    return result


def bucket_start(value: datetime.date, grain: str) -> datetime.date:
    if grain == "day":
        return value
    if grain == "week":
        return value - datetime.timedelta(days=value.weekday())
    if grain == "month":
        return value.replace(day=1)
    if grain == "quarter":
        return value.replace(month=(value.month - 1) // 3 * 3 + 1, day=1)
    return value.replace(month=1, day=1)


def build_statement(project: m.Project, plan: QueryPlan, target: Target) -> exp.Select:
    return StatementBuilder(project, plan, target).build()


def render(project: m.Project, plan: QueryPlan, target: Target) -> str:
    """The SQL text of a plan for one target, with a header naming the query and its spec files."""
    statement = build_statement(project, plan, target)
    body = statement.sql(dialect=target.sqlglot, pretty=True, identify=True)
    header = [f"-- metricdsl query: {plan.name} ({target.name}{' ' + target.version if target.version else ''})"]
    header += [f"-- from: {_one_line(f)}" for f in plan.files]
    return "\n".join(header) + "\n" + body + ";\n"


def _one_line(text: str) -> str:
    return text.replace("\n", " ").replace("\r", " ")
