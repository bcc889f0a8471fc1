"""SQL string literals ('O''Brien'), Chinese text, a double quote inside a value, and the
condition forms of LANGUAGE.md §3: in / not in, between (bounds are arithmetic, `and` after the
bounds starts a new condition), like (case-sensitive, `%` and `_`), is [not] null."""

from decimal import Decimal as D
from typing import Any

from support.reference import (
    Group,
    Row,
    Source,
    and_,
    between,
    count,
    dim,
    eq,
    in_,
    is_null,
    like,
    lt,
    metric,
    not_in,
    or_,
    sum_,
)

SOURCES = [
    Source(
        "items",
        "lu.items",
        "item_id:int sold_on:date product:string city:string price:decimal(10,2) qty:int",
        time="sold_on",
    )
]

PRODUCT = dim("product", "items.product")
CITY = dim("city", "items.city")


def _line_total(r: Row) -> Any:
    return r["items.price"] * r["items.qty"]


@metric
def sales(g: Group) -> Any:
    return sum_(g.rows("items"), _line_total)


@metric
def units(g: Group) -> Any:
    return sum_(g.rows("items"), lambda r: r["items.qty"])


@metric
def lines(g: Group) -> Any:
    return count(g.rows("items"))


@metric
def mid_sales(g: Group) -> Any:
    def where(r: Row) -> Any:
        return and_(between(r["items.price"], 2 + 3, 10 * 5), lt(r["items.qty"], 4))

    return sum_(g.rows("items", where), _line_total)


def _product(r: Row) -> Any:
    return r["items.product"]


QUERIES = {
    "obrien": lambda ds: ds.query(metrics=[sales, lines], by=[CITY], where=lambda r: eq(_product(r), "O'Brien 理财")),
    "beijing": lambda ds: ds.query(metrics=[units], by=[PRODUCT], where=lambda r: eq(r["items.city"], "北京")),
    "city_in": lambda ds: ds.query(
        metrics=[lines, units],
        by=[CITY],
        where=lambda r: and_(in_(r["items.city"], ["北京", "深圳"]), not_in(_product(r), ["O'Brien", "Plain"])),
    ),
    "like_prefix": lambda ds: ds.query(metrics=[lines], by=[PRODUCT], where=lambda r: like(_product(r), "O'%")),
    "like_underscore": lambda ds: ds.query(
        metrics=[lines],
        by=[PRODUCT],
        where=lambda r: or_(like(_product(r), "A_b"), like(_product(r), "中文%")),
    ),
    "null_city": lambda ds: ds.query(metrics=[sales], by=[PRODUCT], where=lambda r: is_null(r["items.city"])),
    "not_null_between": lambda ds: ds.query(
        metrics=[lines, sales],
        by=[CITY],
        where=lambda r: and_(not is_null(r["items.city"]), between(r["items.price"], 5, 50)),
    ),
    "between_precedence": lambda ds: ds.query(metrics=[mid_sales, sales]),
}

HAND_CHECKED = {
    "obrien": (["city", "sales", "lines"], [("北京", D("100.00"), 1), ("上海", D("200.00"), 1)]),
    "beijing": (
        ["product", "units"],
        [("O'Brien 理财", 1), ("O'Brien", 3), ("A_b", 1), ('Quote "x"', 1), ("o'brien 理财", 1)],
    ),
    "city_in": (["city", "lines", "units"], [("北京", 4, 4), ("深圳", 2, 3)]),
    "like_prefix": (["product", "lines"], [("O'Brien 理财", 2), ("O'Brien", 1)]),
    "like_underscore": (["product", "lines"], [("A_b", 1), ("Axb", 1), ("中文产品", 2)]),
    "null_city": (["product", "sales"], [("中文产品", D("80.00")), ("Plain", D("5.00"))]),
    "not_null_between": (
        ["city", "lines", "sales"],
        [("北京", 2, D("37.00")), ("上海", 1, D("50.00")), ("深圳", 2, D("120.00"))],
    ),
    "between_precedence": (["mid_sales", "sales"], [(D("162.00"), D("598.00"))]),
}
