"""Helpers for the semantic-stage unit tests: check inline `.metric` text without a project folder."""

from __future__ import annotations

from metricdsl.diagnostics import Diagnostic
from metricdsl.semantic import Checked, check
from metricdsl.source import SourceFile
from metricdsl.syntax import ast
from metricdsl.syntax.parse import parse_file

# A small valid project; the tests append the declarations under test, from line FIRST_LINE on.
SALES = """\
source orders {
  table: dw.fact_orders
  time: order_date
  key: order_id
  columns { order_id: bigint, order_date: date, customer_id: bigint, status: string, amount: decimal(18, 2) }
  join customers on customer_id = customers.customer_id
}

source customers {
  table: dw.dim_customer
  key: customer_id
  columns { customer_id: bigint, segment: string }
}

source visits {
  table: dw.fact_visits
  columns { visit_id: bigint, channel: string }
}

dimension segment = customers.segment
dimension channel = visits.channel
metric revenue = sum(orders.amount)
metric buyers = count_distinct(orders.customer_id)
metric aov = revenue / buyers
"""
FIRST_LINE = SALES.count("\n") + 1


def parse_text(text: str) -> ast.FileAST:
    """The syntax tree of `text`; the text must be free of syntax errors."""
    tree, problems = parse_file(SourceFile("<test>", text))
    assert problems == [], problems
    return tree


def checked(text: str, prove: bool = False) -> Checked:
    return check([parse_text(text)], prove)


def diagnostics(text: str) -> list[Diagnostic]:
    return checked(text).diagnostics


def check_text(text: str) -> list[tuple[str, int, int]]:
    """(code, line, column) of every diagnostic of `text`, in the order the checker reports them."""
    return [(d.code, d.span.line, d.span.column) if d.span else (d.code, 0, 0) for d in diagnostics(text)]


def only(text: str, code: str) -> Diagnostic:
    """The one diagnostic of `text`, which must have `code`."""
    found = diagnostics(text)
    assert [d.code for d in found] == [code], found
    return found[0]
