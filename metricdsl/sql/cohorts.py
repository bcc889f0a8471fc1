"""SQL of customers over time (LANGUAGE.md §5; planned in metricdsl.plan.cohorts).

Every shape first reduces the key metric's rows to distinct keys per (bucket, group) with GROUP BY,
then compares buckets on those reduced rows — never raw rows against raw rows:

- `retained`/`churned`: one GROUP BY of the rows (from `offset` before the period) makes the
  distinct (bucket, group, key) rows with a flag for "counted now" and "counted for the bucket
  `offset` later", kept in a CTE (materialized where the target can: the rows are read once);
  those counted later, moved `offset` later, LEFT JOIN those counted now on (bucket, group, key):
  a match is retained, none churned; a 0 for every (bucket, group) counted now keeps the groups
  (and without a period the buckets) that only the current rows have. The flags compare the raw time with the period moved
  `offset` back where that is exact, so no row pays for the date arithmetic.
- `new`: one row per (group, key) over all history up to the period's end, with the key's first
  time and its first time inside the period (one GROUP BY), then their buckets; a key is new in
  its first bucket when that bucket is in the period.
- `converted(a, b, N unit)`: a's distinct (time, group, key) rows joined to b's distinct (time, key)
  rows of the same key from the a row's time to N units later (LEFT JOIN: every (bucket, group)
  of a gets its row); the distinct keys per (bucket, group) with such a pair. b rows are read up to N units after the period. (The join is of two
  reduced sets; a window over both sets per key, as before, sorted them all and was 2–3x slower.)
"""

from __future__ import annotations

from typing import Protocol

from sqlglot import exp

from metricdsl.ir import model as m
from metricdsl.plan.nodes import (
    A_ROWS,
    B_ROWS,
    COHORT_FLAGS,
    COUNTED,
    CURRENT,
    EARLIER,
    CohortMeasure,
    QueryPlan,
    Scan,
    Shift,
    fresh_name,
)
from metricdsl.plan.nodes import LAST_BUCKET as LAST
from metricdsl.sql import calendar
from metricdsl.sql.bounds import Bounds, Day, add_days, add_months, bucket_start, day_sql, raw_day_bounds
from metricdsl.sql.rows import RowCompiler, aliased, col, ident, paren, stacked, truncate
from metricdsl.sql.target import Target


