"""`plan --save` / `--emit-save-sql` (LANGUAGE.md §9): the saved rows equal the plan JSON, on DuckDB and PostgreSQL."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlglot
from click.testing import CliRunner
from support.impala_lint import lint_impala
from support.paths import SPECS_DIR

from metricdsl.allocate import allocate
from metricdsl.cli import main
from metricdsl.runtime.baseline import fetch_baseline
from metricdsl.runtime.plan_store import render_statements, save_plan, save_statements
from metricdsl.sql.dialects.impala import impala_dialect

TARGET = "revenue_2027"
TABLE = "kpi.plan_revenue_2027"


def run(*args: str) -> Any:
    return CliRunner().invoke(main, [*args], catch_exceptions=False)


def expected_rows(plan: dict[str, Any]) -> dict[tuple[str, str, str | None], float]:
    """Plain Python over the plan JSON: the year, months and weeks, per member and for the whole."""
    rows: dict[tuple[str, str, str | None], float] = defaultdict(float)
    rows["year", plan["period"]["start"], None] = plan["target_value"]
    for split in plan["split"]:
        rows["year", plan["period"]["start"], split["member"]] = split["target"]
    for spread in plan["spread"]:
        rows[spread["grain"], spread["start"], spread["member"]] = spread["target"]
        rows[spread["grain"], spread["start"], None] += spread["target"]
    return dict(rows)


def saved(engine: Any) -> dict[tuple[str, str, str | None], float]:
    result = engine.execute(f"SELECT grain, start, member, target, saved_at FROM {TABLE}")
    assert result.columns == ["grain", "start", "member", "target", "saved_at"]
    rows = {(grain, start.isoformat(), member): float(target) for grain, start, member, target, _ in result.rows}
    assert len(rows) == len(result.rows)
    return rows


def test_saving_twice_leaves_one_copy_equal_to_the_plan(engine: Any, load: Any) -> None:
    project = load(SPECS_DIR)
    spec = project.targets[TARGET]
    assert spec.store == ("kpi", "plan_revenue_2027")
    engine.execute("DROP SCHEMA IF EXISTS kpi CASCADE")
    plan = allocate(spec, fetch_baseline(project, spec, engine))
    reference = expected_rows(json.loads(plan.model_dump_json()))
    assert save_plan(engine, spec, plan, datetime(2026, 12, 1, 9, 0)) == len(reference)
    assert save_plan(engine, spec, plan, datetime(2026, 12, 2, 9, 0)) == len(reference)
    assert saved(engine) == pytest.approx(reference, abs=1e-6)
    stamps = engine.execute(f"SELECT DISTINCT saved_at FROM {TABLE}").rows
    assert stamps == [(datetime(2026, 12, 2, 9, 0),)]
    assert {grain for grain, _, _ in reference} == {"year", "month", "week"}
    months = engine.execute(f"SELECT SUM(target) FROM {TABLE} WHERE grain = 'month' AND member IS NULL").rows
    assert float(months[0][0]) == pytest.approx(plan.target_value)


def test_save_from_the_cli(tmp_path: Path) -> None:
    db = f"duckdb:///{tmp_path / 'w.duckdb'}"
    result = run("plan", str(SPECS_DIR), "--target", TARGET, "--save", "--db", db, "--data", str(SPECS_DIR / "data"),
                 "--format", "json")
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert f"saved {len(expected_rows(plan))} rows of {TARGET} into {TABLE}" in result.stderr
    import duckdb

    with duckdb.connect(str(tmp_path / "w.duckdb")) as connection:
        rows = connection.execute(f"SELECT grain, start, member, target FROM {TABLE}").fetchall()
    assert {(g, s.isoformat(), m): t for g, s, m, t in rows} == pytest.approx(expected_rows(plan), abs=1e-6)


@pytest.mark.parametrize("dialect", ["impala", "spark"])
def test_emit_save_sql_overwrites(dialect: str) -> None:
    result = run("plan", str(SPECS_DIR), "--target", TARGET, "--emit-save-sql", "--dialect", dialect)
    assert result.exit_code == 0
    statements = [s for s in result.stdout.split(";\n\n") if s.strip()]
    read = impala_dialect("3.4") if dialect == "impala" else "spark"
    trees = [sqlglot.parse_one(s, dialect=read) for s in statements]  # type: ignore[arg-type]
    assert [type(t).__name__ for t in trees] == ["Create", "Create", "Insert"]
    assert statements[2].startswith("INSERT OVERWRITE TABLE `kpi`.`plan_revenue_2027`")
    if dialect == "impala":
        assert lint_impala(result.stdout) == []


def test_emit_save_sql_runs_on_duckdb_and_postgres(engine: Any, load: Any, dialect: str) -> None:
    project = load(SPECS_DIR)
    spec = project.targets[TARGET]
    plan = allocate(spec, fetch_baseline(project, spec, engine))
    engine.execute("DROP SCHEMA IF EXISTS kpi CASCADE")
    text = render_statements(save_statements(spec, plan, dialect, datetime(2026, 12, 2)), dialect)
    engine.run_script(s for s in text.split(";\n\n") if s.strip())
    assert saved(engine) == pytest.approx(expected_rows(json.loads(plan.model_dump_json())), abs=1e-6)
    assert date(2027, 1, 1).isoformat() in {start for _, start, _ in saved(engine)}


@pytest.mark.parametrize(("args", "message"), [
    (["--save"], "error: --save writes into a database: add --db URL"),
    (["--save", "--emit-save-sql"], "error: give either --save or --emit-save-sql, not both"),
    (["--emit-save-sql", "--format", "json"], "error: --emit-save-sql prints SQL; it does not go with --format or --out"),
    (["--emit-sql", "--save"], "error: --emit-sql prints the baseline SQL"),
    (["--emit-sql", "--save", "--db", "duckdb:///x.duckdb"], "error: --db does not apply with --emit-sql"),
    (["--save", "--db", "duckdb:///:memory:", "--data", str(SPECS_DIR / "data")],
     "error: --save writes into a database: add --db URL"),
    (["--emit-save-sql", "--mermaid", "tree.mmd", "--data", str(SPECS_DIR / "data")],
     "error: --emit-save-sql prints SQL; it does not go with --mermaid"),
    (["--emit-save-sql", "--baseline", "b.csv", "--db", "duckdb:///x.duckdb"],
     "error: give either a database (--db/--data) or --baseline files, not both"),
])
def test_save_flags_are_never_ignored(args: list[str], message: str) -> None:
    result = run("plan", str(SPECS_DIR), "--target", TARGET, *args)
    assert result.exit_code == 2 and result.stderr.startswith(message)


def test_a_target_without_store_cannot_be_saved(tmp_path: Path) -> None:
    project = tmp_path / "p"
    project.mkdir()
    for path in SPECS_DIR.glob("*.metric"):
        text = path.read_text(encoding="utf-8")
        (project / path.name).write_text(text.replace("  store:    kpi.plan_revenue_2027", ""), encoding="utf-8")
    result = run("plan", str(project), "--target", TARGET, "--emit-save-sql", "--data", str(SPECS_DIR / "data"))
    assert result.exit_code == 2
    assert result.stderr.startswith("error: target revenue_2027 has no `store:` table to save its plan in")
