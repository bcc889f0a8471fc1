"""Generate the sample data of the telesales warehouse (电销中心) in specs/data/.

Deterministic: the same seed always writes the same CSV files, byte for byte, so the committed
files can be regenerated and checked (tests/e2e/test_corpus.py does).  Plain `random`, no numpy.

    python specs/data/generate.py            # rewrites the CSV files next to this script
    python specs/data/generate.py OUT_DIR    # writes them somewhere else

What the data contains on purpose:
- orders and calls over 2025-01-01 .. 2026-12-31 with seasonality: a dip around the Spring
  Festival (2025-01-29, 2026-02-17), a peak in November (双十一) and ~15% growth in 2026;
- web orders have no agent (agent_id NULL);
- a few orders point at customers missing from dw.dim_customer (orphan keys);
- team 华南组 made no calls in March 2026 (dialler migration);
- some agents have no grade yet (grade NULL);
- a product called "O'Brien 理财" (an apostrophe in a name);
- daily balance snapshots (AUM, 存量) of wealth-management accounts on weekdays only, so a month
  that ends on a weekend closes on its last weekday; accounts open and close mid-month.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import random
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

SEED = 20260101
START, END = dt.date(2025, 1, 1), dt.date(2026, 12, 31)
SPRING_FESTIVAL = [dt.date(2025, 1, 29), dt.date(2026, 2, 17)]
NO_CALLS_TEAM, NO_CALLS_MONTH = "华南组", (2026, 3)

CITIES = ["北京", "上海", "广州", "深圳", "杭州", "成都", "武汉", "西安", "南京", "重庆"]
CITY_WEIGHTS = [14, 16, 10, 10, 9, 8, 7, 6, 6, 5]
SEGMENTS = ["VIP", "普通", "新客"]
SEGMENT_WEIGHTS = [1, 5, 3]

# product_id, name, category, price, fixed_price
PRODUCTS = [
    (1, "稳健理财A", "理财", "5000.00", True),
    (2, "O'Brien 理财", "理财", "8800.00", False),
    (3, "Gold Card", "信用卡", "299.00", True),
    (4, "白金卡", "信用卡", "699.00", True),
    (5, "Health Insurance Plus", "保险", "3600.00", False),
    (6, "意外险", "保险", "199.00", True),
    (7, "车险 Basic", "保险", "2400.00", False),
    (8, "基金定投", "基金", "1000.00", False),
    (9, "Index Fund 300", "基金", "1500.00", False),
    (10, "私人银行咨询", "顾问", "12000.00", False),
    (11, "Credit Line", "贷款", "500.00", True),
    (12, "留学贷款", "贷款", "2000.00", False),
]
PRODUCT_WEIGHTS = [10, 6, 14, 9, 6, 12, 7, 9, 6, 2, 8, 4]

TEAMS = ["华东一组", "华东二组", "华南组", "华北组"]
AGENT_NAMES = [
    "张伟",
    "王芳",
    "李娜",
    "刘洋",
    "陈静",
    "杨磊",
    "赵敏",
    "黄勇",
    "周杰",
    "吴霞",
    "徐明",
    "孙丽",
    "马超",
    "朱琳",
    "胡斌",
    "郭婷",
    "何军",
    "高雪",
    "林峰",
    "罗佳",
]
NO_GRADE_AGENTS = {5, 12, 18}  # hired recently: not graded yet

CENT = Decimal("0.01")


def money(x: float | Decimal) -> Decimal:
    return Decimal(str(x)).quantize(CENT, rounding=ROUND_HALF_UP)


def season(day: dt.date) -> float:
    """Relative business volume on a day."""
    month_factor = [1.0, 0.8, 1.0, 1.0, 1.05, 1.1, 0.95, 0.95, 1.05, 1.1, 1.45, 1.2][day.month - 1]
    if any(abs((day - sf).days) <= 7 for sf in SPRING_FESTIVAL):
        month_factor *= 0.25
    if day.weekday() >= 5:
        month_factor *= 0.7
    return month_factor * (1.15 if day.year == 2026 else 1.0)


def poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method; fine for the small means used here."""
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def days() -> list[dt.date]:
    return [START + dt.timedelta(days=i) for i in range((END - START).days + 1)]


def make_customers(rng: random.Random) -> list[dict[str, object]]:
    rows = []
    for customer_id in range(1001, 1601):
        signup = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randint(0, 1275))
        rows.append(
            {
                "customer_id": customer_id,
                "segment": rng.choices(SEGMENTS, SEGMENT_WEIGHTS)[0],
                "city": rng.choices(CITIES, CITY_WEIGHTS)[0],
                "signup_date": signup.isoformat(),
            }
        )
    return rows


def make_agents(rng: random.Random) -> list[dict[str, object]]:
    rows = []
    for agent_id, name in enumerate(AGENT_NAMES, start=1):
        grade = "" if agent_id in NO_GRADE_AGENTS else rng.choices("ABC", [2, 5, 3])[0]
        rows.append({"agent_id": agent_id, "name": name, "team": TEAMS[(agent_id - 1) % 4], "grade": grade})
    return rows


