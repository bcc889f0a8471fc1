"""The baseline of a target (LANGUAGE.md §9): queried through the compiler, or read from a CSV file.

Three ad-hoc queries over the baseline period, compiled like `metricdsl sql --metrics …`:

* `total`  — the target's metric and every node of its tree, overall (one row);
* `split`  — the metric by the split dimension (only with `split:`);
* `month`  — the metric by the split dimension (if any) and `time.month`.

**CSV baseline** (`plan --baseline FILE`, for warehouses such as Impala that `plan` cannot reach):
a long table with the header `kind,member,month,metric,value`, one value per row:

    kind,member,month,metric,value
    total,,,revenue,2925296.00          # the target's metric over the baseline period
    total,,,aov,5838.91                 # each node of the tree
    split,稳健理财A,,revenue,901234.00   # one row per member of the split dimension
    month,稳健理财A,2026-01,revenue,6780.00  # one row per member and month (month: YYYY-MM or YYYY-MM-DD)

    actual,稳健理财A,2026-03-02,revenue,4200.00  # re-planning only: per member and day (YYYY-MM-DD)

An empty `member` is the NULL member (and the only member when the target has no split).
`plan --emit-sql --dialect impala` prints one statement whose result is exactly this table (with the
`actual` rows when `--actuals-through DATE` is given; see `runtime.actuals`).
"""

from __future__ import annotations

import csv
import datetime
import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from metricdsl.allocate.models import Baseline, TargetSpec
from metricdsl.allocate.replan import lock_horizon
from metricdsl.errors import BaselineError
from metricdsl.ir import model as m
from metricdsl.pipeline.compile import compile_sql, compile_statement
from metricdsl.pipeline.request import QueryRequest

if TYPE_CHECKING:
    from sqlglot import exp

    from metricdsl.runtime.warehouse import QueryResult, Warehouse

Kind = Literal["total", "split", "month", "actual"]
CSV_HEADER = ("kind", "member", "month", "metric", "value")
KINDS: tuple[Kind, ...] = ("total", "split", "month", "actual")
DAY = "time.day"


@dataclass(frozen=True)
class BaselineQuery:
    kind: Kind
    metrics: tuple[str, ...]
    by: tuple[str, ...]
    period: str

    @property
    def request(self) -> QueryRequest:
        """The ad-hoc query, as `metricdsl sql --metrics … --by … --period …` would ask it."""
        return QueryRequest(metrics=self.metrics, by=self.by, period=self.period)


@dataclass(frozen=True)
class BaselineRow:
    kind: Kind
    member: str | None
    month: datetime.date | None
    metric: str
    value: float | None


# ---- the queries -----------------------------------------------------------------------------
def tree_nodes(spec: TargetSpec) -> list[str]:
    nodes = [spec.metric]
    for edge in spec.tree:
        nodes += [child for child in edge.children if child not in nodes]
    return nodes


def actuals_query(spec: TargetSpec, through: datetime.date) -> BaselineQuery | None:
    """Re-planning: the metric by split member and day through the last locked day (None if none ended)."""
    horizon = lock_horizon(spec, through)
    if horizon is None:
        return None
    split = (spec.split_dimension,) if spec.split_dimension else ()
    return BaselineQuery("actual", (spec.metric,), (*split, DAY), f"{spec.period_start} .. {horizon}")


def baseline_queries(spec: TargetSpec) -> list[BaselineQuery]:
    period = f"{spec.baseline_start.isoformat()} .. {spec.baseline_end.isoformat()}"
    split = (spec.split_dimension,) if spec.split_dimension else ()
    queries = [BaselineQuery("total", tuple(tree_nodes(spec)), (), period)]
    if split:
        queries.append(BaselineQuery("split", (spec.metric,), split, period))
    if spec.spread_grains:
        queries.append(BaselineQuery("month", (spec.metric,), (*split, "time.month"), period))
    return queries


# ---- from a database -------------------------------------------------------------------------
def fetch_baseline(project: m.Project, spec: TargetSpec, warehouse: Warehouse) -> Baseline:
    """Runs the baseline queries on `warehouse` (raises CheckFailed or WarehouseError)."""
    rows: list[BaselineRow] = []
    for query in baseline_queries(spec):
        result = warehouse.execute(compile_sql(project, query.request, warehouse.dialect))
        rows.extend(rows_of(query, result))
    return baseline_from_rows(spec, rows)


