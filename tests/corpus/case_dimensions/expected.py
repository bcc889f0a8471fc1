"""`case` expressions (LANGUAGE.md §3, §4): first matching branch wins, `else` when none does,
NULL without `else` (account 6, kind 'gov', and the NULL kinds), a NULL input failing every
`when`, `between` inside `when`, a boolean dimension, a `case` inside `sum`, and `order … desc`
with the NULL group last (§8). The spec file uses CRLF and lacks a final newline (§1)."""

from decimal import Decimal as D
from typing import Any

from support.reference import Dim, Group, Row, Source, avg, between, count, eq, ge, gt, is_null, metric, sum_

SOURCES = [
    Source(
        "accounts",
        "cd_accounts",
        "account_id:int opened:date balance:decimal(12,2) kind:string score:int",
        time="opened",
    )
]


def _balance_band(r: Row) -> Any:
    if ge(r["accounts.balance"], 1000):
        return "large"
    if ge(r["accounts.balance"], 100):
        return "medium"
    return "small"


def _kind_label(r: Row) -> Any:
    if eq(r["accounts.kind"], "biz"):
        return "business"
    if eq(r["accounts.kind"], "per"):
        return "personal"
    return None


def _score_bucket(r: Row) -> Any:
    if is_null(r["accounts.score"]):
        return "unscored"
    if between(r["accounts.score"], 700, 850):
        return "prime"
    return "subprime"


BALANCE_BAND = Dim("balance_band", _balance_band)
KIND_LABEL = Dim("kind_label", _kind_label)
SCORE_BUCKET = Dim("score_bucket", _score_bucket)
IS_VIP = Dim("is_vip", lambda r: gt(r["accounts.balance"], 5000) is True)


@metric
def accounts(g: Group) -> Any:
    return count(g.rows("accounts"))


@metric
def balance(g: Group) -> Any:
    return sum_(g.rows("accounts"), lambda r: r["accounts.balance"])


@metric
def avg_balance(g: Group) -> Any:
    return avg(g.rows("accounts"), lambda r: r["accounts.balance"])


@metric
def large_balance(g: Group) -> Any:
    def value(r: Row) -> Any:
        return r["accounts.balance"] if ge(r["accounts.balance"], 1000) else 0

    return sum_(g.rows("accounts"), value)


QUERIES = {
    "by_band": lambda ds: ds.query(metrics=[accounts, balance], by=[BALANCE_BAND], order=["balance_band"]),
    "by_kind_label": lambda ds: ds.query(metrics=[accounts, avg_balance], by=[KIND_LABEL], order=["kind_label desc"]),
    "by_score_bucket_vip": lambda ds: ds.query(metrics=[accounts], by=[SCORE_BUCKET, IS_VIP]),
    "large_balance_total": lambda ds: ds.query(metrics=[large_balance, balance]),
}

HAND_CHECKED = {
    "by_band": (
        ["balance_band", "accounts", "balance"],
        [("large", 2, D("8500.00")), ("medium", 3, D("1249.99")), ("small", 2, D("70.00"))],
    ),
    "by_kind_label": (
        ["kind_label", "accounts", "avg_balance"],
        [("personal", 2, D("574.995")), ("business", 2, D(525)), (None, 3, D(2540))],
    ),
    "by_score_bucket_vip": (
        ["score_bucket", "is_vip", "accounts"],
        [("prime", False, 3), ("prime", True, 1), ("subprime", False, 2), ("unscored", False, 1)],
    ),
    "large_balance_total": (["large_balance", "balance"], [(D("8500.00"), D("9819.99"))]),
}