def make_orders(rng: random.Random, customers: list[int]) -> list[dict[str, object]]:
    # A customer's propensity to buy is skewed so that repeat buyers exist.
    weights = [rng.paretovariate(1.6) for _ in customers]
    rows, order_id = [], 100000
    for day in days():
        for _ in range(poisson(rng, 4.0 * season(day))):
            order_id += 1
            if rng.random() < 0.02:
                customer_id = 99001 + rng.randrange(15)  # not in dw.dim_customer
            else:
                customer_id = rng.choices(customers, weights)[0]
            channel = rng.choices(["phone", "web", "wechat"], [5, 3, 2])[0]
            agent = "" if channel == "web" else rng.randint(1, 20)
            product_id, _, _, price, fixed = rng.choices(PRODUCTS, PRODUCT_WEIGHTS)[0]
            quantity = 1 if Decimal(price) >= 1000 else rng.randint(1, 3)
            discount = 1.0 if fixed else rng.choice([1.0, 0.95, 0.9, 0.88, 0.85])
            amount = money(Decimal(price) * quantity * Decimal(str(discount)))
            cost = money(amount * Decimal(str(round(rng.uniform(0.55, 0.8), 3))))
            status = rng.choices(["paid", "refunded", "cancelled"], [85, 8, 7])[0]
            rows.append(
                {
                    "order_id": order_id,
                    "order_date": day.isoformat(),
                    "customer_id": customer_id,
                    "product_id": product_id,
                    "agent_id": agent,
                    "channel": channel,
                    "status": status,
                    "amount": amount,
                    "cost": cost,
                }
            )
    return rows


def make_calls(rng: random.Random, agents: list[dict[str, object]], customers: list[int]) -> list[dict[str, object]]:
    rows, call_id = [], 5000000
    connect_rate = {"A": 0.6, "B": 0.48, "C": 0.38, "": 0.3}
    for day in days():
        for agent in agents:
            if agent["team"] == NO_CALLS_TEAM and (day.year, day.month) == NO_CALLS_MONTH:
                continue
            for _ in range(poisson(rng, 0.3 * season(day))):
                call_id += 1
                connected = rng.random() < connect_rate[str(agent["grade"])]
                rows.append(
                    {
                        "call_id": call_id,
                        "call_date": day.isoformat(),
                        "agent_id": agent["agent_id"],
                        "customer_id": rng.choice(customers),
                        "connected": "true" if connected else "false",
                        "duration_sec": rng.randint(30, 900) if connected else rng.randint(0, 25),
                    }
                )
    return rows


BALANCE_PRODUCTS = [1, 2, 8, 9, 10]  # 理财, 基金 and 顾问 hold balances


def make_balances(rng: random.Random, customers: list[int]) -> list[dict[str, object]]:
    """Weekday snapshots of 30 accounts: each opens on some day, may close, and drifts a little each day."""
    rows = []
    for account in range(1, 31):
        opened = START + dt.timedelta(days=rng.randint(0, 400))
        closed = opened + dt.timedelta(days=rng.randint(60, 500)) if rng.random() < 0.4 else None
        customer, product = rng.choice(customers), rng.choice(BALANCE_PRODUCTS)
        balance = Decimal(rng.randint(50, 2000) * 1000)
        for day in days():
            if day < opened or (closed is not None and day > closed) or day.weekday() >= 5:
                continue
            balance = (balance * Decimal(str(1 + rng.uniform(-0.01, 0.012)))).quantize(Decimal("0.01"), ROUND_HALF_UP)
            rows.append({"snapshot_date": day.isoformat(), "account_id": 8000 + account, "customer_id": customer,
                         "product_id": product, "balance": balance})
    rows.sort(key=lambda r: (str(r["snapshot_date"]), int(str(r["account_id"]))))
    return rows


def write(path: Path, rows: list[dict[str, object]], columns: list[str]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(out_dir: Path) -> None:
    rng = random.Random(SEED)
    customers = make_customers(rng)
    agents = make_agents(rng)
    customer_ids = [int(str(c["customer_id"])) for c in customers]
    orders = make_orders(rng, customer_ids)
    calls = make_calls(rng, agents, customer_ids)
    products = [
        {"product_id": p, "name": n, "category": c, "price": price, "fixed_price": str(f).lower()}
        for p, n, c, price, f in PRODUCTS
    ]
    out_dir.mkdir(parents=True, exist_ok=True)
    write(out_dir / "dw.dim_customer.csv", customers, ["customer_id", "segment", "city", "signup_date"])
    write(out_dir / "dw.dim_agent.csv", agents, ["agent_id", "name", "team", "grade"])
    write(out_dir / "dw.dim_product.csv", products, ["product_id", "name", "category", "price", "fixed_price"])
    order_columns = [
        "order_id",
        "order_date",
        "customer_id",
        "product_id",
        "agent_id",
        "channel",
        "status",
        "amount",
        "cost",
    ]
    write(out_dir / "dw.fact_orders.csv", orders, order_columns)
    call_columns = ["call_id", "call_date", "agent_id", "customer_id", "connected", "duration_sec"]
    write(out_dir / "dw.fact_calls.csv", calls, call_columns)
    balances = make_balances(random.Random(SEED + 1), customer_ids)  # its own stream: the files above do not move
    write(out_dir / "dw.fact_balances.csv", balances,
          ["snapshot_date", "account_id", "customer_id", "product_id", "balance"])


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent)