def rows_of(query: BaselineQuery, result: QueryResult) -> list[BaselineRow]:
    index = {name: position for position, name in enumerate(result.columns)}
    split_column = _split_column(query)
    rows = []
    for row in result.rows:
        member = member_text(row[index[split_column]]) if split_column else None
        month = (_month_of(row[index["time_month"]]) if "time.month" in query.by
                 else as_date(row[index["time_day"]]) if DAY in query.by else None)
        rows += [BaselineRow(query.kind, member, month, metric, number_or_none(row[index[metric]])) for metric in query.metrics]
    return rows


def _split_column(query: BaselineQuery) -> str | None:
    return query.by[0].replace(".", "_") if query.by and not query.by[0].startswith("time.") else None


def member_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def number_or_none(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, (int, float, Decimal)):
        return float(value)
    return float(str(value))


def _month_of(value: object) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date().replace(day=1)
    if isinstance(value, datetime.date):
        return value.replace(day=1)
    return datetime.date.fromisoformat(str(value)[:7] + "-01")


def as_date(value: object) -> datetime.date:
    """A DATE column's value as a date, whatever the driver returns (date, datetime or text)."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])


# ---- rows → Baseline -------------------------------------------------------------------------
def baseline_from_rows(spec: TargetSpec, rows: Iterable[BaselineRow]) -> Baseline:
    totals: dict[str, float | None] = {}
    members: dict[str | None, float] = {}
    member_months: dict[tuple[str | None, datetime.date], float] = {}
    for row in rows:
        if row.kind == "total":
            totals[row.metric] = row.value
        elif row.metric != spec.metric:
            raise BaselineError(f"a `{row.kind}` row is for {row.metric}, but target {spec.name} plans {spec.metric}")
        elif row.kind == "split":
            members[row.member] = row.value or 0.0
        elif row.kind == "month":
            assert row.month is not None
            key = (row.member, row.month)
            member_months[key] = member_months.get(key, 0.0) + (row.value or 0.0)
    total = totals.get(spec.metric)
    if total is None:
        raise BaselineError(f"the baseline has no `total` value of {spec.metric}")
    drivers = {name: value for name, value in totals.items() if name != spec.metric and value is not None}
    return Baseline(total=total, drivers=drivers, members=members, member_months=member_months)


# ---- from CSV --------------------------------------------------------------------------------
def read_baseline_csv(paths: Sequence[Path], spec: TargetSpec) -> Baseline:
    return baseline_from_rows(spec, read_baseline_rows(paths))


def read_baseline_rows(paths: Sequence[Path]) -> list[BaselineRow]:
    rows: list[BaselineRow] = []
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError as error:
            raise BaselineError(f"cannot read {path}: {error.strerror}") from None
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            raise BaselineError(f"{path}:{line}: the file is not valid UTF-8 (byte 0x{data[error.start]:02x}); "
                                f"save it as UTF-8") from None
        rows.extend(parse_baseline_csv(text, str(path)))
    return rows


def parse_baseline_csv(text: str, name: str = "<baseline>") -> list[BaselineRow]:
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None or tuple(cell.strip().lower() for cell in header) != CSV_HEADER:
        raise BaselineError(f"{name}:1: the header must be {','.join(CSV_HEADER)}")
    return [_csv_row(cells, f"{name}:{line}") for line, cells in enumerate(reader, start=2) if any(cells)]


def _csv_row(cells: list[str], where: str) -> BaselineRow:
    if len(cells) != len(CSV_HEADER):
        raise BaselineError(f"{where}: expected {len(CSV_HEADER)} cells, found {len(cells)}")
    kind, member, month, metric, value = (cell.strip() for cell in cells)
    if kind not in KINDS:
        raise BaselineError(f"{where}: kind `{kind}` is not one of {', '.join(KINDS)}")
    if kind in ("month", "actual") and not month:
        raise BaselineError(f"{where}: a `{kind}` row needs a {'day (YYYY-MM-DD)' if kind == 'actual' else 'month (YYYY-MM)'}")
    try:
        parsed_month = _month_of(month) if kind == "month" else datetime.date.fromisoformat(month) if kind == "actual" \
            else None
        parsed_value = float(value) if value else None
    except ValueError as error:
        raise BaselineError(f"{where}: {error}") from None
    if parsed_value is not None and not math.isfinite(parsed_value):
        raise BaselineError(f"{where}: value `{value}` is not a finite number")
    return BaselineRow(kind, member or None, parsed_month, metric, parsed_value)


# ---- SQL that returns the CSV ----------------------------------------------------------------
def baseline_sql(project: m.Project, spec: TargetSpec, dialect: str, impala_version: str = "3.4",
                 actuals_through: datetime.date | None = None) -> str:
    """One statement whose result is the CSV baseline (`kind,member,month,metric,value`), with the
    `actual` rows of a re-plan when `actuals_through` is given.

    Each baseline query's statement (a tree) becomes CTEs of this one: its own CTEs renamed with a
    prefix, then the query itself as `baseline_<kind>`, read by one SELECT per metric.
    """
    from sqlglot import exp

    from metricdsl.sql.target import target

    flavour = target(dialect, impala_version).sqlglot
    ctes: list[exp.CTE] = []
    selects: list[exp.Select] = []
    actuals = actuals_query(spec, actuals_through) if actuals_through is not None else None
    for number, query in enumerate([*baseline_queries(spec), *([actuals] if actuals else [])], start=1):
        statement = compile_statement(project, query.request, dialect, impala_version)
        alias = f"baseline_{query.kind}"
        ctes += _hoisted(statement, f"b{number}_", alias)
        selects += [_long_select(query, metric, alias) for metric in query.metrics]
    union: exp.Query = selects[0]
    for select in selects[1:]:
        union = exp.union(union, select, distinct=False)
    union.set("with_", exp.With(expressions=ctes))
    replan = f" --actuals-through {actuals_through}" if actuals_through is not None else ""
    header = (f"-- metricdsl plan baseline: target {spec.name} ({dialect}); save the result as CSV with the header "
              f"{','.join(CSV_HEADER)}\n-- then: metricdsl plan PROJECT --target {spec.name} --baseline FILE.csv{replan}\n")
    return header + union.sql(dialect=flavour, pretty=True, identify=True) + ";\n"


def _hoisted(statement: exp.Expr, prefix: str, alias: str) -> list[exp.CTE]:
    """The statement's CTEs, renamed with `prefix`, then the statement itself as CTE `alias`."""
    from sqlglot import exp

    with_ = statement.args.get("with_")
    statement.set("with_", None)
    statement.set("order", None)
    inner = list(with_.expressions) if with_ is not None else []
    names = {cte.alias_or_name for cte in inner}
    for node in [*inner, statement]:
        _relations_as_tables(node)
        for table in node.find_all(exp.Table):
            if not table.args.get("db") and table.name in names:
                if not table.alias:  # keep `calendar.x` column references valid
                    table.set("alias", exp.TableAlias(this=exp.to_identifier(table.name)))
                table.set("this", exp.to_identifier(prefix + table.name))
    for cte in inner:
        cte.set("alias", exp.TableAlias(this=exp.to_identifier(prefix + cte.alias_or_name)))
    return [*inner, exp.CTE(this=statement, alias=exp.TableAlias(this=exp.to_identifier(alias)))]


def _relations_as_tables(statement: exp.Expr) -> None:
    """`FROM name` held as a bare identifier (as the generator builds it) becomes a table, so it can be renamed."""
    from sqlglot import exp

    for clause in [*statement.find_all(exp.From, exp.Join)]:
        if isinstance(clause.this, exp.Identifier):
            clause.set("this", exp.Table(this=clause.this))


def _long_select(query: BaselineQuery, metric: str, alias: str) -> exp.Select:
    from sqlglot import exp

    split_column = _split_column(query)
    text = exp.DataType.build("text")
    member = exp.cast(exp.column(split_column), text) if split_column else exp.cast(exp.null(), text)
    bucket = "time_month" if "time.month" in query.by else "time_day" if DAY in query.by else None
    month = exp.cast(exp.column(bucket), text) if bucket else exp.cast(exp.null(), text)
    value = exp.cast(exp.column(metric), exp.DataType.build("double"))
    return exp.select(
        exp.alias_(exp.Literal.string(query.kind), "kind"), exp.alias_(member, "member"),
        exp.alias_(month, "month"), exp.alias_(exp.Literal.string(metric), "metric"), exp.alias_(value, "value"),
    ).from_(alias)
