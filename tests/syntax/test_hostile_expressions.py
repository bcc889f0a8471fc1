"""Hostile expressions (issue 14): long chains that must compile, nesting that must get a clear
error instead of a RecursionError, numbers out of range, and syntax-error recovery whose work
grows linearly with the file."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from metricdsl.source import SourceFile
from metricdsl.syntax import parse
from metricdsl.syntax.parse import MAX_NESTING, parse_file

ORDERS = """source orders {
  table: dw.fact_orders
  time: order_date
  key: order_id
  columns { order_id: bigint, order_date: date, customer_id: bigint, status: string, amount: decimal(18, 2) }
}
"""
TERMS = 1000


def cli(*args: str) -> tuple[int, str]:
    from metricdsl.cli import main

    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, result.output


def sql_of(tmp_path: Path, metric: str, dialect: str) -> tuple[int, str]:
    (tmp_path / "spec.metric").write_text(ORDERS + metric + "\nquery q { metrics: r\n by: time.month }\n",
                                          encoding="utf-8")
    return cli("sql", str(tmp_path), "--query", "q", "--dialect", dialect, "--no-cache")


# ---- chains compile, however long ----------------------------------------------------------------
CHAINS = {
    "or": "metric r = sum(orders.amount) where " + " or ".join(f"orders.status = 's{i}'" for i in range(TERMS)),
    "and": "metric r = sum(orders.amount) where " + " and ".join(f"orders.amount > {i}" for i in range(TERMS)),
    "unary minus": "metric r = sum(orders.amount) * " + "- " * TERMS + "1",
    "not": "metric r = sum(orders.amount) where " + "not " * TERMS + "orders.amount > 0",
    "plus": "metric r = " + " + ".join(f"sum(orders.amount) * {i}" for i in range(TERMS)),
    "plus and minus": "metric r = " + " - ".join(f"sum(orders.amount) + {i}" for i in range(TERMS)),
    "row sum": "metric r = sum(" + " + ".join(f"orders.amount * {i}" for i in range(TERMS)) + ")",
    "product": "metric r = sum(orders.amount) * " + " * ".join("1" for _ in range(TERMS)),
}


@pytest.mark.parametrize("dialect", ["duckdb", "postgres", "impala"])
@pytest.mark.parametrize("chain", sorted(CHAINS))
def test_a_chain_of_a_thousand_terms_compiles(tmp_path: Path, chain: str, dialect: str) -> None:
    code, output = sql_of(tmp_path, CHAINS[chain], dialect)
    assert code == 0, output[-2000:]
    assert "SELECT" in output


def test_a_long_chain_computes_the_same_value_as_written(tmp_path: Path) -> None:
    """Regrouping a − b + c − … must not change the value: run it on DuckDB and compare."""
    import duckdb

    values = [(i * 7) % 13 - 6 for i in range(TERMS)]
    signs = ["+" if i % 3 else "-" for i in range(TERMS)]
    expr = str(values[0]) + "".join(f" {s} sum(orders.amount) * {v}" for s, v in zip(signs[1:], values[1:], strict=True))
    (tmp_path / "spec.metric").write_text(ORDERS + f"metric r = {expr}\nquery q {{ metrics: r }}\n", encoding="utf-8")
    code, sql = cli("sql", str(tmp_path), "--query", "q", "--no-cache")
    assert code == 0, sql
    connection = duckdb.connect()
    connection.execute("create schema dw")
    connection.execute("create table dw.fact_orders (order_id bigint, order_date date, customer_id bigint, "
                       "status varchar, amount decimal(18, 2))")
    connection.execute("insert into dw.fact_orders values (1, date '2026-01-05', 1, 'paid', 2.5), "
                       "(2, date '2026-02-05', 2, 'paid', 4)")
    total = 6.5
    expected = values[0] + sum((v if s == "+" else -v) * total for s, v in zip(signs[1:], values[1:], strict=True))
    row = connection.execute(sql).fetchone()
    assert row is not None and float(row[0]) == pytest.approx(expected)


# ---- nesting that cannot be regrouped gets a diagnostic --------------------------------------------
@pytest.mark.parametrize("form", ["paren", "call"])
def test_nesting_beyond_the_limit_is_e006(tmp_path: Path, form: str) -> None:
    depth = 600
    expr = ("sum(orders.amount)" + " + (1" * depth + ")" * depth) if form == "paren" else \
        ("abs(" * depth + "sum(orders.amount)" + ")" * depth)
    code, output = sql_of(tmp_path, f"metric r = {expr}\nmetric uses_r = r * 2", "duckdb")
    assert code == 1
    assert f"error[E006]: expression nested more than {MAX_NESTING} levels deep" in output
    assert "uses_r" not in output  # the deep metric's name stays known: no follow-up error


def test_nesting_at_the_limit_compiles(tmp_path: Path) -> None:
    depth = MAX_NESTING - 2
    code, output = sql_of(tmp_path, "metric r = " + "abs(" * depth + "sum(orders.amount)" + ")" * depth, "postgres")
    assert code == 0, output[-2000:]


def test_nesting_through_metric_references_is_bounded(tmp_path: Path) -> None:
    depth = MAX_NESTING - 5
    metric = ("metric m0 = " + "1 / (" * depth + "sum(orders.amount)" + ")" * depth + "\n"
              "metric r = " + "1 / (" * depth + "m0" + ")" * depth)
    code, output = sql_of(tmp_path, metric, "duckdb")
    assert code == 1
    assert "error[E006]: metric `r` nests" in output and "Traceback" not in output


# ---- numbers out of range -----------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["1e400", "1e-400", "2x * 1e309", "1e999999999"])
def test_a_number_out_of_float_range_is_e004(text: str) -> None:
    _, problems = parse_file(SourceFile("spec.metric", ORDERS + f"metric r = sum(orders.amount) * {text}\n"))
    assert [p.code for p in problems] == ["E004"]
    assert problems[0].message.startswith("number `1e") and problems[0].message.endswith("is out of range")
    assert problems[0].span is not None and problems[0].span.line == 7


# ---- recovery after a syntax error is linear ----------------------------------------------------------
def counted_parse(monkeypatch: pytest.MonkeyPatch, declarations: int) -> tuple[int, int]:
    """(characters handed to the parser, characters of the file) for a file with one syntax error."""
    handed: list[int] = []
    real = parse._parse

    def counting(text: str):  # type: ignore[no-untyped-def]
        handed.append(len(text))
        return real(text)

    monkeypatch.setattr(parse, "_parse", counting)
    lines = [f"metric m{i} = sum(orders.amount) where orders.status = 's{i}'\n" for i in range(declarations)]
    lines.insert(declarations // 2, "metric oops = sum(orders.amount) +\n")
    text = ORDERS + "".join(lines)
    tree, problems = parse_file(SourceFile("spec.metric", text))
    assert [p.code for p in problems] == ["E002"]
    assert problems[0].span is not None and problems[0].span.line == 7 + declarations // 2
    assert len(tree.declarations) == declarations + 1 and tree.broken_names == ("oops",)
    return sum(handed), len(text)


def test_recovery_work_grows_linearly_with_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    small_work, small_size = counted_parse(monkeypatch, 200)
    large_work, large_size = counted_parse(monkeypatch, 2000)
    assert small_work <= 3 * small_size
    assert large_work <= 3 * large_size


def test_errors_after_recovery_keep_their_positions() -> None:
    text = ORDERS + "metric a = sum(orders.amount) +\n\n  metric b = sum(orders.amount) * * 2\nmetric c = 1 )\n"
    _, problems = parse_file(SourceFile("spec.metric", text))
    assert [(p.code, p.span.line, p.span.column) for p in problems if p.span] == [
        ("E002", 7, 32), ("E002", 9, 35), ("E002", 10, 14)]


def test_the_language_server_parses_from_a_later_line() -> None:
    tree, problems = parse_file(SourceFile("spec.metric", "metric a = sum(orders.amount) +\n"), first_line=40)
    assert tree.declarations == () and problems[0].span is not None and problems[0].span.line == 40
