"""Saved plans (LANGUAGE.md §9 "Following a plan"): `plan --save` and `--emit-save-sql`.

A plan is written into its target's `store:` table as rows (`grain`, `start`, `member`, `target`,
`saved_at`): one `year` row for the whole period, and one row per month (and week, if the plan
spreads to weeks); each for the whole (`member` null) and, when the target is split, for every
member. `planned(T)` reads the member rows when grouped by the split dimension and the null rows
otherwise. Saving replaces every earlier row, in one transaction (delete, then insert) on DuckDB and
PostgreSQL, and with `INSERT OVERWRITE` on Impala and Spark; the schema and table are created where
missing. Statements are sqlglot trees, printed per dialect. `read_plan` reads the rows back (for
`track`), and says which command to run when there are none.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal

from sqlglot import exp

from metricdsl.allocate.models import PlanResult, TargetSpec
from metricdsl.errors import WarehouseError
from metricdsl.runtime.baseline import as_date
from metricdsl.runtime.warehouse import Warehouse
from metricdsl.sql.types import table_ref

COLUMNS = {"grain": "VARCHAR", "start": "DATE", "member": "VARCHAR", "target": "DOUBLE", "saved_at": "TIMESTAMP"}
OVERWRITE_DIALECTS = ("impala", "spark")

PlanRow = tuple[str, date, str | None, float]


class SavedPlanMissing(WarehouseError):
    """The target's `store:` table is missing or holds no plan: `plan --save` has not been run (E703)."""


def plan_rows(plan: PlanResult) -> list[PlanRow]:
    """(grain, start, member, target): the year, then months, then weeks; totals (None) first.

    A re-plan (`--actuals-through`) saves its re-planned period totals (actuals + re-spread) as the
    year rows, so that every grain of the saved plan adds up to the year."""
    if plan.replan is None:
        rows: list[PlanRow] = [("year", plan.period.start, None, plan.target_value)]
        rows += [("year", plan.period.start, split.member, split.target) for split in plan.split]
    else:
        rows = [("year", plan.period.start, None, plan.replan.planned)]
        rows += [("year", plan.period.start, split.member, float(Decimal(repr(split.actual or 0.0))
                                                                 + Decimal(repr(split.remaining or 0.0))))
                 for split in plan.split]
    for grain in plan.grains:
        totals: dict[date, Decimal] = defaultdict(Decimal)
        members: list[PlanRow] = []
        for row in plan.spread:
            if row.grain == grain:
                totals[row.start] += Decimal(repr(row.target))
                members.append((grain, row.start, row.member, row.target))
        rows += [(grain, start, None, float(total)) for start, total in sorted(totals.items())]
        if plan.split_dimension is not None:
            rows += members
    return rows


def _dialect(dialect: str, impala_version: str) -> object:
    if dialect == "impala":
        from metricdsl.sql.dialects.impala import impala_dialect

        return impala_dialect(impala_version)
    return dialect


def _column_type(dialect: str, name: str) -> exp.DataType:
    kind = "STRING" if dialect in OVERWRITE_DIALECTS and COLUMNS[name] == "VARCHAR" else COLUMNS[name]
    return exp.DataType.build(kind)


def save_statements(spec: TargetSpec, plan: PlanResult, dialect: str, saved_at: datetime) -> list[exp.Expression]:
    """Create the schema and table where missing, then replace every row with the plan's."""
    if spec.store is None:
        raise WarehouseError(f"target {spec.name} has no `store:` table to save its plan in")
    table = table_ref(spec.store)
    statements: list[exp.Expression] = []
    if len(spec.store) > 1:
        kind = "DATABASE" if dialect in OVERWRITE_DIALECTS else "SCHEMA"
        statements.append(exp.Create(this=exp.Table(this=exp.to_identifier(spec.store[-2], quoted=True)),
                                     kind=kind, exists=True))
    defs = [exp.ColumnDef(this=exp.to_identifier(name, quoted=True), kind=_column_type(dialect, name))
            for name in COLUMNS]
    statements.append(exp.Create(this=exp.Schema(this=table.copy(), expressions=defs), kind="TABLE", exists=True))
    stamp = exp.cast(exp.Literal.string(saved_at.strftime("%Y-%m-%d %H:%M:%S")), "TIMESTAMP")
    values = exp.values([
        exp.Tuple(expressions=[
            exp.Literal.string(grain),
            exp.cast(exp.Literal.string(start.isoformat()), "DATE"),
            exp.cast(exp.null(), _column_type(dialect, "member")) if member is None else exp.Literal.string(member),
            exp.cast(exp.Literal.number(repr(target)), "DOUBLE"),
            stamp.copy(),
        ])
        for grain, start, member, target in plan_rows(plan)
    ])
    columns = [exp.to_identifier(name, quoted=True) for name in COLUMNS]
    if dialect in OVERWRITE_DIALECTS:
        statements.append(exp.Insert(this=table.copy(), expression=values, overwrite=True))
        return statements
    statements.append(exp.Delete(this=table.copy()))
    statements.append(exp.insert(values, table.copy(), columns=columns))
    return statements


def render_statements(statements: list[exp.Expression], dialect: str, impala_version: str = "3.4") -> str:
    """`--emit-save-sql`: the statements, one per paragraph, each ending in `;`."""
    target = _dialect(dialect, impala_version)
    return "".join(statement.sql(target, pretty=True) + ";\n\n" for statement in statements)  # type: ignore[arg-type]


def save_plan(warehouse: Warehouse, spec: TargetSpec, plan: PlanResult, saved_at: datetime) -> int:
    """Write the plan into the warehouse; the earlier version stays if anything fails. Returns the rows written."""
    statements = save_statements(spec, plan, warehouse.dialect, saved_at)
    *ddl, delete, insert = statements
    for statement in ddl:
        warehouse.execute(statement.sql(warehouse.dialect))
    warehouse.execute("BEGIN")
    try:
        warehouse.execute(delete.sql(warehouse.dialect))
        warehouse.execute(insert.sql(warehouse.dialect))
    except WarehouseError:
        warehouse.execute("ROLLBACK")
        raise
    warehouse.execute("COMMIT")
    return len(plan_rows(plan))


def read_plan(warehouse: Warehouse, spec: TargetSpec) -> list[PlanRow]:
    """The saved rows of `spec`'s plan as (grain, start, member, target); raises SavedPlanMissing."""
    command = f"run `metricdsl plan --target {spec.name} --save` first"
    if spec.store is None:
        raise SavedPlanMissing(f"target {spec.name} has no `store:` table to read a saved plan from; add "
                               f"`store: kpi.plan_{spec.name}` to it and {command}")
    name = ".".join(spec.store)
    if not warehouse.table_exists(spec.store):
        raise SavedPlanMissing(f"saved plan table {name} of target {spec.name} is missing; {command}")
    columns = [exp.column(column, quoted=True) for column in ("grain", "start", "member", "target")]
    query = exp.select(*columns).from_(table_ref(spec.store))
    rows = [(str(grain), as_date(start), None if member is None else str(member), float(target))
            for grain, start, member, target in warehouse.execute(query.sql(warehouse.dialect)).rows]
    if not any(grain == "year" and member is None for grain, _, member, _ in rows):
        raise SavedPlanMissing(f"saved plan table {name} holds no plan of target {spec.name}; {command}")
    return rows


