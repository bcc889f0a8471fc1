"""The metrics of spec.metric restated in Python for the time-intelligence reference."""

from typing import Any

from support.reference import (
    Group,
    Row,
    Source,
    avg,
    count,
    count_distinct,
    count_distinct_having,
    dim,
    div,
    eq,
    max_,
    metric,
    min_,
    sum_,
)
from support.ti_reference import cumulative, growth, lag

SOURCES = [
    Source(
        "orders",
        "ti_orders",
        "order_id:int order_date:date customer_id:int product_id:int channel:string status:string amount:decimal(18,2)",
        time="order_date",
        joins=("product_id -> products.product_id",),
    ),
    Source("products", "ti_products", "product_id:int name:string"),
    Source("visits", "ti_visits", "visit_id:int visit_date:date visitor_id:int", time="visit_date"),
    Source("budgets", "ti_budgets", "budget_id:int product_id:int amount:decimal(18,2)"),
]

DIMS = {
    "product": dim("product", "products.name"),
    "channel": dim("channel", "orders.channel"),
}

# Query `where` conditions used by the tests, as written in the query and as a predicate.
WHERE = {
    "channel = 'phone'": lambda r: eq(r["orders.channel"], "phone"),
}


def _paid(r: Row) -> bool | None:
    return eq(r["orders.status"], "paid")


@metric
def revenue(g: Group) -> Any:
    return sum_(g.rows("orders", _paid), lambda r: r["orders.amount"])


@metric
def buyers(g: Group) -> Any:
    return count_distinct(g.rows("orders", _paid), lambda r: r["orders.customer_id"])


@metric
def order_count(g: Group) -> Any:
    return count(g.rows("orders", _paid))


@metric
def aov(g: Group) -> Any:
    return div(revenue(g), buyers(g))


@metric
def phone_revenue(g: Group) -> Any:
    return revenue(g.where(lambda r: eq(r["orders.channel"], "phone")))


@metric
def repeat_buyers(g: Group) -> Any:
    return count_distinct_having(
        g.rows("orders", _paid), lambda r: r["orders.customer_id"], lambda rows: count(rows) >= 2
    )


@metric
def avg_amount(g: Group) -> Any:
    return avg(g.rows("orders", _paid), lambda r: r["orders.amount"])


@metric
def max_amount(g: Group) -> Any:
    return max_(g.rows("orders", _paid), lambda r: r["orders.amount"])


@metric
def min_amount(g: Group) -> Any:
    return min_(g.rows("orders", _paid), lambda r: r["orders.amount"])


@metric
def item_count(g: Group) -> Any:
    return count(g.rows("orders", _paid), lambda r: r["orders.product_id"])


@metric
def net(g: Group) -> Any:
    return revenue(g) - 2 * order_count(g)


@metric
def visitors(g: Group) -> Any:
    return count_distinct(g.rows("visits"), lambda r: r["visits.visitor_id"])


@metric
def visit_count(g: Group) -> Any:
    return count(g.rows("visits"))


@metric
def conversion(g: Group) -> Any:
    return div(buyers(g), visitors(g))


def _where_phone(m: Any, name: str) -> Any:
    """``m where channel = 'phone'`` for a metric built by a combinator."""
    return type(m)(name, lambda g: m(g.where(lambda r: eq(r["orders.channel"], "phone"))))


revenue_ly = lag(revenue, 1, "year", "revenue_ly")
revenue_ytd = cumulative(revenue, "year", "revenue_ytd")
revenue_3m = cumulative(revenue, "month", "revenue_3m", 3)

