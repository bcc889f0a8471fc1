"""SQL of customers over time (LANGUAGE.md §5; planned in metricdsl.plan.cohorts).

Every shape first reduces the key metric's rows to distinct keys per (bucket, group) with GROUP BY,
then compares buckets on those reduced rows — never raw rows against raw rows:

- `retained`/`churned`: the distinct (bucket, group, key) rows, stacked with the same rows moved
  `offset` later (UNION ALL), grouped again per (bucket, group, key) with a flag for "counted now"
  and "counted offset earlier"; the count is of keys with both flags (retained) or only the earlier
  one (churned). Rows from `offset` before the period are read.
- `new`: one row per (group, key) over all history up to the period's end, with the key's first
  bucket and its first bucket inside the period (one GROUP BY); a key is new in its first bucket
  when that bucket is in the period.
- `converted(a, b, N unit)`: a's distinct (time, group, key) rows and b's distinct (time, key) rows
  stacked; a window per key ordered by time (latest first, b before a at the same time) carries
  the earliest b time at or after each a row; an a row converts when that time is at most N units
  later. b rows are read up to N units after the period.
"""

from __future__ import annotations

from typing import Protocol

from sqlglot import exp

from metricdsl.ir import model as m
from metricdsl.plan.nodes import COHORT_FLAGS, COHORT_KEYS, CONVERSIONS, CohortMeasure, QueryPlan, Scan, fresh_name
from metricdsl.sql import calendar
from metricdsl.sql.bounds import Bounds, day_sql, raw_day_bounds
from metricdsl.sql.rows import RowCompiler, aliased, col, data_type, ident, paren, stacked, truncate
from metricdsl.sql.target import Target
from metricdsl.sql.types import sql_type


class ScanBuilder(Protocol):
    """What the statement builder offers a scan (metricdsl.sql.statement.StatementBuilder)."""

    project: m.Project
    plan: QueryPlan
    bounds: Bounds | None
    target: Target

    def from_with_joins(self, select: exp.Select, base: str, rows: RowCompiler,
                        scan: Scan | None = None) -> exp.Select: ...


def one_if(condition: exp.Expr) -> exp.Expr:
    return exp.Case(ifs=[exp.If(this=condition, true=exp.Literal.number(1))], default=exp.Literal.number(0))