class ScanBuilder(Protocol):
    """What the statement builder offers a scan (metricdsl.sql.statement.StatementBuilder)."""

    project: m.Project
    plan: QueryPlan
    bounds: Bounds | None
    target: Target

    def from_with_joins(self, select: exp.Select, base: str, rows: RowCompiler,
                        scan: Scan | None = None) -> exp.Select: ...

    def kept_rows(self, base: str, query: exp.Select) -> str: ...


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
        self.key, self.now, self.before, self.first, self.at = (
            fresh_name(n, taken) for n in ("cohort_key", "counted_now", "counted_before", "first_bucket", "cohort_time"))
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
        """The distinct key rows once (kept), their earlier rows moved `offset` later LEFT JOIN the
        current ones: a moved row with a match is retained, one without is churned."""
        shift = self.measure.shift
        assert shift is not None
        rows = self.rows_compiler(self.scan.source)
        low = high = None
        flags: list[tuple[str, exp.Expr]] = []
        if self.bounds is not None and self.start is not None and self.stop is not None:
            earliest = raw_day_bounds(self.bounds, shift)
            low = day_sql(earliest[0] if earliest and earliest[0] is not None else first_moved_in(self.start, shift))
            high = day_sql(self.stop)
            flags = [(self.now, exp.GTE(this=rows.time(), expression=day_sql(self.start))),
                     (self.before, self.counted_earlier(rows, shift, earliest))]
        keys = self.builder.kept_rows(f"{self.scan.name}_keys", self.keyed(rows, flags, low, high))
        dims = [*self.group, self.key]
        earlier = exp.select(exp.alias_(calendar.shifted(col(self.bucket), shift), ident(self.bucket)),
                             *[col(c) for c in dims]).from_(ident(keys))
        current = exp.select(col(self.bucket), *[col(c) for c in dims]).from_(ident(keys))
        if flags:
            current = current.where(exp.EQ(this=col(self.now), expression=exp.Literal.number(1)))
            earlier = earlier.where(exp.EQ(this=col(self.before), expression=exp.Literal.number(1)))
        on = exp.and_(*[exp.EQ(this=col(c, EARLIER), expression=col(c, CURRENT)) for c in (self.bucket, self.key)],
                      *[exp.NullSafeEQ(this=col(c, EARLIER), expression=col(c, CURRENT)) for c in self.group],
                      wrap=False, copy=False)
        matched = exp.Not(this=exp.Is(this=col(self.key, CURRENT), expression=exp.Null()))
        verdict = matched if self.measure.op == "retained" else exp.Is(this=col(self.key, CURRENT), expression=exp.Null())
        buckets = [col(self.bucket, EARLIER), *[col(c, EARLIER) for c in self.group]]
        select = exp.select(*[exp.alias_(b, ident(b.name)) for b in buckets],
                            exp.alias_(exp.Sum(this=one_if(verdict)), ident(self.measure.column))).from_(
            aliased(earlier, EARLIER)).join(aliased(current, CURRENT), on=on, join_type="LEFT")
        if not flags:  # without a period, moved rows do not make buckets after the data's last one
            last = exp.select(exp.alias_(exp.Max(this=col(self.bucket)), ident(LAST))).from_(ident(keys))
            select = select.join(aliased(last, LAST), join_type="CROSS").where(
                exp.LTE(this=col(self.bucket, EARLIER), expression=col(LAST, LAST)))
        select = select.group_by(*[b.copy() for b in buckets])
        if flags and not self.group:  # the calendar holds every bucket of the period already
            return select
        return self.with_present(select, keys, bool(flags))

    def with_present(self, counts: exp.Select, keys: str, now_only: bool) -> exp.Select:
        """`counts` and a 0 for every (bucket, group) with keys counted now and none counted earlier:
        the group is present (it gets its row of 0s), and without a period so is the bucket."""
        dims = [col(self.bucket), *[col(c) for c in self.group]]
        present = exp.select(*dims, exp.alias_(exp.Literal.number(0), ident(self.measure.column))).from_(ident(keys))
        if now_only:
            present = present.where(exp.EQ(this=col(self.now), expression=exp.Literal.number(1)))
        present = present.group_by(*[d.copy() for d in dims])
        return exp.select(*[d.copy() for d in dims], exp.alias_(exp.Max(this=col(self.measure.column)),
                                                               ident(self.measure.column))).from_(
            aliased(stacked([counts, present]), COUNTED)).group_by(*[d.copy() for d in dims])

    def counted_earlier(self, rows: RowCompiler, shift: Shift, raw: tuple[Day | None, Day | None] | None) -> exp.Expr:
        """A row counts for the bucket `shift` later: its moved time is in the period (compared on the
        raw time where that is exact, so no row pays for the date arithmetic)."""
        if raw is not None and raw[0] is not None and raw[1] is not None:
            low, high, time = raw[0], raw[1], rows.time()
        else:
            assert self.start is not None and self.stop is not None
            low, high, time = self.start, self.stop, calendar.shifted(rows.time(), shift)
        return exp.And(this=exp.GTE(this=time, expression=day_sql(low)),
                       expression=exp.LT(this=time.copy(), expression=day_sql(high)))

    # ---- new ---------------------------------------------------------------------------------------
    def new(self) -> exp.Select:
        """Per (group, key) over all history: the first time, and the first time inside the period
        (one GROUP BY of the rows; their buckets are taken on the reduced rows, not once per row);
        a key is new in its first bucket when that is in the period."""
        measure = self.measure
        rows = self.rows_compiler(self.scan.source)
        time = rows.time()
        in_period = time if self.start is None else exp.Case(ifs=[exp.If(
            this=exp.GTE(this=time.copy(), expression=day_sql(self.start)), true=time.copy())])
        keys = [*[rows(d.row_expr) for d in self.others], rows(measure.key)]
        columns = [*[exp.alias_(e, ident(n)) for e, n in zip(keys, [*self.group, self.key])],
                   exp.alias_(exp.Min(this=time.copy()), ident(self.first)),
                   exp.alias_(exp.Min(this=in_period), ident(self.bucket))]
        high = day_sql(self.stop) if self.stop is not None else None
        per_key = self.rows_of(rows, measure.key, measure.condition, columns, None, high)
        per_key = per_key.group_by(*[e.copy() for e in keys])
        per_bucket = exp.select(*[col(c) for c in self.group],
                                *[exp.alias_(truncate(self.grain, col(c)), ident(c)) for c in (self.first, self.bucket)]
                                ).from_(aliased(per_key, COHORT_FLAGS))
        verdict = exp.EQ(this=col(self.bucket), expression=col(self.first))
        present = exp.Not(this=exp.Is(this=col(self.bucket), expression=exp.Null()))  # the group appears
        return self.counted(aliased(per_bucket, COHORT_FLAGS), verdict, present)

    # ---- converted ---------------------------------------------------------------------------------
    def converted(self) -> exp.Select:
        """a's distinct (time, group, key) rows joined to b's distinct (time, key) rows of the same key
        from the a row's time to N units later; the distinct keys per (bucket, group) that have one."""
        measure = self.measure
        assert measure.other_source and measure.other_key is not None and measure.window is not None
        count, unit = measure.window
        low = day_sql(self.start) if self.start is not None else None
        a_rows = self.rows_compiler(self.scan.source)
        a_columns = [exp.alias_(a_rows.time(), ident(self.at)),
                     *[exp.alias_(a_rows(d.row_expr), ident(d.column)) for d in self.others],
                     exp.alias_(a_rows(measure.key), ident(self.key))]
        a = self.rows_of(a_rows, measure.key, measure.condition, a_columns, low,
                         day_sql(self.stop) if self.stop is not None else None)
        b_rows = self.rows_compiler(measure.other_source)
        b_columns = [exp.alias_(b_rows.time(), ident(self.at)), exp.alias_(b_rows(measure.other_key), ident(self.key))]
        b_high = _later(day_sql(self.stop), count, unit) if self.stop is not None else None
        b = self.rows_of(b_rows, measure.other_key, measure.other_condition, b_columns, low, b_high)
        a_time, b_time = col(self.at, A_ROWS), col(self.at, B_ROWS)
        on = exp.and_(exp.EQ(this=col(self.key, B_ROWS), expression=col(self.key, A_ROWS)),
                      exp.GTE(this=b_time, expression=a_time),
                      exp.LTE(this=b_time.copy(), expression=_later(a_time.copy(), count, unit)), wrap=False, copy=False)
        groups = [exp.alias_(truncate(self.grain, a_time.copy()), ident(self.bucket)),
                  *[exp.alias_(col(c, A_ROWS), ident(c)) for c in self.group]]
        converted = exp.Count(this=exp.Distinct(expressions=[col(self.key, B_ROWS)]))  # NULL: no b row matched
        select = exp.select(*groups, exp.alias_(converted, ident(measure.column))).from_(
            aliased(a.distinct(), A_ROWS)).join(aliased(b.distinct(), B_ROWS), on=on, join_type="LEFT")
        return select.group_by(*[g.this.copy() for g in groups])

def first_moved_in(start: Day, shift: Shift) -> Day:
    """A day on or before every time that `shift` moves to `start` or later, when no exact one is
    known (a month shift of a period starting inside a month): the first day of the month that
    `shift.months` earlier holds `start` moved back `shift.days` days."""
    return add_months(bucket_start(add_days(start, -shift.days), "month"), -shift.months)


def _later(value: exp.Expr, count: int, unit: str) -> exp.Expr:
    """`value` + count units, keeping a timestamp's time of day (a 7-day window ends 7 days later):
    `+ INTERVAL`, as Spark's DATE_ADD would drop the time of day."""
    step = {"week": (7, "DAY"), "quarter": (3, "MONTH"), "year": (12, "MONTH")}.get(unit, (1, unit.upper()))
    return exp.Add(this=value, expression=exp.Interval(this=exp.Literal.string(str(count * step[0])),
                                                       unit=exp.Var(this=step[1])))


def cohort_scan(builder: ScanBuilder, scan: Scan) -> exp.Select:
    return CohortScan(builder, scan).build()
