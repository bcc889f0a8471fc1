"""A logical plan → one SQL statement as a sqlglot tree (printed per dialect by `render`).

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

from sqlglot import exp

from metricdsl.ir import model as m
from metricdsl.plan.nodes import (
    CALENDAR,
    COMBINED,
    COMPUTED,
    FILLED,
    GROUPED,
    PER_KEY,
    PRESENT,
    RESERVED_RELATION_NAMES,
    UNMOVED,
    Compute,
    DistinctHavingMeasure,
    Measure,
    MeasureRef,
    Number,
    OutputDim,
    PercentileMeasure,
    QueryPlan,
    RankOf,
    Scan,
    Value,
    fresh_name,
)
from metricdsl.plan.percentiles import is_percentile_scan
from metricdsl.sql import bounds, calendar
from metricdsl.sql.balances import balance_scan
from metricdsl.sql.cohorts import cohort_scan
from metricdsl.sql.peers import attach_totals, rank_sql
from metricdsl.sql.percentiles import exact_percentile_scan
from metricdsl.sql.rows import (
    ARITH,
    SIMPLE_FUNCS,
    RowCompiler,
    aggregate,
    aliased,
    any_of,
    code_points,
    col,
    data_type,
    ident,
    paren,
    rounded,
    safe_divide,
    stacked,
    truncate,
    with_filter,
)
from metricdsl.sql.shared import shared_levels
from metricdsl.sql.target import Target
from metricdsl.sql.types import aggregate_type, expression_type, sql_type, table_ref
from metricdsl.sql.windows import WindowedScan, bucket_aligned, can_ride


def covers(unshifted: Scan, lagged: Scan) -> bool:
    """Does the unshifted scan read every row the lagged one reads (so its buckets span them)?"""
    if unshifted.source != lagged.source or unshifted.having or unshifted.cohort or unshifted.balance:
        return False
    reads = set(unshifted.conditions)
    return None in reads or set(lagged.conditions) <= reads


class StatementBuilder:
    def __init__(self, project: m.Project, plan: QueryPlan, target: Target, as_of: m.AsOf | None = None) -> None:
        self.project = project
        self.plan = plan
        self.target = target
        self.as_of = as_of
        self.bounds = bounds.query_bounds(plan.period, as_of)
        self.ctes: list[tuple[str, exp.Expr]] = []
        self.shared_columns: dict[int, str] = {}  # id of a shared Compute → its column
        self.measure_columns = [c for scan in plan.scans for c in scan.columns]
        self.measure_types = {c: t for scan in plan.scans for c, t in scan.column_types.items()}
        self.measure_types.update({mz.column: aggregate_type(mz.func, mz.arg, mz.type, project)
                                   for scan in plan.scans if scan.having is None for mz in scan.measures})
        self.relations: list[tuple[str, list[str]]] = []  # the CTEs to combine, with their measure columns
        self.joined: set[str] = set()  # CTEs of bucketed windows joined to the calendar
        self.kept: set[str] = set()  # CTEs of a scan's own reduced rows, computed once where the target can

    @property
    def generate_series(self) -> bool:
        return self.target.capabilities.generate_series

    @property
    def period_known(self) -> bool:
        """Are the period's buckets known when compiling (a literal period, not cut by an as-of date)?"""
        return isinstance(self.plan.period, m.Period) and self.as_of is None

    # ---- whole statement ----------------------------------------------------------------
    def build(self) -> exp.Select:
        direct = [scan for scan in self.plan.scans if scan.window is None]
        windowed = [scan for scan in self.plan.scans if scan.window is not None]
        riders = self.riders(windowed)
        for scan in direct:
            if not any(scan in group for group in riders.values()):
                self.add_scan(scan)
        time_dim = self.plan.time_dim
        if time_dim is not None:
            self.ctes.append((CALENDAR, self.calendar_cte(time_dim, direct, windowed)))
        taken = {scan.name for scan in self.plan.scans} | set(RESERVED_RELATION_NAMES)
        for scan in windowed:
            if scan.bucketed:
                windows = WindowedScan(self, scan, taken, riders.get(scan.name, []))
                windows.build()
                self.ctes.extend(windows.ctes)
                self.relations.extend(windows.relations)
                self.joined |= windows.joined
            else:
                self.add_scan(scan)
        source = self.computed(self.with_progress(attach_totals(self, self.combine())))
        final = self.final_select(source)
        reused = self.reused_ctes()
        for name, query in self.ctes:
            materialize = self.target.capabilities.materialized_ctes and name in reused
            final = final.with_(ident(name), as_=query, materialized=materialize or None, copy=False)
        return final

    def riders(self, windowed: list[Scan]) -> dict[str, list[Scan]]:
        """Unwindowed scans read from a bucketed window's buckets (period on bucket boundaries)."""
        time_dim = self.plan.time_dim
        if time_dim is None or not bucket_aligned(self.plan.period, time_dim.grain or "day"):
            return {}
        riders: dict[str, list[Scan]] = {}
        for scan in self.plan.scans:
            host = next((w for w in windowed if w.bucketed and can_ride(scan, w)), None)
            if host is not None:
                riders.setdefault(host.name, []).append(scan)
        return riders

    def add_scan(self, scan: Scan) -> None:
        self.ctes.append((scan.name, self.scan(scan)))
        self.relations.append((scan.name, scan.columns))

    def kept_rows(self, base: str, query: exp.Select) -> str:
        """A CTE of a scan's reduced rows (added before the scan's own), materialized where the target
        can: DuckDB would otherwise compute a window over them by joining two fresh copies of the scan.
        Scans that reduce the same rows the same way (retained and churned of one key) share one."""
        same = next((name for name, kept in self.ctes if name in self.kept and kept == query), None)
        if same is not None:
            return same
        taken = {scan.name for scan in self.plan.scans} | {name for name, _ in self.ctes} | set(RESERVED_RELATION_NAMES)
        name = fresh_name(base, taken)
        self.ctes.append((name, query))
        self.kept.add(name)
        return name

    def reused_ctes(self) -> set[str]:
        """CTEs read more than once: with a time dimension, the stacked data is read by the grid too."""
        if self.plan.time_dim is None or not self.relations:
            return set(self.kept)
        return self.kept | self.joined | ({COMBINED} if len(self.relations) > 1 else {self.relations[0][0]})

    def dim_columns(self) -> list[str]:
        return [d.column for d in self.plan.dims]

    def combine(self) -> str:
        """Name of the relation with one row per group and one column per measure."""
        time_dim = self.plan.time_dim
        if not self.relations:
            return self.buckets_only(time_dim)
        if len(self.relations) == 1 and time_dim is None:
            return self.relations[0][0]
        source = self.relations[0][0]
        if len(self.relations) > 1:
            self.ctes.append((COMBINED, stacked([self.padded(name, columns) for name, columns in self.relations])))
            source = COMBINED
        if time_dim is not None:
            data = self.padded(source, self.measure_columns)
            in_calendar = None
            if not self.has_period() and any(s.shift for s in self.plan.scans):
                in_calendar = calendar.within_calendar(time_dim.column)
                data = data.where(in_calendar)
            self.ctes.append((FILLED, stacked([data, self.grid(source, in_calendar)])))
            source = FILLED
        grouped = exp.select(*[col(c) for c in self.dim_columns()],
                             *[exp.alias_(exp.Max(this=col(c)), ident(c)) for c in self.measure_columns]
                             ).from_(ident(source))
        if self.plan.dims:
            grouped = grouped.group_by(*[col(c) for c in self.dim_columns()])
        self.ctes.append((GROUPED, grouped))
        return GROUPED

    def buckets_only(self, time_dim: OutputDim | None) -> str:
        """No metric reads rows (time_progress alone): one row per bucket of the period, or one row."""
        if time_dim is None:
            self.ctes.append((GROUPED, exp.select(exp.alias_(exp.Literal.number(1), ident("one")))))
        else:
            self.ctes.append((GROUPED, exp.select(col(time_dim.column)).from_(ident(CALENDAR))))
        return GROUPED

    def padded(self, relation: str, present: list[str]) -> exp.Select:
        columns: list[exp.Expr] = [col(c) for c in self.dim_columns()]
        for name in self.measure_columns:
            columns.append(col(name) if name in present else exp.alias_(self.typed_null(name), ident(name)))
        return exp.select(*columns).from_(ident(relation))

    def typed_null(self, column: str) -> exp.Expr:
        """NULL of the measure's type: PostgreSQL types an untyped NULL ∪ NULL as text."""
        type_name = self.measure_types.get(column, "unknown")
        if type_name in ("unknown", "null"):  # an undeclared column: nothing tells the type
            return exp.Null()
        return exp.Cast(this=exp.Null(), to=data_type(sql_type(type_name)))

    def grid(self, combined: str, in_calendar: exp.Expr | None) -> exp.Select:
        """Every bucket of the calendar for each combination of the other dimensions present (in
        rows of the calendar's buckets: lagged rows labelled past the data's last bucket do not count)."""
        others = [d.column for d in self.plan.dims if d.grain is None]
        columns: list[exp.Expr] = [col(d.column, CALENDAR if d.grain else PRESENT) for d in self.plan.dims]
        columns += [exp.alias_(self.typed_null(c), ident(c)) for c in self.measure_columns]
        select = exp.select(*columns).from_(exp.Table(this=ident(CALENDAR)))
        if others:
            present = exp.select(*[col(c) for c in others]).distinct().from_(ident(combined))
            if in_calendar is not None:
                present = present.where(in_calendar.copy())
            select = select.join(aliased(present, PRESENT), join_type="CROSS")
        return select

    # ---- calendar --------------------------------------------------------------------------
    def calendar_cte(self, time_dim: OutputDim, direct: list[Scan], windowed: list[Scan]) -> exp.Query:
        """Every bucket of the period; without a period, from the first to the last bucket with data."""
        grain, column = time_dim.grain or "day", time_dim.column
        generate_series = self.generate_series
        if self.bounds is not None and self.has_period():
            return bounds.calendar(self.bounds, grain, column, generate_series)
        unshifted = [scan for scan in direct if scan.shift is None]
        ranges = [calendar.bucket_range(exp.select().from_(ident(scan.name)), col(column)) for scan in unshifted]
        lagged = [scan for scan in direct if scan.shift is not None and not any(covers(u, scan) for u in unshifted)]
        raw = windowed + lagged  # buckets of the rows as they happened
        ranges += [self.source_range(scan, grain) for scan in raw]
        return calendar.data_calendar(grain, column, ranges, generate_series)

    def has_period(self) -> bool:
        return self.bounds is not None and self.bounds.start is not None

    def source_range(self, scan: Scan, grain: str) -> exp.Select:
        """The first and last bucket of a scan's rows as they happened (not shifted, not windowed)."""
        rows = RowCompiler(self.project, scan.source, capabilities=self.target.capabilities)
        bucket = truncate(grain, rows.time())
        where = self.scan_where(scan, rows, scan.conditions)  # compiled first: it decides which joins are needed
        select = self.from_with_joins(calendar.bucket_range(exp.select(), bucket), scan.source, rows)
        return select.where(where) if where is not None else select

    def with_progress(self, source: str) -> str:
        """`source` with a column per time_progress(cal) of the query (sql/progress.py), if it has any."""
        if not self.plan.progress:
            return source
        from metricdsl.sql.progress import attach_progress  # here: it brings the calendars, few queries use it

        return attach_progress(self, source)

    # ---- scans -----------------------------------------------------------------------------
    def scan(self, scan: Scan) -> exp.Select:
        if scan.planned is not None:
            from metricdsl.sql.planned import planned_scan  # here: it brings the calendars, few queries read a plan

            return planned_scan(self, scan)
        if scan.having is not None:
            return self.having_scan(scan, scan.having)
        if scan.balance is not None:
            return balance_scan(self, scan)
        if scan.cohort is not None:
            return cohort_scan(self, scan)
        if not self.target.capabilities.percentile_cont and is_percentile_scan(scan):
            return exact_percentile_scan(self, scan)
        rows = self.rows(scan)
        measures = [exp.alias_(self.measure_sql(rows, mz), ident(mz.column)) for mz in scan.measures]
        time_dim = self.plan.time_dim
        if scan.shift is None or scan.window is not None or time_dim is None or (
                time_dim.grain == "day" and scan.shift.months):
            return self.grouped_scan(scan, rows, measures, scan.conditions)
        return self.relabelled_scan(scan, rows, measures, time_dim)

    def relabelled_scan(self, scan: Scan, rows: RowCompiler, measures: list[exp.Expr], time_dim: OutputDim) -> exp.Select:
        """A lagged scan grouped on the unmoved bucket, then relabelled: an offset of whole buckets
        moves buckets one to one, so it is computed once per bucket instead of once per row.
        (At day grain a month offset may land two days on one: that scan moves its rows.)"""
        assert scan.shift is not None and time_dim.grain is not None
        bucket = truncate(time_dim.grain, RowCompiler(self.project, scan.source).time())
        dims = [bucket if d.grain else rows(d.row_expr) for d in self.plan.dims]
        inner = exp.select(*[exp.alias_(e, ident(d.column)) for e, d in zip(dims, self.plan.dims)], *measures)
        where = self.scan_where(scan, rows, scan.conditions)
        inner = self.from_with_joins(inner, scan.source, rows, scan)
        if where is not None:
            inner = inner.where(where)
        inner = inner.group_by(*[e.copy() for e in dims])
        columns = [exp.alias_(calendar.shifted(col(d.column), scan.shift), ident(d.column)) if d.grain else col(d.column)
                   for d in self.plan.dims]
        return exp.select(*columns, *[col(c) for c in scan.columns]).from_(aliased(inner, UNMOVED))

    def rows(self, scan: Scan) -> RowCompiler:
        time_value = None
        if scan.shift is not None:
            time_value = calendar.shifted(RowCompiler(self.project, scan.source).time(), scan.shift)
        return RowCompiler(self.project, scan.source, time_value, self.target.capabilities)

    def measure_sql(self, rows: RowCompiler, measure: Measure) -> exp.Expr:
        arg = None if measure.arg is None else rows(measure.arg)
        if arg is not None and measure.func in ("min", "max") and self.measure_types[measure.column] == "string" \
                and not self.target.capabilities.code_point_strings:
            arg = code_points(arg)
        condition = None if measure.condition is None else rows(measure.condition)
        fraction = measure.fraction if isinstance(measure, PercentileMeasure) else None
        return with_filter(aggregate(measure.func, arg, fraction), condition)

    def scan_dims(self, scan: Scan, rows: RowCompiler) -> list[exp.Expr]:
        """Group keys of a scan; a cumulative scan takes its time bucket from the calendar row."""
        return [col(d.column, CALENDAR) if scan.window is not None and d.grain else rows(d.row_expr)
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

    def scan_where(self, scan: Scan, rows: RowCompiler, conditions: list[m.RowExpr | None]) -> exp.Expr | None:
        parts: list[exp.Expr] = []
        if self.bounds is not None:
            raw_time = RowCompiler(self.project, scan.source).time()
            parts.extend(bounds.time_filter(self.bounds, scan.shift, scan.window is not None, rows.time(), raw_time))
        if self.plan.where is not None:
            parts.append(paren(rows(self.plan.where)))
        if conditions and all(c is not None for c in conditions):
            unique = dict.fromkeys(c for c in conditions if c is not None)
            parts.append(paren(any_of([rows(c) for c in unique])))
        return exp.and_(*parts, wrap=False, copy=False) if parts else None

    def from_with_joins(self, select: exp.Select, base: str, rows: RowCompiler, scan: Scan | None = None) -> exp.Select:
        source = self.project.sources[base]
        if scan is not None and scan.window is not None:
            select = select.from_(exp.Table(this=ident(CALENDAR))).join(
                table_ref(source.table, base), on=self.window_condition(scan, rows), join_type="INNER")
        else:
            select = select.from_(table_ref(source.table, base))
        for hop_from, hop_to in self.join_hops(base, rows.needed):
            join = next(j for j in self.project.sources[hop_from].joins if j.target == hop_to)
            on = exp.and_(*[exp.EQ(this=col(a, hop_from), expression=col(b, hop_to)) for a, b in join.pairs],
                          wrap=False, copy=False)
            select = select.join(table_ref(self.project.sources[hop_to].table, hop_to), on=on, join_type="LEFT")
        return select

    def window_condition(self, scan: Scan, rows: RowCompiler) -> exp.Expr:
        """Rows from the window's start up to the end of the calendar bucket."""
        time_dim = self.plan.time_dim
        assert scan.window is not None and time_dim is not None and time_dim.grain is not None
        start, end = calendar.window_bounds(scan.window, time_dim.grain, col(time_dim.column, CALENDAR))
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
        taken = set(self.dim_columns())  # helper columns beside the group keys: never a user's name
        key_column, passes_column = fresh_name("distinct_key", taken), fresh_name("passes", taken)
        inner = exp.select(*[exp.alias_(e, ident(d.column)) for e, d in zip(dims, self.plan.dims)],
                           exp.alias_(key, ident(key_column)), exp.alias_(passes, ident(passes_column)))
        where = self.scan_where(scan, rows, [having.condition])  # compiled first: it decides which joins are needed
        inner = self.from_with_joins(inner, scan.source, rows, scan)
        if where is not None:
            inner = inner.where(where)
        inner = inner.group_by(*[e.copy() for e in dims], key.copy())
        counted = with_filter(aggregate("count_distinct", col(key_column)), col(passes_column))
        outer = exp.select(*[col(d.column) for d in self.plan.dims], exp.alias_(counted, ident(having.column)))
        outer = outer.from_(aliased(inner, PER_KEY))
        return outer.group_by(*[col(d.column) for d in self.plan.dims]) if self.plan.dims else outer

    # ---- values several metrics share ----------------------------------------------------------
    def computed(self, source: str) -> str:
        """One CTE per level of shared values, each adding its values as columns (see sql/shared.py)."""
        taken = {*self.dim_columns(), *self.measure_columns, *(o.name for o in self.plan.metrics)}
        for level, values in enumerate(shared_levels([o.value for o in self.plan.metrics], taken), start=1):
            columns = [exp.alias_(self.compute(v.value), ident(v.column)) for v in values]
            name = COMPUTED if level == 1 else f"{COMPUTED}_{level}"
            self.ctes.append((name, exp.select(exp.Star(), *columns).from_(ident(source))))
            self.shared_columns.update({id(v.value): v.column for v in values})
            source = name
        return source

    # ---- the final select --------------------------------------------------------------------
    def final_select(self, source: str) -> exp.Select:
        columns = [exp.alias_(col(d.column), ident(d.column)) for d in self.plan.dims]
        columns += [exp.alias_(self.value(o.value), ident(o.name)) for o in self.plan.metrics]
        select = exp.select(*columns).from_(ident(source))
        if self.plan.order:
            select = select.order_by(*[exp.Ordered(this=self.sort_key(o.column), desc=o.descending, nulls_first=False)
                                       for o in self.plan.order])
        if self.plan.limit is not None:
            select = select.limit(self.plan.limit)
        return select

    def sort_key(self, column: str) -> exp.Expr:
        """An output column to sort by; a string column in code-point order where the engine needs
        `COLLATE "C"` — written on the column's expression, since PostgreSQL accepts an output alias
        in ORDER BY only on its own."""
        if self.target.capabilities.code_point_strings or column not in self.string_columns():
            return col(column)
        metric = next((o for o in self.plan.metrics if o.name == column), None)
        return code_points(self.value(metric.value) if metric is not None else col(column))

    def string_columns(self) -> set[str]:
        """Output columns that hold strings: string dimensions, and metrics that are a `min`/`max` of strings."""
        dims = {d.column for d in self.plan.dims if expression_type(d.row_expr, self.project) == "string"}
        return dims | {o.name for o in self.plan.metrics
                       if isinstance(o.value, MeasureRef) and self.measure_types.get(o.value.column) == "string"}

    def value(self, value: Value) -> exp.Expr:
        if id(value) in self.shared_columns:
            return col(self.shared_columns[id(value)])
        if isinstance(value, MeasureRef):
            ref = col(value.column)
            return exp.Coalesce(this=ref, expressions=[exp.Literal.number(0)]) if value.zero_when_empty else ref
        if isinstance(value, Number):
            return exp.Literal.number(value.value)
        if isinstance(value, RankOf):
            return rank_sql(self.value(value.value), value)
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
        if value.op == "round":
            return rounded(args, numeric=not self.target.capabilities.round_doubles)
        return SIMPLE_FUNCS[value.op](args)