class CohortScan:
    def __init__(self, builder: ScanBuilder, scan: Scan) -> None:
        assert scan.cohort is not None and builder.plan.time_dim is not None
        self.builder = builder
        self.scan = scan
        self.measure: CohortMeasure = scan.cohort
        self.time_dim = builder.plan.time_dim
        self.grain = self.time_dim.grain or "day"
        self.bucket = self.time_dim.column
        self.others = [d for d in builder.plan.dims if d.grain is None]
        self.group = [d.column for d in self.others]
        taken = {d.column for d in builder.plan.dims} | {self.measure.column}
        self.key, self.now, self.before, self.first, self.at, self.is_a, self.next_b = (
            fresh_name(n, taken) for n in ("cohort_key", "counted_now", "counted_before", "first_bucket",
                                           "cohort_time", "is_a", "next_b"))
        self.bounds = builder.bounds  # the period at the as-of date: literal days or SQL expressions
        self.start = self.bounds.start if self.bounds else None
        self.stop = self.bounds.stop if self.bounds else None

    def build(self) -> exp.Select:
        if self.measure.op == "new":
            return self.new()
        if self.measure.op == "converted":
            return self.converted()
        return self.retained()

    # ---- row sets --------------------------------------------------------------------------------
    def rows_compiler(self, source: str) -> RowCompiler:
        """Rows of `source` compiled for the target (string comparisons, rounding)."""
        return RowCompiler(self.builder.project, source, capabilities=self.builder.target.capabilities)

    def rows_of(self, rows: RowCompiler, key: m.RowExpr, condition: m.RowExpr | None, columns: list[exp.Expr],
                low: exp.Expr | None, high: exp.Expr | None) -> exp.Select:
        """The rows of `rows.base` whose key is not NULL, after the filters, between the time bounds
        (`columns` are compiled with `rows`, so that it knows every join they need)."""
        parts: list[exp.Expr] = [exp.Not(this=exp.Is(this=paren(rows(key)), expression=exp.Null()))]
        if low is not None:
            parts.append(exp.GTE(this=rows.time(), expression=low))
        if high is not None:
            parts.append(exp.LT(this=rows.time(), expression=high))
        if self.builder.plan.where is not None:
            parts.append(paren(rows(self.builder.plan.where)))
        if condition is not None:
            parts.append(paren(rows(condition)))
        select = self.builder.from_with_joins(exp.select(*columns), rows.base, rows)
        return select.where(exp.and_(*parts, wrap=False, copy=False))

    def keyed(self, rows: RowCompiler, flags: list[tuple[str, exp.Expr]], low: exp.Expr | None,
              high: exp.Expr | None) -> exp.Select:
        """Distinct (bucket, group, key) rows of the key metric, with MAX of each flag per row."""
        measure = self.measure
        keys = [truncate(self.grain, rows.time()), *[rows(d.row_expr) for d in self.others], rows(measure.key)]
        names = [self.bucket, *self.group, self.key]
        select = self.rows_of(rows, measure.key, measure.condition,
                              [exp.alias_(e, ident(n)) for e, n in zip(keys, names)], low, high)
        for name, flag in flags:
            select = select.select(exp.alias_(exp.Max(this=one_if(flag)), ident(name)))
        return select.group_by(*[e.copy() for e in keys])

    def counted(self, source: exp.Expr, verdict: exp.Expr, where: exp.Expr | None = None) -> exp.Select:
        """Per (bucket, group): the number of key rows that pass `verdict`."""
        select = exp.select(col(self.bucket), *[col(c) for c in self.group],
                            exp.alias_(exp.Sum(this=one_if(verdict)), ident(self.measure.column))).from_(source)
        if where is not None:
            select = select.where(where)
        return select.group_by(col(self.bucket), *[col(c) for c in self.group])

    # ---- retained, churned -------------------------------------------------------------------------
    def retained(self) -> exp.Select:
        shift = self.measure.shift
        assert shift is not None
        rows = self.rows_compiler(self.scan.source)
        low = high = None
        flags: list[tuple[str, exp.Expr]] = []
        if self.bounds is not None and self.start is not None and self.stop is not None:
            earliest = raw_day_bounds(self.bounds, shift)
            low = day_sql(earliest[0] if earliest and earliest[0] is not None else self.start)
            high = day_sql(self.stop)
            moved = calendar.shifted(rows.time(), shift)
            flags = [(self.now, exp.GTE(this=rows.time(), expression=day_sql(self.start))),
                     (self.before, exp.And(this=exp.GTE(this=moved, expression=day_sql(self.start)),
                                           expression=exp.LT(this=moved.copy(), expression=day_sql(self.stop))))]
        keys = aliased(self.keyed(rows, flags, low, high), COHORT_KEYS)
        dims = [*[col(c) for c in self.group], col(self.key)]
        current = exp.select(col(self.bucket), *dims, exp.alias_(exp.Literal.number(1), ident(self.now)),
                             exp.alias_(exp.Literal.number(0), ident(self.before))).from_(keys)
        earlier = exp.select(exp.alias_(calendar.shifted(col(self.bucket), shift), ident(self.bucket)),
                             *[d.copy() for d in dims], exp.alias_(exp.Literal.number(0), ident(self.now)),
                             exp.alias_(exp.Literal.number(1), ident(self.before))).from_(keys.copy())
        if flags:
            current = current.where(exp.EQ(this=col(self.now), expression=exp.Literal.number(1)))
            earlier = earlier.where(exp.EQ(this=col(self.before), expression=exp.Literal.number(1)))
        both = stacked([current, earlier])
        per_key = exp.select(col(self.bucket), *[d.copy() for d in dims],
                             exp.alias_(exp.Max(this=col(self.now)), ident(self.now)),
                             exp.alias_(exp.Max(this=col(self.before)), ident(self.before))
                             ).from_(aliased(both, COHORT_KEYS)).group_by(col(self.bucket), *[d.copy() for d in dims])
        last = "last_bucket"
        if not flags:  # without a period, moved rows do not make buckets after the data's last one
            newest = exp.Window(this=exp.Max(this=exp.Case(ifs=[exp.If(
                this=exp.EQ(this=col(self.now), expression=exp.Literal.number(1)), true=col(self.bucket))])))
            per_key = exp.select(col(self.bucket), *[d.copy() for d in dims], col(self.now), col(self.before),
                                 exp.alias_(newest, ident(last))).from_(aliased(per_key, COHORT_FLAGS))
        now_is = exp.EQ(this=col(self.now), expression=exp.Literal.number(1 if self.measure.op == "retained" else 0))
        verdict = exp.and_(now_is, exp.EQ(this=col(self.before), expression=exp.Literal.number(1)))
        where = None if flags else exp.LTE(this=col(self.bucket), expression=col(last))
        return self.counted(aliased(per_key, COHORT_FLAGS), verdict, where)

    # ---- new ---------------------------------------------------------------------------------------
    def new(self) -> exp.Select:
        """Per (group, key) over all history: the first bucket, and the first bucket inside the period;
        a key is new in its first bucket when that is in the period. One GROUP BY of the rows."""
        measure = self.measure
        rows = self.rows_compiler(self.scan.source)
        bucket = truncate(self.grain, rows.time())
        in_period = bucket if self.start is None else exp.Case(ifs=[exp.If(
            this=exp.GTE(this=rows.time(), expression=day_sql(self.start)), true=bucket.copy())])
        keys = [*[rows(d.row_expr) for d in self.others], rows(measure.key)]
        columns = [*[exp.alias_(e, ident(n)) for e, n in zip(keys, [*self.group, self.key])],
                   exp.alias_(exp.Min(this=bucket.copy()), ident(self.first)),
                   exp.alias_(exp.Min(this=in_period), ident(self.bucket))]
        high = day_sql(self.stop) if self.stop is not None else None
        per_key = self.rows_of(rows, measure.key, measure.condition, columns, None, high)
        per_key = per_key.group_by(*[e.copy() for e in keys])
        verdict = exp.EQ(this=col(self.bucket), expression=col(self.first))
        present = exp.Not(this=exp.Is(this=col(self.bucket), expression=exp.Null()))  # the group appears
        return self.counted(aliased(per_key, COHORT_FLAGS), verdict, present)

    # ---- converted ---------------------------------------------------------------------------------
    def converted(self) -> exp.Select:
        measure = self.measure
        assert measure.other_source and measure.other_key is not None and measure.window is not None
        count, unit = measure.window
        low = day_sql(self.start) if self.start is not None else None
        a_rows = self.rows_compiler(self.scan.source)
        a_columns = [exp.alias_(a_rows.time(), ident(self.at)), exp.alias_(truncate(self.grain, a_rows.time()),
                                                                            ident(self.bucket)),
                     *[exp.alias_(a_rows(d.row_expr), ident(d.column)) for d in self.others],
                     exp.alias_(a_rows(measure.key), ident(self.key)), exp.alias_(exp.Literal.number(1),
                                                                                  ident(self.is_a))]
        a = self.rows_of(a_rows, measure.key, measure.condition, a_columns, low,
                            day_sql(self.stop) if self.stop is not None else None)
        b_rows = self.rows_compiler(measure.other_source)
        b_columns = [exp.alias_(b_rows.time(), ident(self.at)), exp.alias_(self.typed_null("date"), ident(self.bucket)),
                     *[exp.alias_(self.typed_null(self.dim_type(d.name)), ident(d.column)) for d in self.others],
                     exp.alias_(b_rows(measure.other_key), ident(self.key)),
                     exp.alias_(exp.Literal.number(0), ident(self.is_a))]
        b_high = _later(day_sql(self.stop), count, unit) if self.stop is not None else None
        b = self.rows_of(b_rows, measure.other_key, measure.other_condition, b_columns, low, b_high)
        union = stacked([a.distinct(), b.distinct()])
        is_b = exp.EQ(this=col(self.is_a), expression=exp.Literal.number(0))
        order = exp.Order(expressions=[exp.Ordered(this=col(self.at), desc=True, nulls_first=False),
                                       exp.Ordered(this=col(self.is_a), desc=False, nulls_first=False)])
        spec = exp.WindowSpec(kind="ROWS", start="UNBOUNDED", start_side="PRECEDING", end="CURRENT ROW")
        next_b = exp.Window(this=exp.Min(this=exp.Case(ifs=[exp.If(this=is_b, true=col(self.at))])),
                            partition_by=[col(self.key)], order=order, spec=spec)
        marked = exp.select(col(self.bucket), *[col(c) for c in self.group], col(self.key), col(self.at),
                            col(self.is_a), exp.alias_(next_b, ident(self.next_b))).from_(aliased(union, CONVERSIONS))
        in_time = exp.LTE(this=col(self.next_b), expression=_later(col(self.at), count, unit))
        per_key = exp.select(col(self.bucket), *[col(c) for c in self.group], col(self.key),
                             exp.alias_(exp.Max(this=one_if(in_time)), ident(self.now))
                             ).from_(aliased(marked, CONVERSIONS)).where(
            exp.EQ(this=col(self.is_a), expression=exp.Literal.number(1))).group_by(
            col(self.bucket), *[col(c) for c in self.group], col(self.key))
        return self.counted(aliased(per_key, COHORT_FLAGS), exp.EQ(this=col(self.now), expression=exp.Literal.number(1)))

    def dim_type(self, name: str) -> str:
        dimension = self.builder.project.dimensions.get(name)
        return dimension.type if dimension is not None else "unknown"

    @staticmethod
    def typed_null(type_name: str) -> exp.Expr:
        if type_name in ("unknown", "null", "number"):
            return exp.Null()
        return exp.Cast(this=exp.Null(), to=data_type(sql_type(type_name)))


def _later(value: exp.Expr, count: int, unit: str) -> exp.Expr:
    """`value` + count units, keeping a timestamp's time of day (a 7-day window ends 7 days later)."""
    step = {"week": (7, "DAY"), "quarter": (3, "MONTH"), "year": (12, "MONTH")}.get(unit, (1, unit.upper()))
    return exp.DateAdd(this=value, expression=exp.Literal.number(count * step[0]), unit=exp.Var(this=step[1]))


def cohort_scan(builder: ScanBuilder, scan: Scan) -> exp.Select:
    return CohortScan(builder, scan).build()
