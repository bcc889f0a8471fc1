"""Metric references with `where` (LANGUAGE.md §5): the condition filters every aggregate
underneath, filters of filtered references stack, `or` inside a metric `where`, a filtered
reference inside arithmetic, and the query `where` applies on top of the metric's own. A NULL
region fails `region = 'north'`. A group appears only where a metric sees rows after its own
`where` (§8)."""

from decimal import Decimal as D
from typing import Any

from support.reference import Group, Row, Source, dim, div, eq, metric, ne, or_, sum_

SOURCES = [
    Source(
        "sales",
        "fm_sales",
        "sale_id:int sale_date:date channel:string region:string status:string amount:decimal(10,2)",
        time="sale_date",
    )
]

CHANNEL = dim("channel", "sales.channel")
REGION = dim("region", "sales.region")


def _amount(r: Row) -> Any:
    return r["sales.amount"]


@metric
def revenue(g: Group) -> Any:
    return sum_(g.rows("sales", lambda r: eq(r["sales.status"], "paid")), _amount)


@metric
def gross(g: Group) -> Any:
    return sum_(g.rows("sales"), _amount)


@metric
def phone_revenue(g: Group) -> Any:
    return revenue(g.where(lambda r: eq(r["sales.channel"], "phone")))


@metric
def phone_north_revenue(g: Group) -> Any:
    return phone_revenue(g.where(lambda r: eq(r["sales.region"], "north")))


@metric
def phone_share(g: Group) -> Any:
    return div(phone_revenue(g), revenue(g))


@metric
def paid_share(g: Group) -> Any:
    return div(revenue(g), gross(g))


@metric
def web_or_refund(g: Group) -> Any:
    def where(r: Row) -> Any:
        return or_(eq(r["sales.channel"], "web"), eq(r["sales.status"], "refunded"))

    return sum_(g.rows("sales", where), _amount)


@metric
def refunded(g: Group) -> Any:
    return gross(g.where(lambda r: eq(r["sales.status"], "refunded")))


@metric
def net(g: Group) -> Any:
    return revenue(g) - refunded(g)


QUERIES = {
    "by_region": lambda ds: ds.query(
        metrics=[revenue, phone_revenue, phone_north_revenue, phone_share, gross, paid_share],
        by=[REGION],
    ),
    "with_query_where": lambda ds: ds.query(
        metrics=[revenue, phone_revenue, gross],
        by=[REGION],
        where=lambda r: ne(r["sales.channel"], "web"),
    ),
    "north_totals": lambda ds: ds.query(
        metrics=[phone_revenue, web_or_refund, net], where=lambda r: eq(r["sales.region"], "north")
    ),
    "group_seen_by_filtered": lambda ds: ds.query(metrics=[phone_revenue], by=[CHANNEL]),
}

HAND_CHECKED = {
    "by_region": (
        ["region", "revenue", "phone_revenue", "phone_north_revenue", "phone_share", "gross", "paid_share"],
        [
            ("north", D("190.00"), D("100.00"), D("100.00"), D(100) / 190, D("215.00"), D(190) / 215),
            ("south", D("40.00"), D("40.00"), 0, D(1), D("58.00"), D(40) / 58),
            (None, D("5.00"), D("5.00"), 0, D(1), D("5.00"), D(1)),
        ],
    ),
    "with_query_where": (
        ["region", "revenue", "phone_revenue", "gross"],
        [
            ("north", D("130.00"), D("100.00"), D("155.00")),
            ("south", D("40.00"), D("40.00"), D("48.00")),
            (None, D("5.00"), D("5.00"), D("5.00")),
        ],
    ),
    "north_totals": (
        ["phone_revenue", "web_or_refund", "net"],
        [(D("100.00"), D("85.00"), D("165.00"))],
    ),
    "group_seen_by_filtered": (["channel", "phone_revenue"], [("phone", D("145.00"))]),
}
