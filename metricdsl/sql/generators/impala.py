"""Writing Impala SQL: sqlglot's Hive generator, corrected where Hive's spelling means something else in Impala.

``TRUNC(x, 'DAY')`` is the start of the *week* in Impala, ``ADD_MONTHS`` snaps month ends, there
is no ``FILTER`` clause, and a scalar subquery in WHERE is accepted only in a few places. Each
rule is documented, with the Impala reference page it comes from, in ``docs/dialects.md``.
Version-dependent output follows the dialect's :class:`~metricdsl.sql.capabilities.Capabilities`.
"""

from __future__ import annotations

import typing as t

from sqlglot import exp, transforms
from sqlglot.dialects.dialect import map_date_part
from sqlglot.generators.hive import HiveGenerator

from metricdsl.plan.nodes import fresh_name
from metricdsl.sql.capabilities import Capabilities, capabilities
from metricdsl.sql.rows import data_type

DEFAULT_DECIMAL = (38, 9)
"""Precision and scale emitted for a cast to a bare ``DECIMAL`` (Impala reads it as (9, 0))."""

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
        alias, column = fresh_name(SCALAR_ALIAS, taken), fresh_name(SCALAR_COLUMN, taken)
        query = sub.this.copy()
        query.expressions[0].replace(exp.alias_(_unaliased(query.expressions[0]), column, quoted=True))
        derived = exp.Subquery(this=query, alias=exp.TableAlias(this=exp.to_identifier(alias, quoted=True)))
        sub.replace(exp.column(column, table=alias, quoted=True))
        expression = expression.join(derived, join_type="CROSS", copy=False)
    return expression


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
        exp.PercentileCont: lambda self, e: self.unsupported(
            "Impala has no exact percentile; metricdsl computes it with row numbers (sql/percentiles.py)") or "",
        exp.Select: transforms.preprocess(
            [
                transforms.eliminate_qualify,
                transforms.eliminate_distinct_on,
                unnest_scalar_subqueries,
            ]
        ),
    }

    @property
    def capabilities(self) -> Capabilities:
        """The capabilities of the dialect instance (its version); Impala's defaults without one."""
        found = getattr(self.dialect, "capabilities", None)
        return found if isinstance(found, Capabilities) else capabilities("impala")

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
            expression = data_type(f"DECIMAL({precision}, {scale})")
        elif expression.is_type(exp.DType.DATE) and not self.capabilities.date_type:
            # No DATE before 3.3: dates live in TIMESTAMP columns, at midnight.
            expression = data_type("TIMESTAMP")
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
