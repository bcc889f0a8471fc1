"""Writing Spark SQL: sqlglot's Spark generator, with the calendar's series and date truncation written
the Spark way.

Spark has no `generate_series` table function; `EXPLODE(SEQUENCE(first, last, step))` over DATE
bounds gives the same rows. In FROM it takes a column alias (`AS series(bucket)`, Spark 3.4+);
crossed with the data's bounds (whose columns it reads) it becomes a `LATERAL VIEW`, because a
table function in FROM cannot read an earlier FROM item. Spark's `TRUNC(d, 'DAY')` is NULL, so
every truncation is `DATE_TRUNC('<unit>', d)` (a timestamp, which the compiler casts to DATE).
A continuous percentile is Spark's exact `PERCENTILE(x, p)`.
"""

from __future__ import annotations

import typing as t

from sqlglot import exp
from sqlglot.generators.spark import SparkGenerator

SERIES_FUNCTION = "generate_series"


def _date_trunc_sql(self: SparkGenerator, expression: exp.DateTrunc) -> str:
    unit = expression.args.get("unit")
    name = unit.name if isinstance(unit, (exp.Literal, exp.Var)) else "DAY"
    return self.func("DATE_TRUNC", exp.Literal.string(name.upper()), expression.this)


class SparkSqlGenerator(SparkGenerator):
    TRANSFORMS: t.ClassVar[dict[type[exp.Expr], t.Callable[..., str]]] = {
        **SparkGenerator.TRANSFORMS,
        exp.DateTrunc: _date_trunc_sql,
    }

    def avg_sql(self, expression: exp.Avg) -> str:
        """AVG over DOUBLE: Spark's AVG of a DECIMAL keeps only 4 more decimal places (DuckDB: a double)."""
        value = expression.this
        if not (isinstance(value, exp.Cast) and value.to.is_type(exp.DType.DOUBLE)):
            value = exp.Cast(this=value.copy(), to=exp.DataType.build("DOUBLE"))
        return self.func("AVG", value)

    def percentilecont_sql(self, expression: exp.PercentileCont) -> str:
        """`PERCENTILE(x, p)`: Spark's exact percentile, interpolated between the two nearest rows as
        PostgreSQL's percentile_cont (sqlglot would print `PERCENTILE_CONT(x, p)`, which Spark refuses)."""
        return self.func("PERCENTILE", expression.this, expression.expression)

    def anonymous_sql(self, expression: exp.Anonymous) -> str:
        if _is_series(expression):
            return self.sql(_explode(expression))
        return super().anonymous_sql(expression)

    def select_sql(self, expression: exp.Select) -> str:
        laterals = [join for join in expression.args.get("joins") or [] if _series_join(join)]
        if laterals:
            expression = expression.copy()
            for join in [j for j in expression.args["joins"] if _series_join(j)]:
                table = join.this
                alias = table.args["alias"]
                join.pop()
                expression.append("laterals", exp.Lateral(this=_explode(table.this), view=True, alias=alias.copy()))
        return super().select_sql(expression)


def _is_series(expression: exp.Expr) -> bool:
    return isinstance(expression, exp.Anonymous) and expression.name.lower() == SERIES_FUNCTION \
        and len(expression.expressions) == 3


def _series_join(join: exp.Join) -> bool:
    table = join.this
    return isinstance(table, exp.Table) and _is_series(table.this) and join.kind.upper() == "CROSS"


def _explode(series: exp.Anonymous) -> exp.Expr:
    first, last, step = series.expressions
    start, stop = (_as_date(_uncast(bound)) for bound in (first, last))
    sequence = exp.Anonymous(this="SEQUENCE", expressions=[start, stop, step.copy()])
    # SEQUENCE fails when stop < start (a period after its as-of date): no rows instead
    guarded = exp.Case(ifs=[exp.If(this=exp.LTE(this=start.copy(), expression=stop.copy()), true=sequence)])
    return exp.Explode(this=guarded)


def _as_date(expression: exp.Expr) -> exp.Expr:
    if isinstance(expression, exp.Cast) and expression.to.is_type(exp.DType.DATE):
        return expression.copy()
    return exp.Cast(this=expression.copy(), to=exp.DataType.build("DATE"))


def _uncast(expression: exp.Expr) -> exp.Expr:
    """`CAST(x AS TIMESTAMP)` → x: the sequence runs over dates, with no time-zone arithmetic."""
    return expression.this if isinstance(expression, exp.Cast) else expression