METRICS = {
    m.name: m
    for m in [
        revenue,
        buyers,
        order_count,
        aov,
        phone_revenue,
        repeat_buyers,
        avg_amount,
        max_amount,
        min_amount,
        item_count,
        net,
        visitors,
        visit_count,
        conversion,
        # lag
        lag(revenue, 1, "period", "revenue_prev"),
        revenue_ly,
        lag(revenue, 1, "quarter", "revenue_lq"),
        lag(revenue, 1, "month", "revenue_lm"),
        lag(revenue, 1, "week", "revenue_lw"),
        lag(revenue, 2, "week", "revenue_l2w"),
        lag(revenue, 14, "day", "revenue_l14d"),
        lag(revenue, 3, "day", "revenue_l3d"),
        lag(revenue, 52, "week", "revenue_l52w"),
        lag(revenue, 3, "month", "revenue_l3m"),
        lag(buyers, 1, "year", "buyers_ly"),
        lag(buyers, 1, "period", "buyers_prev"),
        lag(order_count, 1, "year", "order_count_ly"),
        lag(aov, 1, "year", "aov_ly"),
        lag(phone_revenue, 1, "year", "phone_revenue_ly"),
        _where_phone(lag(revenue, 1, "year", "revenue_ly"), "revenue_ly_phone"),
        lag(revenue_ly, 1, "year", "revenue_ly2"),
        lag(repeat_buyers, 1, "year", "repeat_buyers_ly"),
        lag(avg_amount, 1, "year", "avg_amount_ly"),
        lag(max_amount, 1, "period", "max_amount_prev"),
        lag(visit_count, 1, "year", "visit_count_ly"),
        # growth
        growth(revenue, 1, "period", "revenue_pop"),
        growth(revenue, 1, "year", "revenue_yoy"),
        growth(revenue, 1, "quarter", "revenue_qoq"),
        growth(revenue, 1, "month", "revenue_mom"),
        growth(revenue, 1, "week", "revenue_wow"),
        growth(buyers, 1, "year", "buyers_yoy"),
        growth(aov, 1, "year", "aov_yoy"),
        growth(aov, 1, "period", "aov_pop"),
        growth(phone_revenue, 1, "year", "phone_yoy"),
        growth(revenue_ly, 1, "period", "ly_pop"),
        growth(conversion, 1, "year", "conversion_yoy"),
        growth(avg_amount, 1, "year", "avg_amount_yoy"),
        # to date
        revenue_ytd,
        cumulative(revenue, "quarter", "revenue_qtd"),
        cumulative(revenue, "month", "revenue_mtd"),
        cumulative(revenue, "week", "revenue_wtd"),
        cumulative(buyers, "year", "buyers_ytd"),
        cumulative(buyers, "quarter", "buyers_qtd"),
        cumulative(buyers, "month", "buyers_mtd"),
        cumulative(buyers, "week", "buyers_wtd"),
        cumulative(aov, "year", "aov_ytd"),
        cumulative(aov, "month", "aov_mtd"),
        cumulative(phone_revenue, "year", "phone_ytd"),
        cumulative(repeat_buyers, "year", "repeat_buyers_ytd"),
        cumulative(max_amount, "year", "max_amount_ytd"),
        cumulative(conversion, "year", "conversion_ytd"),
        cumulative(visitors, "quarter", "visitors_qtd"),
        lag(revenue_ytd, 1, "year", "revenue_ytd_ly"),
        cumulative(revenue_ly, "year", "revenue_ly_ytd"),
        growth(revenue_ytd, 1, "year", "ytd_yoy"),
        lag(revenue_ytd, 1, "period", "revenue_ytd_prev"),
        growth(revenue_ytd, 1, "period", "ytd_pop"),
        lag(cumulative(buyers, "year", "buyers_ytd"), 1, "period", "buyers_ytd_prev"),
        lag(cumulative(revenue, "quarter", "revenue_qtd"), 1, "month", "revenue_qtd_lm"),
        lag(cumulative(revenue, "month", "revenue_mtd"), 1, "month", "revenue_mtd_lm"),
        lag(revenue_ytd, 1, "week", "revenue_ytd_lw"),
        cumulative(avg_amount, "year", "avg_amount_ytd"),
        cumulative(min_amount, "year", "min_amount_ytd"),
        cumulative(net, "year", "net_ytd"),
        cumulative(item_count, "quarter", "item_count_qtd"),
        # rolling
        cumulative(revenue, "day", "revenue_7d", 7),
        cumulative(revenue, "week", "revenue_2w", 2),
        cumulative(revenue, "day", "revenue_14d", 14),
        revenue_3m,
        cumulative(revenue, "quarter", "revenue_2q", 2),
        cumulative(revenue, "year", "revenue_2y", 2),
        cumulative(buyers, "day", "buyers_7d", 7),
        cumulative(buyers, "week", "buyers_2w", 2),
        cumulative(buyers, "month", "buyers_3m", 3),
        cumulative(buyers, "quarter", "buyers_2q", 2),
        cumulative(buyers, "year", "buyers_2y", 2),
        cumulative(aov, "day", "aov_7d", 7),
        cumulative(aov, "month", "aov_3m", 3),
        cumulative(aov, "quarter", "aov_2q", 2),
        cumulative(repeat_buyers, "month", "repeat_buyers_3m", 3),
        cumulative(avg_amount, "day", "avg_amount_7d", 7),
        cumulative(conversion, "month", "conversion_3m", 3),
        cumulative(visitors, "week", "visitors_2w", 2),
        cumulative(revenue, "day", "revenue_28d", 28),
        cumulative(revenue, "month", "revenue_1m", 1),
        cumulative(buyers, "month", "buyers_1m", 1),
        cumulative(buyers, "day", "buyers_28d", 28),
        cumulative(min_amount, "day", "min_amount_7d", 7),
        cumulative(max_amount, "month", "max_amount_3m", 3),
        cumulative(avg_amount, "week", "avg_amount_2w", 2),
        cumulative(net, "week", "net_2w", 2),
        lag(revenue_3m, 1, "year", "revenue_3m_ly"),
    ]
}
