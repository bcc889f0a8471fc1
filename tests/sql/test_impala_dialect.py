"""The Impala dialect: exact text per rule, parse-back, lint, and same rows on DuckDB."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import duckdb
import pytest
import sqlglot
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ErrorLevel, UnsupportedError
from support.impala_lint import lint_impala

from metricdsl.sql.dialects.impala import (
    Impala,
    impala_capabilities,
    impala_dialect,
    supports_multiple_count_distinct,
)

IMPALA = impala_dialect("3.4")


def to_impala(sql: str, version: str = "3.4") -> str:
    """DuckDB-flavoured SQL as Impala SQL; anything unsupported fails the test."""
    tree = sqlglot.parse_one(sql, read="duckdb")
    return impala_dialect(version).generate(tree, unsupported_level=ErrorLevel.RAISE)


def date_trunc(this: exp.Expr, unit: exp.Expr) -> exp.DateTrunc:
    """The planner's truncation node (sqlglot's DateTrunc constructor is untyped)."""
    return exp.DateTrunc(this=this, unit=unit)  # type: ignore[no-untyped-call]


def render(tree: exp.Expr, version: str = "3.4") -> str:
    return impala_dialect(version).generate(tree, unsupported_level=ErrorLevel.RAISE)


# -------------------------------------------------------------------------------------------
# (a) exact Impala text, one case per rule; (b) parse-back; (c) the linter accepts them
# -------------------------------------------------------------------------------------------

TRANSPILE_CASES: list[tuple[str, str]] = [
    # identifiers and string literals
    ('SELECT "My Col" FROM t', "SELECT `My Col` FROM t"),
    ("SELECT 'O''Brien'", "SELECT 'O\\'Brien'"),
    ("SELECT 'a\\b'", "SELECT 'a\\\\b'"),
    ("SELECT '电销'", "SELECT '电销'"),
    ("SELECT TRUE, FALSE, NULL", "SELECT TRUE, FALSE, NULL"),
    # date truncation
    ("SELECT DATE_TRUNC('month', d) FROM t", "SELECT DATE_TRUNC('MONTH', d) FROM t"),
    ("SELECT DATE_TRUNC('year', d) FROM t", "SELECT DATE_TRUNC('YEAR', d) FROM t"),
    ("SELECT DATE_TRUNC('week', d) FROM t", "SELECT DATE_TRUNC('WEEK', d) FROM t"),
    ("SELECT DATE_TRUNC('day', d) FROM t", "SELECT DATE_TRUNC('DAY', d) FROM t"),
    ("SELECT DATE_TRUNC('quarter', d) FROM t", "SELECT TRUNC(d, 'Q') FROM t"),
    (
        "SELECT CAST(DATE_TRUNC('quarter', d) AS DATE) FROM t",
        "SELECT CAST(TRUNC(d, 'Q') AS DATE) FROM t",
    ),
    # intervals
    ("SELECT d + INTERVAL 1 MONTH FROM t", "SELECT d + INTERVAL 1 MONTH FROM t"),
    ("SELECT d + INTERVAL '2' MONTH FROM t", "SELECT d + INTERVAL 2 MONTH FROM t"),
    ("SELECT d - INTERVAL '3 months' FROM t", "SELECT d - INTERVAL 3 MONTH FROM t"),
    ("SELECT d + INTERVAL 1 QUARTER FROM t", "SELECT d + INTERVAL 3 MONTH FROM t"),
    ("SELECT d + INTERVAL 2 QUARTER FROM t", "SELECT d + INTERVAL 6 MONTH FROM t"),
    ("SELECT d + INTERVAL 7 DAY FROM t", "SELECT d + INTERVAL 7 DAY FROM t"),
    ("SELECT d + INTERVAL 1 YEAR FROM t", "SELECT d + INTERVAL 1 YEAR FROM t"),
    # conditional aggregates
    ("SELECT SUM(x) FILTER (WHERE c) FROM t", "SELECT SUM(IF(c, x, NULL)) FROM t"),
    ("SELECT COUNT(*) FILTER (WHERE c) FROM t", "SELECT COUNT(IF(c, 1, NULL)) FROM t"),
    ("SELECT COUNT(k) FILTER (WHERE c) FROM t", "SELECT COUNT(IF(c, k, NULL)) FROM t"),
    (
        "SELECT COUNT(DISTINCT k) FILTER (WHERE c) FROM t",
        "SELECT COUNT(DISTINCT IF(c, k, NULL)) FROM t",
    ),
    ("SELECT MIN(x) FILTER (WHERE c) FROM t", "SELECT MIN(IF(c, x, NULL)) FROM t"),
    ("SELECT MAX(x) FILTER (WHERE c) FROM t", "SELECT MAX(IF(c, x, NULL)) FROM t"),
    (
        "SELECT AVG(x) FILTER (WHERE a = 'paid') FROM t",
        "SELECT AVG(IF(a = 'paid', x, NULL)) FROM t",
    ),
    # QUALIFY, casts, concatenation, division, NULLIF
    (
        "SELECT a FROM t QUALIFY ROW_NUMBER() OVER (ORDER BY b) = 1",
        "SELECT a FROM (SELECT a, ROW_NUMBER() OVER (ORDER BY b) AS _w FROM t) AS _t WHERE _w = 1",
    ),
    ("SELECT x::VARCHAR FROM t", "SELECT CAST(x AS STRING) FROM t"),
    ("SELECT CAST(x AS DECIMAL(18, 2)) FROM t", "SELECT CAST(x AS DECIMAL(18, 2)) FROM t"),
    ("SELECT CAST('2026-01-01' AS DATE)", "SELECT CAST('2026-01-01' AS DATE)"),
    ("SELECT DATE '2026-01-01'", "SELECT CAST('2026-01-01' AS DATE)"),
    ("SELECT a || b FROM t", "SELECT CONCAT(a, b) FROM t"),
    ("SELECT a || b || c FROM t", "SELECT CONCAT(a, b, c) FROM t"),
    ("SELECT a / NULLIF(b, 0) FROM t", "SELECT a / NULLIF(b, 0) FROM t"),
    # NULL ordering: NULLs last everywhere
    ("SELECT a FROM t ORDER BY a", "SELECT a FROM t ORDER BY a"),
    ("SELECT a FROM t ORDER BY a DESC", "SELECT a FROM t ORDER BY a DESC NULLS LAST"),
    ("SELECT a FROM t ORDER BY a NULLS FIRST", "SELECT a FROM t ORDER BY a NULLS FIRST"),
    # null-safe comparison
    ("SELECT a IS NOT DISTINCT FROM b FROM t", "SELECT a IS NOT DISTINCT FROM b FROM t"),
    ("SELECT a IS DISTINCT FROM b FROM t", "SELECT a IS DISTINCT FROM b FROM t"),
    # date parts
    (
        "SELECT YEAR(d), QUARTER(d), MONTH(d), DAY(d) FROM t",
        "SELECT YEAR(d), QUARTER(d), MONTH(d), DAY(d) FROM t",
    ),
    ("SELECT WEEK(d), WEEKOFYEAR(d) FROM t", "SELECT WEEKOFYEAR(d), WEEKOFYEAR(d) FROM t"),
    ("SELECT EXTRACT(QUARTER FROM d) FROM t", "SELECT EXTRACT(QUARTER FROM d) FROM t"),
    ("SELECT EXTRACT(WEEK FROM d) FROM t", "SELECT WEEKOFYEAR(d) FROM t"),
    # calendars built from literals
    (
        "SELECT 0 AS n UNION ALL SELECT 1 AS n UNION ALL SELECT 2 AS n",
        "SELECT 0 AS n UNION ALL SELECT 1 AS n UNION ALL SELECT 2 AS n",
    ),
    (
        "SELECT a.n * 10 + b.n AS n FROM digits AS a CROSS JOIN digits AS b",
        "SELECT a.n * 10 + b.n AS n FROM digits AS a CROSS JOIN digits AS b",
    ),
]


@pytest.mark.parametrize(("duckdb_sql", "impala_sql"), TRANSPILE_CASES)
def test_transpile_exact(duckdb_sql: str, impala_sql: str) -> None:
    produced = to_impala(duckdb_sql)
    assert produced == impala_sql
    sqlglot.parse_one(produced, dialect=IMPALA)  # (b) Impala reads its own output
    assert lint_impala(produced) == []  # (c)


def test_registered_under_name_impala() -> None:
    assert isinstance(Dialect.get_or_raise("impala"), Impala)
    assert sqlglot.transpile("SELECT a::INT", read="duckdb", write="impala") == [
        "SELECT CAST(a AS INT)"
    ]


def test_default_version_is_conservative() -> None:
    assert Dialect.get_or_raise("impala").version == (3, 4, 0)
    assert Dialect.get_or_raise("impala, version=4.0").version == (4, 0, 0)


def test_date_add_trees_from_planner() -> None:
    d = exp.column("d")
    one_year = exp.Interval(this=exp.Literal.number(1), unit=exp.var("YEAR"))
    cases = {
        exp.DateAdd(this=d, expression=exp.Literal.number(1), unit=exp.var("MONTH")): (
            "d + INTERVAL 1 MONTH"
        ),
        exp.DateAdd(this=d, expression=exp.Literal.number(2), unit=exp.var("QUARTER")): (
            "d + INTERVAL 6 MONTH"
        ),
        exp.DateAdd(this=d, expression=exp.Literal.number(-1), unit=exp.var("MONTH")): (
            "d - INTERVAL 1 MONTH"
        ),
        exp.DateSub(this=d, expression=exp.Literal.number(1), unit=exp.var("QUARTER")): (
            "d - INTERVAL 3 MONTH"
        ),
        exp.DateAdd(this=d, expression=exp.column("n"), unit=exp.var("QUARTER")): (
            "d + INTERVAL (n * 3) MONTH"
        ),
        exp.Add(this=d, expression=one_year): "d + INTERVAL 1 YEAR",
    }
    for tree, expected in cases.items():
        assert render(tree) == expected
        assert "ADD_MONTHS" not in render(tree)


def test_date_trunc_trees_from_planner() -> None:
    d = exp.column("d")
    for unit_node in (exp.Literal.string("QUARTER"), exp.var("QUARTER")):
        tree = exp.cast(date_trunc(d.copy(), unit_node), exp.DType.DATE)
        assert render(tree) == "CAST(TRUNC(d, 'Q') AS DATE)"
    month = exp.TimestampTrunc(this=d.copy(), unit=exp.var("MONTH"))
    assert render(month) == "DATE_TRUNC('MONTH', d)"


def test_never_emits_trunc_day() -> None:
    for unit in ("DAY", "WEEK", "MONTH", "YEAR", "QUARTER"):
        produced = render(date_trunc(exp.column("d"), exp.Literal.string(unit)))
        assert "'DAY')" not in produced
        assert lint_impala(produced) == []


def test_bare_decimal_gets_explicit_precision() -> None:
    tree = exp.cast(exp.column("x"), exp.DataType.build("DECIMAL"))
    assert render(tree) == "CAST(x AS DECIMAL(38, 9))"


def test_ordered_nulls_last_is_explicit_only_for_desc() -> None:
    asc = exp.Ordered(this=exp.column("a"), desc=False, nulls_first=False)
    desc = exp.Ordered(this=exp.column("a"), desc=True, nulls_first=False)
    assert render(asc) == "a ASC"
    assert render(desc) == "a DESC NULLS LAST"


def test_nul_is_written_unambiguously() -> None:
    produced = render(exp.Literal.string("\x0012"))
    assert produced == "'\\00012'"
    assert sqlglot.parse_one(produced, dialect=IMPALA).name == "\x0012"


# -------------------------------------------------------------------------------------------
# Parse-back of Impala-only spellings
# -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("impala_sql", "duckdb_sql"),
    [
        ("SELECT TRUNC(d, 'Q') FROM t", "SELECT DATE_TRUNC('QUARTER', d) FROM t"),
        ("SELECT TRUNC(d, 'DAY') FROM t", "SELECT DATE_TRUNC('WEEK', d) FROM t"),
        ("SELECT TRUNC(d, 'MM') FROM t", "SELECT DATE_TRUNC('MONTH', d) FROM t"),
        ("SELECT TRUNC(d, 'DD') FROM t", "SELECT DATE_TRUNC('DAY', d) FROM t"),
        ("SELECT 'O\\'Brien', 'a\\\\b'", "SELECT 'O''Brien', 'a\\b'"),
        ("SELECT a || b FROM t", "SELECT a OR b FROM t"),
        ("SELECT a && b FROM t", "SELECT a AND b FROM t"),
    ],
)
def test_parse_impala_spellings(impala_sql: str, duckdb_sql: str) -> None:
    assert sqlglot.transpile(impala_sql, read=IMPALA, write="duckdb") == [duckdb_sql]


def test_pipe_is_concatenation_from_4_0() -> None:
    assert to_impala("SELECT a || b FROM t", version="4.0") == "SELECT a || b FROM t"
    back = sqlglot.parse_one("SELECT a || b FROM t", dialect=impala_dialect("4.0"))
    assert back.find(exp.DPipe) is not None


# -------------------------------------------------------------------------------------------
# Versions and capability flags
# -------------------------------------------------------------------------------------------


def test_capabilities_by_version() -> None:
    assert not supports_multiple_count_distinct("3.0")
    assert supports_multiple_count_distinct("3.1")
    old, new = impala_capabilities("3.4"), impala_capabilities("4.0")
    assert (old.pipe_concat, old.grouping_sets, old.date_type) == (False, False, True)
    assert (new.pipe_concat, new.grouping_sets) == (True, True)
    assert not impala_capabilities("3.2").date_type


def test_grouping_sets_only_from_4_0() -> None:
    sql = "SELECT a, b, SUM(c) FROM t GROUP BY GROUPING SETS ((a), (a, b))"
    assert to_impala(sql, version="4.0") == sql
    with pytest.raises(UnsupportedError):
        to_impala(sql, version="3.4")


def test_multiple_count_distinct_only_from_3_1() -> None:
    sql = "SELECT COUNT(DISTINCT a), COUNT(DISTINCT b) FROM t"
    assert to_impala(sql, version="3.1") == sql
    with pytest.raises(UnsupportedError):
        to_impala(sql, version="3.0")
    same_args = "SELECT COUNT(DISTINCT a), SUM(DISTINCT a) FROM t"
    assert to_impala(same_args, version="3.0") == same_args


# -------------------------------------------------------------------------------------------
# (c) the linter rejects each bad construct, and is not fooled by string literals
# -------------------------------------------------------------------------------------------

BAD_SQL: list[tuple[str, str]] = [
    ("SELECT SUM(x) FILTER (WHERE y) FROM t", "FILTER"),
    ("SELECT a FROM t QUALIFY ROW_NUMBER() OVER (ORDER BY a) = 1", "QUALIFY"),
    ("SELECT x::INT FROM t", "::"),
    ("SELECT a || b FROM t", "||"),
    ("SELECT * FROM generate_series(1, 3)", "generate_series"),
    ("SELECT * FROM range(3)", "range"),
    ("SELECT ADD_MONTHS(d, 1) FROM t", "ADD_MONTHS"),
    ("SELECT d + INTERVAL '1' MONTH FROM t", "INTERVAL"),
    ("SELECT DATE_TRUNC('QUARTER', d) FROM t", "DATE_TRUNC"),
    ("SELECT TRUNC(d, 'DAY') FROM t", "WEEK"),
    ("SELECT TRUNC(CAST(d AS DATE), 'D') FROM t", "WEEK"),
    ("SELECT 'O''Brien'", "escaped quote"),
    ('SELECT "col" FROM t', "double quotes"),
    ("SELECT CAST(x AS DECIMAL) FROM t", "DECIMAL"),
    ("SELECT a, SUM(c) FROM t GROUP BY ROLLUP (a)", "4.0"),
]


@pytest.mark.parametrize(("sql", "needle"), BAD_SQL)
def test_lint_rejects(sql: str, needle: str) -> None:
    findings = lint_impala(sql)
    assert len(findings) == 1
    assert needle in findings[0]


def test_lint_reports_line_and_column() -> None:
    assert lint_impala("SELECT 1,\n  a::INT") == [
        "2:4: `::` casts are not Impala SQL; use CAST(x AS type)"
    ]


def test_lint_ignores_text_inside_literals_and_identifiers() -> None:
    sql = (
        "SELECT 'FILTER (WHERE x) || :: ADD_MONTHS( QUALIFY' AS s, `range` "
        "FROM t WHERE s = 'O\\'Brien' AND u = 'INTERVAL ''1'''"
    )
    assert lint_impala(sql) == [
        "1:114: '' is not an escaped quote in Impala; write \\'",
        "1:117: '' is not an escaped quote in Impala; write \\'",
    ]
    window = "SELECT SUM(x) OVER (ORDER BY a RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) FROM t"
    assert lint_impala(window) == []


def test_lint_version_rules() -> None:
    assert lint_impala("SELECT a || b FROM t", version="4.0") == []
    two_distinct = "SELECT COUNT(DISTINCT a), COUNT(DISTINCT b) FROM t"
    assert lint_impala(two_distinct, version="3.1") == []
    assert "3.1" in lint_impala(two_distinct, version="3.0")[0]


# -------------------------------------------------------------------------------------------
# (d) round-trip semantics on DuckDB
# -------------------------------------------------------------------------------------------

ORDERS = [
    (1, "2024-02-29", "10.50", "电销", "paid", 1, "A"),
    (2, "2026-03-31", "20.00", "O'Brien", "paid", 2, None),
    (3, "2024-01-31", "5.25", "back\\slash", "refunded", 1, "B"),
    (4, "2024-12-30", "7.00", "电销", "paid", None, None),
    (5, "2025-01-01", "1.00", None, None, 3, "A"),
    (6, "2026-11-15", "3.33", "web", "paid", 2, "B"),
    (7, None, "9.99", "web", "cancelled", 3, None),
]
GRADES = [("A", "gold"), ("B", "silver"), (None, "no grade")]


@pytest.fixture(scope="module")
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    connection.execute(
        "CREATE TABLE orders (id INT, d DATE, amount DECIMAL(18, 2), channel VARCHAR, "
        "status VARCHAR, customer_id INT, grade VARCHAR)"
    )
    connection.executemany("INSERT INTO orders VALUES (?, ?, ?, ?, ?, ?, ?)", ORDERS)
    connection.execute("CREATE TABLE grades (grade VARCHAR, label VARCHAR)")
    connection.executemany("INSERT INTO grades VALUES (?, ?)", GRADES)
    yield connection
    connection.close()


def via_impala(tree: exp.Expr) -> str:
    """Render for Impala, read it back as Impala, write DuckDB."""
    impala_sql = render(tree)
    assert lint_impala(impala_sql) == [], impala_sql
    return sqlglot.parse_one(impala_sql, dialect=IMPALA).sql("duckdb")


def rows(con: duckdb.DuckDBPyConnection, sql: str, ordered: bool) -> list[tuple[Any, ...]]:
    result = con.execute(sql).fetchall()
    return result if ordered else sorted(result, key=repr)


def assert_same_rows(con: duckdb.DuckDBPyConnection, tree: exp.Expr) -> None:
    ordered = tree.args.get("order") is not None
    expected = rows(con, tree.sql("duckdb"), ordered)
    got = rows(con, via_impala(tree), ordered)
    assert got == expected, (render(tree), via_impala(tree))


def col(name: str, table: str = "o") -> exp.Column:
    return exp.column(name, table=table)


def select_from_orders(*projections: exp.Expr) -> exp.Select:
    return exp.select(*projections).from_("orders AS o")


def filtered(agg: exp.AggFunc, condition: exp.Expr) -> exp.Filter:
    return exp.Filter(this=agg, expression=exp.Where(this=condition))


def test_roundtrip_conditional_aggregates(con: duckdb.DuckDBPyConnection) -> None:
    paid = exp.EQ(this=col("status"), expression=exp.Literal.string("paid"))
    buyers = exp.Count(this=exp.Distinct(expressions=[col("customer_id")]))
    tree = select_from_orders(
        col("channel"),
        filtered(exp.Sum(this=col("amount")), paid).as_("paid_amount"),
        filtered(exp.Count(this=exp.Star()), paid).as_("paid_orders"),
        filtered(buyers, paid).as_("buyers"),
        filtered(exp.Min(this=col("amount")), paid).as_("lo"),
        filtered(exp.Max(this=col("amount")), paid).as_("hi"),
        filtered(exp.Avg(this=col("amount")), paid).as_("mean"),
    ).group_by(col("channel"))
    assert_same_rows(con, tree)


@pytest.mark.parametrize("unit", ["QUARTER", "MONTH", "WEEK", "YEAR", "DAY"])
@pytest.mark.parametrize("as_var", [False, True])
def test_roundtrip_date_trunc(con: duckdb.DuckDBPyConnection, unit: str, as_var: bool) -> None:
    unit_node = exp.var(unit) if as_var else exp.Literal.string(unit)
    bucket = exp.cast(date_trunc(col("d"), unit_node), exp.DType.DATE)
    assert_same_rows(con, select_from_orders(col("id"), bucket.as_("bucket")))


@pytest.mark.parametrize("unit", ["QUARTER", "MONTH", "WEEK", "YEAR"])
def test_roundtrip_timestamp_trunc(con: duckdb.DuckDBPyConnection, unit: str) -> None:
    bucket = exp.cast(exp.TimestampTrunc(this=col("d"), unit=exp.var(unit)), exp.DType.DATE)
    assert_same_rows(con, select_from_orders(col("id"), bucket.as_("bucket")))


@pytest.mark.parametrize(
    ("node", "count", "unit"),
    [
        (exp.DateAdd, 1, "MONTH"),
        (exp.DateAdd, 12, "MONTH"),
        (exp.DateAdd, -1, "MONTH"),
        (exp.DateAdd, 1, "QUARTER"),
        (exp.DateAdd, 3, "QUARTER"),
        (exp.DateAdd, 1, "YEAR"),
        (exp.DateAdd, 7, "DAY"),
        (exp.DateSub, 1, "MONTH"),
        (exp.DateSub, 2, "QUARTER"),
        (exp.DateSub, 1, "YEAR"),
    ],
)
def test_roundtrip_date_add(
    con: duckdb.DuckDBPyConnection, node: type[exp.Func], count: int, unit: str
) -> None:
    shifted = node(this=col("d"), expression=exp.Literal.number(count), unit=exp.var(unit))
    tree = select_from_orders(col("id"), exp.cast(shifted, exp.DType.DATE).as_("shifted"))
    assert_same_rows(con, tree)


def test_roundtrip_interval_addition(con: duckdb.DuckDBPyConnection) -> None:
    quarter = exp.Interval(this=exp.Literal.number(1), unit=exp.var("QUARTER"))
    shifted = exp.cast(exp.Add(this=col("d"), expression=quarter), exp.DType.DATE)
    assert_same_rows(con, select_from_orders(col("id"), shifted.as_("shifted")))


@pytest.mark.parametrize("text", ["O'Brien", "电销", "back\\slash", "it's \\ 'quoted'"])
def test_roundtrip_string_literals(con: duckdb.DuckDBPyConnection, text: str) -> None:
    match = exp.EQ(this=col("channel"), expression=exp.Literal.string(text))
    tree = select_from_orders(col("id"), exp.Literal.string(text).as_("s")).where(match)
    assert_same_rows(con, tree)


@pytest.mark.parametrize("desc", [False, True])
def test_roundtrip_nulls_last(con: duckdb.DuckDBPyConnection, desc: bool) -> None:
    tree = select_from_orders(col("grade"), col("id")).order_by(
        exp.Ordered(this=col("grade"), desc=desc, nulls_first=False),
        exp.Ordered(this=col("id"), desc=False, nulls_first=False),
    )
    assert_same_rows(con, tree)
    assert con.execute(via_impala(tree)).fetchall()[-1][0] is None


def test_roundtrip_null_safe_join(con: duckdb.DuckDBPyConnection) -> None:
    on = exp.NullSafeEQ(this=col("grade"), expression=col("grade", table="g"))
    tree = (
        select_from_orders(col("id"), col("label", table="g"))
        .join("grades AS g", on=on, join_type="left")
        .where(exp.NullSafeNEQ(this=col("grade"), expression=exp.Literal.string("B")))
    )
    assert_same_rows(con, tree)


def test_roundtrip_date_parts_and_concat(con: duckdb.DuckDBPyConnection) -> None:
    d = col("d")
    tree = select_from_orders(
        col("id"),
        exp.Year(this=d.copy()),
        exp.Quarter(this=d.copy()),
        exp.Month(this=d.copy()),
        exp.Day(this=d.copy()),
        exp.WeekOfYear(this=d.copy()),
        exp.Extract(this=exp.var("QUARTER"), expression=d.copy()),
        exp.DPipe(this=col("channel"), expression=col("status"), safe=True),
        exp.Concat(expressions=[col("channel"), exp.Literal.string("-")], coalesce=False),
    )
    assert_same_rows(con, tree)


def test_roundtrip_division_and_decimal(con: duckdb.DuckDBPyConnection) -> None:
    ratio = exp.Div(
        this=col("amount"),
        expression=exp.Nullif(this=col("customer_id"), expression=exp.Literal.number(0)),
    )
    tree = select_from_orders(
        col("id"),
        ratio.as_("ratio"),
        exp.cast(col("amount"), exp.DataType.build("DECIMAL")).as_("amount_dec"),
        exp.cast(col("id"), exp.DType.TEXT).as_("id_text"),
    )
    assert_same_rows(con, tree)


def test_roundtrip_calendar_cross_join(con: duckdb.DuckDBPyConnection) -> None:
    digits = exp.union(
        *(exp.select(exp.Literal.number(i).as_("n")) for i in range(3)), distinct=False
    )
    tree = (
        exp.select(
            (col("n", "a") * exp.Literal.number(10) + col("n", "b")).as_("n"),
        )
        .from_(exp.alias_(exp.Subquery(this=digits), "a"))
        .join(exp.alias_(exp.Subquery(this=digits.copy()), "b"), join_type="cross")
    )
    assert_same_rows(con, tree)


def test_roundtrip_qualify_elimination(con: duckdb.DuckDBPyConnection) -> None:
    sql = (
        "SELECT o.id, o.channel FROM orders AS o "
        "QUALIFY ROW_NUMBER() OVER (PARTITION BY o.channel ORDER BY o.id DESC) = 1"
    )
    assert_same_rows(con, sqlglot.parse_one(sql, read="duckdb"))


# -------------------------------------------------------------------------------------------
# String escaping, property-based
# -------------------------------------------------------------------------------------------


@given(st.text())
@settings(max_examples=300, deadline=None)
def test_string_literal_escaping_roundtrip(text: str) -> None:
    produced = render(exp.Literal.string(text))
    parsed = sqlglot.parse_one(produced, dialect=IMPALA)
    assert isinstance(parsed, exp.Literal) and parsed.name == text
    assert lint_impala(f"SELECT {produced}") == []


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00")))
@settings(max_examples=100, deadline=None)
def test_string_literal_same_value_on_duckdb(text: str) -> None:
    duck_sql = via_impala(exp.select(exp.Literal.string(text).as_("s")))
    assert duckdb.execute(duck_sql).fetchone() == (text,)


def test_decimal_values_survive(con: duckdb.DuckDBPyConnection) -> None:
    tree = select_from_orders(exp.cast(col("amount"), exp.DataType.build("DECIMAL")))
    values = [row[0] for row in con.execute(via_impala(tree)).fetchall()]
    assert Decimal("10.50") in values


# -------------------------------------------------------------------------------------------
# (e) scalar subqueries leave WHERE; DATE before 3.3; the linter's structural rules
# -------------------------------------------------------------------------------------------

CALENDAR_END = "SELECT a FROM t WHERE a IS NULL OR a <= (SELECT MAX(b) FROM c)"


def test_scalar_subquery_in_or_becomes_cross_join() -> None:
    assert to_impala(CALENDAR_END) == (
        "SELECT a FROM t CROSS JOIN (SELECT MAX(b) AS `scalar_value` FROM c) AS `scalar_subquery` "
        "WHERE a IS NULL OR a <= `scalar_subquery`.`scalar_value`"
    )
    assert lint_impala(to_impala(CALENDAR_END)) == []


def test_scalar_subquery_names_avoid_existing_ones() -> None:
    sql = "SELECT scalar_value FROM t AS scalar_subquery WHERE scalar_value < (SELECT MAX(b) FROM c)"
    produced = to_impala(sql)
    assert "AS `scalar_value_2` FROM c) AS `scalar_subquery_2`" in produced
    assert produced.endswith("WHERE scalar_value < `scalar_subquery_2`.`scalar_value_2`")


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT a FROM t WHERE a IN (SELECT b FROM c)",  # not scalar
        "SELECT a FROM t WHERE a < (SELECT b FROM c)",  # may return 0 or many rows
        "SELECT a FROM t WHERE a < (SELECT MAX(b) FROM c GROUP BY d)",  # may return 0 or many rows
        "SELECT a FROM t WHERE a < (SELECT MAX(b) FROM c WHERE c.k = t.k)",  # correlated
    ],
)
def test_other_subqueries_are_left_alone(sql: str) -> None:
    assert "CROSS JOIN" not in to_impala(sql)


def test_roundtrip_scalar_subquery(con: duckdb.DuckDBPyConnection) -> None:
    last = exp.Subquery(this=exp.select(exp.Max(this=exp.column("customer_id"))).from_("orders AS x"))
    never = exp.Subquery(this=exp.select(exp.Max(this=exp.column("id"))).from_(
        exp.select(exp.Literal.number(1).as_("id")).where(exp.false()).subquery("e")))
    for bound in (last, never):
        condition = exp.or_(exp.column("grade").is_(exp.null()), exp.LT(this=col("customer_id"), expression=bound))
        assert_same_rows(con, select_from_orders(col("id")).where(condition).order_by(col("id")))


def test_date_is_timestamp_before_3_3() -> None:
    assert to_impala("SELECT CAST(d AS DATE) FROM t", version="3.2") == "SELECT CAST(d AS TIMESTAMP) FROM t"
    assert to_impala("SELECT DATE '2026-01-01'", version="3.0") == "SELECT CAST('2026-01-01' AS TIMESTAMP)"
    assert to_impala("SELECT CAST(d AS DATE) FROM t", version="3.3") == "SELECT CAST(d AS DATE) FROM t"


STRUCTURAL_BAD_SQL: list[tuple[str, str, str]] = [
    ("SELECT CAST(d AS DATE) FROM t", "3.2", "DATE type needs Impala 3.3"),
    (CALENDAR_END, "3.4", "inside OR"),
    ("SELECT a FROM t WHERE NOT (a = 1 OR a > (SELECT MAX(b) FROM c))", "3.4", "inside OR"),
    ("SELECT COUNT(DISTINCT IF(c, k, NULL)), COUNT(DISTINCT k) FROM t", "3.0", "3.1"),
    ("SELECT FROM WHERE", "3.4", "cannot parse"),
]


@pytest.mark.parametrize(("sql", "version", "needle"), STRUCTURAL_BAD_SQL)
def test_lint_structural_rules(sql: str, version: str, needle: str) -> None:
    findings = lint_impala(sql, version)
    assert len(findings) == 1
    assert needle in findings[0]


def test_lint_accepts_subqueries_outside_or() -> None:
    assert lint_impala("SELECT a FROM t WHERE a > (SELECT MAX(b) FROM c) AND a IN (SELECT b FROM c)") == []
    assert lint_impala("SELECT a FROM t WHERE a = 1 OR a IN (1, 2)") == []
    assert lint_impala("SELECT CAST(d AS DATE), DATE_TRUNC('MONTH', d) FROM t", "3.3") == []


# -------------------------------------------------------------------------------------------
# (f) the plan rewrite for Impala before 3.1
# -------------------------------------------------------------------------------------------


def test_split_count_distinct_one_class_per_scan() -> None:
    from metricdsl.ir.model import Apply, Col, Lit
    from metricdsl.plan.nodes import Measure, QueryPlan, Scan
    from metricdsl.plan.rewrite import distinct_class, split_count_distinct

    key, other = Col(source="s", column="k"), Col(source="s", column="j")
    paid = Apply(op="=", args=(Col(source="s", column="status"), Lit(type="string", value="paid")))
    measures = [
        Measure("total", "sum", other, None), Measure("k_all", "count_distinct", key, None),
        Measure("k_paid", "count_distinct", key, paid), Measure("j_all", "count_distinct", other, None),
        Measure("rows", "count", None, None), Measure("k_all_again", "count_distinct", key, None),
    ]
    scans = [Scan("scan_s", "s", measures=measures), Scan("scan_s_distinct2", "s")]
    plan = QueryPlan("q", [], scans, [], None, None, [], None, [])
    split = split_count_distinct(plan)
    assert [[m.column for m in s.measures] for s in split.scans] == [
        ["total", "k_all", "rows", "k_all_again"], ["k_paid"], ["j_all"], []]
    assert [s.name for s in split.scans] == ["scan_s", "scan_s_distinct3", "scan_s_distinct4", "scan_s_distinct2"]
    for scan in split.scans:
        assert len({distinct_class(m) for m in scan.measures} - {None}) <= 1
    assert [m.column for m in plan.scans[0].measures] == [m.column for m in measures]  # input unchanged
