"""Apache Impala dialect for sqlglot.

sqlglot ships no Impala dialect, and its Hive output is wrong for Impala in ways that still run:
``TRUNC(x, 'DAY')`` is the start of the *week* in Impala, ``ADD_MONTHS`` snaps month ends,
``''`` is not an escaped quote, and ``||`` is a logical OR before Impala 4.0. This module builds
on :class:`sqlglot.dialects.hive.Hive` and overrides exactly those places. Each rule is
documented, with the Impala reference page it comes from, in ``docs/dialects.md``.

Importing the module registers the dialect under the name ``impala``::

    import metricdsl.sql.dialects.impala  # noqa: F401
    sqlglot.transpile(sql, read="duckdb", write="impala")          # Impala 3.4 (default)
    sqlglot.transpile(sql, read="duckdb", write="impala, version=4.0")

Version-dependent output is driven by :class:`ImpalaCapabilities` (see :func:`impala_dialect`).
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass

from sqlglot import exp, transforms
from sqlglot.dialects.dialect import map_date_part
from sqlglot.dialects.hive import Hive
from sqlglot.generators.hive import HiveGenerator
from sqlglot.helper import seq_get
from sqlglot.parsers.hive import HiveParser
from sqlglot.tokenizer_core import TokenType

DEFAULT_VERSION = "3.4"
"""Impala version assumed when none is given (CDH 6.3 / CDP 7.1 ship Impala 3.x)."""

DEFAULT_DECIMAL = (38, 9)
"""Precision and scale emitted for a cast to a bare ``DECIMAL`` (Impala reads it as (9, 0))."""

VersionTuple = tuple[int, int, int]
VersionLike = str | tuple[int, ...]


@dataclass(frozen=True)
class ImpalaCapabilities:
    """What one Impala version accepts, as far as metricdsl's SQL is concerned.

    Attributes:
        version: the Impala version, as ``(major, minor, patch)``.
        multiple_count_distinct: several ``COUNT(DISTINCT …)`` over different arguments in one
            SELECT block (IMPALA-110, Impala 3.1). Before that Impala rejects the query.
        date_type: the ``DATE`` type and ``CAST(… AS DATE)`` (IMPALA-7368, Impala 3.3). Before
            that dates are stored as ``TIMESTAMP`` at midnight, and ``DATE`` is written ``TIMESTAMP``.
        pipe_concat: ``||`` concatenates strings (Impala 4.0). Before that ``||`` is logical OR,
            so ``CONCAT(a, b)`` is emitted instead.
        grouping_sets: ``GROUPING SETS`` / ``ROLLUP`` / ``CUBE`` (IMPALA-9298, Impala 4.0).
    """

    version: VersionTuple
    multiple_count_distinct: bool
    date_type: bool
    pipe_concat: bool
    grouping_sets: bool


def parse_version(version: VersionLike) -> VersionTuple:
    """``"3.4"`` -> ``(3, 4, 0)``; a tuple is padded to three parts."""
    parts = [int(p) for p in version.split(".")] if isinstance(version, str) else list(version)
    parts.extend([0] * (3 - len(parts)))
    return (parts[0], parts[1], parts[2])


def impala_capabilities(version: VersionLike = DEFAULT_VERSION) -> ImpalaCapabilities:
    """The capability flags of Impala ``version``."""
    v = parse_version(version)
    return ImpalaCapabilities(
        version=v,
        multiple_count_distinct=v >= (3, 1, 0),
        date_type=v >= (3, 3, 0),
        pipe_concat=v >= (4, 0, 0),
        grouping_sets=v >= (4, 0, 0),
    )


def supports_multiple_count_distinct(version: VersionLike = DEFAULT_VERSION) -> bool:
    """Whether one SELECT block may hold ``COUNT(DISTINCT a)`` and ``COUNT(DISTINCT b)``."""
    return impala_capabilities(version).multiple_count_distinct


def impala_dialect(version: str = DEFAULT_VERSION) -> Impala:
    """A configured Impala dialect instance; pass it as ``dialect=`` / ``write=`` to sqlglot."""
    return Impala(version=version)


# ---------------------------------------------------------------------------------------------
# Units
# ---------------------------------------------------------------------------------------------

# Impala TRUNC(x, unit) units (Oracle-style) -> the canonical unit they truncate to.
# 'DAY', 'DY' and 'D' are the start of the WEEK (Monday), not the day.
TRUNC_UNITS = {
    **dict.fromkeys(("SYYYY", "YYYY", "YEAR", "SYEAR", "YYY", "YY", "Y"), "YEAR"),
    "Q": "QUARTER",
    **dict.fromkeys(("MONTH", "MON", "MM", "RM"), "MONTH"),
    **dict.fromkeys(("DDD", "DD", "J"), "DAY"),
    **dict.fromkeys(("DAY", "DY", "D"), "WEEK"),
    **dict.fromkeys(("HH", "HH12", "HH24"), "HOUR"),
    "MI": "MINUTE",
}

# Units Impala's DATE_TRUNC(unit, x) accepts. QUARTER is not one of them.
DATE_TRUNC_UNITS = frozenset(
    {
        "MICROSECONDS",
        "MILLISECONDS",
        "SECOND",
        "MINUTE",
        "HOUR",
        "DAY",
        "WEEK",
        "MONTH",
        "YEAR",
        "DECADE",
        "CENTURY",
        "MILLENNIUM",
    }
)

# Units of Impala's `INTERVAL n unit`. QUARTER is not one; it is emitted as 3 * n MONTH.
INTERVAL_UNITS = frozenset(
    {"YEAR", "MONTH", "WEEK", "DAY", "HOUR", "MINUTE", "SECOND", "MILLISECOND", "MICROSECOND"}
)
INTERVAL_SCALE = {"QUARTER": ("MONTH", 3)}

# EXTRACT(unit FROM x) units Impala accepts; WEEK is rendered as WEEKOFYEAR (ISO 8601).
EXTRACT_UNITS = frozenset(
    {"YEAR", "QUARTER", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND", "MILLISECOND", "EPOCH"}
)


def _unit_name(unit: exp.Expr | None, default: str = "") -> str:
    """Canonical upper-case singular name of a date part (``'mon'`` -> ``MONTH``)."""
    if unit is None:
        return default
    if isinstance(unit, exp.WeekStart):
        return "WEEK" if unit.name.upper() in ("WEEK", "WEEK(MONDAY)", "MONDAY") else unit.sql()
    mapped = map_date_part(unit)
    name = mapped.name.upper() if mapped is not None else default
    return name[:-1] if name.endswith("S") and name[:-1] in INTERVAL_UNITS else name


def _int_value(expression: exp.Expr | None) -> int | None:
    """The integer an expression spells (``3``, ``-3``, ``'3'``), else None."""
    if isinstance(expression, exp.Neg):
        inner = _int_value(expression.this)
        return -inner if inner is not None else None
    if isinstance(expression, exp.Paren):
        return _int_value(expression.this)
    if isinstance(expression, exp.Literal):
        text = expression.name.strip()
        if text.lstrip("-").isdigit():
            return int(text)
    return None


def _wrap_operand(expression: exp.Expr) -> exp.Expr:
    """Parenthesise operands that would bind looser than ``+`` / ``-``."""
    if isinstance(expression, (exp.Binary, exp.Not, exp.Predicate)):
        return exp.paren(expression, copy=False)
    return expression


# ---------------------------------------------------------------------------------------------
# Parser
# ---------------------------------------------------------------------------------------------


def _build_trunc(args: list[exp.Expr]) -> exp.Expr:
    """Impala TRUNC: a date truncation with a string unit, else numeric truncation."""
    this, unit = seq_get(args, 0), seq_get(args, 1)
    if unit is None or not unit.is_string:
        return exp.Trunc(this=this, decimals=unit)
    canonical = TRUNC_UNITS.get(unit.name.upper())
    if canonical is None:  # 'WW' / 'W' have no portable equivalent: keep the call as written
        return exp.Anonymous(this="TRUNC", expressions=args)
    return exp.TimestampTrunc(this=this, unit=exp.var(canonical))


class ImpalaParser(HiveParser):
    FUNCTIONS: t.ClassVar[dict[str, t.Callable[..., exp.Expr]]] = {
        **HiveParser.FUNCTIONS,
        "TRUNC": _build_trunc,
        "TRUNCATE": exp.Trunc.from_arg_list,
    }

    # Before Impala 4.0 `||` is logical OR (the dialect instance turns string concatenation on
    # from 4.0 via DPIPE_IS_STRING_CONCAT); `&&` is logical AND.
    CONJUNCTION: t.ClassVar[dict[TokenType, type[exp.Expr]]] = {
        **HiveParser.CONJUNCTION,
        TokenType.DAMP: exp.And,
    }
    DISJUNCTION: t.ClassVar[dict[TokenType, type[exp.Expr]]] = {
        **HiveParser.DISJUNCTION,
        TokenType.DPIPE: exp.Or,
    }


# ---------------------------------------------------------------------------------------------
# Generator
# ---------------------------------------------------------------------------------------------


def _if_else_null(condition: exp.Expr, value: exp.Expr) -> exp.If:
    return exp.If(this=condition.copy(), true=value.copy(), false=exp.null())


def conditional_aggregate(agg: exp.AggFunc, condition: exp.Expr) -> exp.AggFunc:
    """``AGG(x) FILTER (WHERE c)`` as ``AGG(IF(c, x, NULL))``.

    ``COUNT(*)`` counts ``IF(c, 1, NULL)``; ``COUNT(DISTINCT k)``, ``DISTINCT IF(c, k, NULL)``.

    IF treats a NULL condition as false, exactly as FILTER drops rows whose condition is NULL.
    """
    agg = agg.copy()
    arg = agg.this
    if isinstance(agg, exp.Count) and (arg is None or isinstance(arg, exp.Star)):
        agg.set("this", _if_else_null(condition, exp.Literal.number(1)))
    elif isinstance(arg, exp.Distinct):
        arg.set("expressions", [_if_else_null(condition, e) for e in arg.expressions])
    else:
        agg.set("this", _if_else_null(condition, arg))
    return agg


def distinct_aggregate_classes(select: exp.Select) -> set[str]:
    """The distinct argument lists of DISTINCT aggregates directly in ``select``'s block.

    Before Impala 3.1 a block may hold several DISTINCT aggregates only if they share one list.
    A FILTER condition is part of the list, since it becomes ``IF(c, x, NULL)``.
    """
    classes: set[str] = set()
    for distinct in select.find_all(exp.Distinct):
        if not isinstance(distinct.parent, exp.AggFunc) or distinct.parent_select is not select:
            continue
        key = ", ".join(e.sql() for e in distinct.expressions)
        filtered = distinct.parent.parent
        if isinstance(filtered, exp.Filter):
            key += f" | {filtered.expression.sql()}"
        classes.add(key)
    return classes


def _date_trunc_sql(self: ImpalaGenerator, expression: exp.DateTrunc | exp.TimestampTrunc) -> str:
    unit = _unit_name(expression.args.get("unit"))
    if unit == "QUARTER":
        return self.func("TRUNC", expression.this, exp.Literal.string("Q"))
    if unit not in DATE_TRUNC_UNITS:
        self.unsupported(f"Impala's DATE_TRUNC cannot truncate to {unit or 'an unknown unit'}")
    return self.func("DATE_TRUNC", exp.Literal.string(unit), expression.this)


def _interval(count: exp.Expr, unit: str) -> exp.Interval:
    """An interval of ``count`` units, with QUARTER rewritten as 3 * count MONTH."""
    unit, factor = INTERVAL_SCALE.get(unit, (unit, 1))
    value = _int_value(count)
    if value is not None:
        scaled: exp.Expr = exp.Literal.number(value * factor)
    elif factor == 1:
        scaled = count.copy()
    else:
        scaled = exp.Mul(this=_wrap_operand(count.copy()), expression=exp.Literal.number(factor))
    return exp.Interval(this=scaled, unit=exp.var(unit))


def _date_add_sql(self: ImpalaGenerator, expression: exp.DateAdd | exp.DateSub) -> str:
    """``x + INTERVAL n UNIT`` (never ADD_MONTHS, which snaps month ends)."""
    unit = _unit_name(expression.args.get("unit"), default="DAY")
    count = expression.expression
    subtract = isinstance(expression, exp.DateSub)
    if isinstance(count, exp.Interval):  # DATE_ADD(x, INTERVAL n UNIT)
        count, unit = count.this, _unit_name(count.args.get("unit"), default="DAY")
    value = _int_value(count)
    if value is not None and value < 0:
        subtract, count = not subtract, exp.Literal.number(-value)
    operator = "-" if subtract else "+"
    this = self.sql(_wrap_operand(expression.this.copy()))
    return f"{this} {operator} {self.sql(_interval(count, unit))}"


def _generate_series_sql(self: ImpalaGenerator, expression: exp.Func) -> str:
    self.unsupported("Impala has no generate_series / range; build a numbers CTE instead")
    return self.function_fallback_sql(expression)


def _extract_sql(self: ImpalaGenerator, expression: exp.Extract) -> str:
    unit = _unit_name(expression.this)
    if unit == "WEEK":
        return self.func("WEEKOFYEAR", expression.expression)
    if unit not in EXTRACT_UNITS:
        self.unsupported(f"Impala's EXTRACT does not accept {unit}")
    return f"EXTRACT({unit} FROM {self.sql(expression, 'expression')})"


def _to_date_sql(self: ImpalaGenerator, expression: exp.TsOrDsToDate) -> str:
    if expression.args.get("format"):
        return HiveGenerator.TRANSFORMS[exp.TsOrDsToDate](self, expression)
    if isinstance(expression.parent, self.TS_OR_DS_EXPRESSIONS):
        return self.sql(expression, "this")
    return self.sql(exp.cast(expression.this, exp.DType.DATE))


SCALAR_ALIAS = "scalar_subquery"
SCALAR_COLUMN = "scalar_value"
COMPARISONS = (exp.EQ, exp.NEQ, exp.LT, exp.LTE, exp.GT, exp.GTE)


def _single_row(query: exp.Expr) -> bool:
    """A SELECT of one aggregate with no GROUP BY / HAVING / LIMIT: exactly one row, always."""
    if not isinstance(query, exp.Select) or len(query.expressions) != 1:
        return False
    if any(query.args.get(k) for k in ("group", "having", "limit", "offset", "distinct", "qualify")):
        return False
    value = query.expressions[0]
    value = value.this if isinstance(value, exp.Alias) else value
    return isinstance(value, exp.AggFunc) and value.find(exp.Window) is None


def _uncorrelated(query: exp.Select) -> bool:
    """No column of the subquery is qualified with a name the subquery does not define itself."""
    own = {source.alias_or_name for source in query.find_all(exp.Table, exp.Subquery)}
    return all(not column.table or column.table in own for column in query.find_all(exp.Column))


def _scalar_subqueries(select: exp.Select) -> list[exp.Subquery]:
    where = select.args.get("where")
    if where is None:
        return []
    return [
        sub
        for sub in where.find_all(exp.Subquery)
        if sub.parent_select is select
        and isinstance(sub.parent, COMPARISONS)
        and _single_row(sub.this)
        and _uncorrelated(sub.this)
    ]


def unnest_scalar_subqueries(expression: exp.Expr) -> exp.Expr:
    """``WHERE x <= (SELECT MAX(y) FROM c)`` as a CROSS JOIN with the one-row subquery.

    Impala accepts a scalar subquery in WHERE only outside ``OR`` and only in numeric
    comparisons (not against TIMESTAMP or DATE). An uncorrelated subquery of one aggregate
    always yields exactly one row, so crossing it in and comparing with its column gives the
    same rows in every context.
    """
    if not isinstance(expression, exp.Select):
        return expression
    taken = {identifier.name for identifier in expression.find_all(exp.Identifier)}
    for sub in _scalar_subqueries(expression):
        alias, column = _fresh(SCALAR_ALIAS, taken), _fresh(SCALAR_COLUMN, taken)
        query = sub.this.copy()
        query.expressions[0].replace(exp.alias_(_unaliased(query.expressions[0]), column, quoted=True))
        derived = exp.Subquery(this=query, alias=exp.TableAlias(this=exp.to_identifier(alias, quoted=True)))
        sub.replace(exp.column(column, table=alias, quoted=True))
        expression = expression.join(derived, join_type="CROSS", copy=False)
    return expression


def _fresh(base: str, taken: set[str]) -> str:
    """``base``, or ``base_2``, ``base_3`` … : the first name not in ``taken`` (then taken)."""
    name, counter = base, 1
    while name in taken:
        counter += 1
        name = f"{base}_{counter}"
    taken.add(name)
    return name


def _unaliased(expression: exp.Expr) -> exp.Expr:
    return expression.this if isinstance(expression, exp.Alias) else expression


class ImpalaGenerator(HiveGenerator):
    TRANSFORMS: t.ClassVar[dict[type[exp.Expr], t.Callable[..., str]]] = {
        **HiveGenerator.TRANSFORMS,
        exp.DateAdd: _date_add_sql,
        exp.DateSub: _date_add_sql,
        exp.TsOrDsAdd: _date_add_sql,
        exp.DateTrunc: _date_trunc_sql,
        exp.TimestampTrunc: _date_trunc_sql,
        exp.Extract: _extract_sql,
        exp.GenerateSeries: _generate_series_sql,
        exp.GenerateDateArray: _generate_series_sql,
        exp.TsOrDsToDate: _to_date_sql,
        exp.Week: lambda self, e: self.func("WEEKOFYEAR", e.this),
        exp.Trunc: lambda self, e: self.func("TRUNCATE", e.this, e.args.get("decimals")),
        exp.Select: transforms.preprocess(
            [
                transforms.eliminate_qualify,
                transforms.eliminate_distinct_on,
                unnest_scalar_subqueries,
            ]
        ),
    }

    @property
    def capabilities(self) -> ImpalaCapabilities:
        dialect = self.dialect
        return dialect.capabilities if isinstance(dialect, Impala) else impala_capabilities()

    def filter_sql(self, expression: exp.Filter) -> str:
        agg, where = expression.this, expression.expression
        if not isinstance(agg, exp.AggFunc):
            self.unsupported("Impala has no FILTER clause and this is not an aggregate")
            return super().filter_sql(expression)
        condition = where.this if isinstance(where, exp.Where) else where
        return self.sql(conditional_aggregate(agg, condition))

    def interval_sql(self, expression: exp.Interval) -> str:
        count, unit = expression.this, _unit_name(expression.args.get("unit"), default="DAY")
        if isinstance(count, exp.Literal) and count.is_string and _int_value(count) is None:
            count, unit = self._split_interval_string(count.name, unit)
        interval = _interval(count, unit)
        unit = interval.text("unit")
        if unit not in INTERVAL_UNITS:
            self.unsupported(f"Impala has no INTERVAL unit {unit}")
        value = interval.this
        if _int_value(value) is None and not isinstance(value, (exp.Column, exp.Paren)):
            value = exp.paren(value, copy=False)
        return f"INTERVAL {self.sql(value)} {unit}"

    def _split_interval_string(self, text: str, unit: str) -> tuple[exp.Expr, str]:
        """DuckDB / PostgreSQL ``INTERVAL '3 months'`` -> (3, MONTH)."""
        parts = text.split()
        if len(parts) == 2 and parts[0].lstrip("-").isdigit():
            return exp.Literal.number(int(parts[0])), _unit_name(exp.var(parts[1]))
        self.unsupported(f"Impala cannot read the interval '{text}'")
        return exp.Literal.string(text), unit

    def dpipe_sql(self, expression: exp.DPipe) -> str:
        if self.capabilities.pipe_concat:
            return self.binary(expression, "||")
        return self.func("CONCAT", *expression.flatten())

    def datatype_sql(self, expression: exp.DataType) -> str:
        if expression.is_type(exp.DType.DECIMAL) and not expression.expressions:
            precision, scale = DEFAULT_DECIMAL
            expression = exp.DataType.build(f"DECIMAL({precision}, {scale})")
        elif expression.is_type(exp.DType.DATE) and not self.capabilities.date_type:
            # No DATE before 3.3: dates live in TIMESTAMP columns, at midnight.
            expression = exp.DataType.build("TIMESTAMP")
        return super().datatype_sql(expression)

    def groupingsets_sql(self, expression: exp.GroupingSets) -> str:
        self._require_grouping_sets()
        return super().groupingsets_sql(expression)

    def rollup_sql(self, expression: exp.Rollup) -> str:
        self._require_grouping_sets()
        return super().rollup_sql(expression)

    def cube_sql(self, expression: exp.Cube) -> str:
        self._require_grouping_sets()
        return super().cube_sql(expression)

    def _require_grouping_sets(self) -> None:
        if not self.capabilities.grouping_sets:
            self.unsupported("GROUPING SETS, ROLLUP and CUBE need Impala 4.0 or later")

    def select_sql(self, expression: exp.Select) -> str:
        caps = self.capabilities
        if not caps.multiple_count_distinct and len(distinct_aggregate_classes(expression)) > 1:
            self.unsupported("Several DISTINCT aggregates in one SELECT need Impala 3.1 or later")
        return super().select_sql(expression)


# ---------------------------------------------------------------------------------------------
# Dialect
# ---------------------------------------------------------------------------------------------


class Impala(Hive):
    """Apache Impala (3.x and 4.x). Settings: ``version`` (default :data:`DEFAULT_VERSION`)."""

    # NULL sorts as the largest value: last for ASC, first for DESC.
    NULL_ORDERING = "nulls_are_large"
    # `x / 0` is not documented to be NULL in Impala, so safe divisions get NULLIF(d, 0).
    SAFE_DIVISION = False

    def __init__(self, **kwargs: t.Any) -> None:
        kwargs.setdefault("version", DEFAULT_VERSION)
        super().__init__(**kwargs)
        self.capabilities = impala_capabilities(self.version)
        self.DPIPE_IS_STRING_CONCAT = self.capabilities.pipe_concat

    class Tokenizer(Hive.Tokenizer):
        # Impala has no Hive-style typed numeric literals such as 10L or 1.5BD.
        NUMERIC_LITERALS: t.ClassVar[dict[str, str]] = {}

    Parser = ImpalaParser

    Generator = ImpalaGenerator


# `\0` followed by a digit would read as a 3-digit octal escape (`\0` + `12` is `\012`, a
# newline), so NUL is always written as the unambiguous `\000`.
Impala.ESCAPED_SEQUENCES = {**Impala.ESCAPED_SEQUENCES, "\x00": "\\000"}
