"""Checking `target` blocks (LANGUAGE.md §9) into `TargetSpec`s (metricdsl.ir.targets).

`check_targets` runs last, once metrics, decompositions and calendars are known; every problem
becomes a diagnostic with a span (E602 invalid target, and the general E103/E104/E107/E108/E109),
and a target with an error is left out of the model. Decisions where §9 is silent:

* `baseline:` defaults to the target period one year earlier.
* `growth:` is a multiplier (`10x`) or a signed change (`+20%` = 1.2x, `-5%` = 0.95x); an unsigned
  percent is refused because `20%` could mean 0.2x or 1.2x.
* `cap:` takes a multiplier (`<= 1.5x`) or a signed change (`<= +50%`), and/or an absolute ceiling
  (`<= 0.95`, a plain number); the tighter of repeated caps of one kind holds. A leaf whose `unit` is
  `"%"` gets the ceiling 1 (100%) on top.
* `tree:` equations may be written in any order; together they must form one tree rooted at the
  target's metric, each equation a declared multiplicative `decompose` (same factors, any order).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from pydantic import ValidationError

from metricdsl.diagnostics import Note, did_you_mean
from metricdsl.grains import is_time_name, shift_year
from metricdsl.ir import model as m
from metricdsl.ir.targets import CalendarSpec, DriverSpec, Grain, TargetSpec, TreeEdge
from metricdsl.ir.walk import semi_additive
from metricdsl.semantic.context import Scope
from metricdsl.semantic.properties import plain_names, properties, required_period, single_name
from metricdsl.semantic.reach import check_reachable
from metricdsl.semantic.vocabulary import TARGET_PROPERTIES
from metricdsl.source import Span
from metricdsl.syntax import ast

SPLIT_METHODS = ("baseline", "equal", "weights")
NOT_ADDITIVE_HELP = ("only sums and counts (and their filtered references) split and spread; count_distinct, avg, "
                     "min, max and ratios double count or do not add up — target an additive metric and reach the "
                     "others through `tree`")
SPREAD_HELP = "write e.g. `spread: month by workdays(cn) * seasonality` or `spread: month, week by workdays(cn)`"


def check_targets(scope: Scope, decls: Sequence[ast.BlockDecl], decompositions: Sequence[m.Decomposition],
                  calendars: dict[str, CalendarSpec]) -> dict[str, TargetSpec]:
    """The targets that check, by name."""
    return {decl.name: spec for decl in decls
            if (spec := TargetChecker(scope, decompositions, calendars, decl).check()) is not None}


class TargetChecker:
    """Checks one `target` block; every method reports its own errors and returns None on failure."""

    def __init__(self, scope: Scope, decompositions: Sequence[m.Decomposition],
                 calendars: dict[str, CalendarSpec], decl: ast.BlockDecl) -> None:
        self.scope = scope
        self.report = scope.report
        self.symbols = scope.symbols
        self.decompositions = decompositions
        self.calendars = calendars
        self.decl = decl
        self.name = decl.name

    def check(self) -> TargetSpec | None:
        mark = self.report.mark()
        props = properties(self.report, self.decl.block, TARGET_PROPERTIES, "target")
        metric = self.metric(props.get("metric"))
        period = self.period(props.get("period"), "period")
        baseline = self.period(props["baseline"], "baseline") if "baseline" in props else _year_before(period)
        amount = self.amount(props.get("value"), props.get("growth"))
        edges = self.tree(props["tree"], metric) if "tree" in props and metric else []
        leaves = _leaves(metric, edges) if metric else []
        drivers = self.drivers(props, leaves, edges)
        split = self.split(props["split"], metric) if "split" in props else {}
        spread = self.spread(props["spread"]) if "spread" in props else {"spread_grains": []}
        round_unit = self.round_unit(props["round"]) if "round" in props else 1.0
        store = single_name(self.report, props["store"]) if "store" in props else None
        self.additive(metric, props)
        if self.report.failed_since(mark) or metric is None or period is None or baseline is None or amount is None:
            return None
        return self.build(metric=metric, period_start=period.start, period_end=period.end,
                          baseline_start=baseline.start, baseline_end=baseline.end, tree=edges, drivers=drivers,
                          round_unit=round_unit, store=tuple(store[0].split(".")) if store else None, **amount, **split, **spread)

    def build(self, **fields: object) -> TargetSpec | None:
        try:
            return TargetSpec.model_validate({"name": self.name, "label": self.decl.label, **fields})
        except ValidationError as error:
            reason = "; ".join(e["msg"].removeprefix("Value error, ") for e in error.errors())
            self.report.error("E602", f"target `{self.name}` is invalid: {reason}", self.decl.name_span)
            return None

    # ---- metric, periods, amount --------------------------------------------------------------
    def metric(self, prop: ast.Property | None) -> str | None:
        if prop is None:
            self.report.error("E108", f"target `{self.name}` needs `metric:`", self.decl.name_span,
                              "add e.g. `metric: revenue`")
            return None
        named = single_name(self.report, prop)
        return self.known_metric(*named) if named else None

    def known_metric(self, name: str, span: Span) -> str | None:
        if name in self.scope.metrics:
            return name
        if not self.symbols.known(name, "metric"):
            self.report.error("E103", f"unknown metric `{name}`", span, did_you_mean(name, self.symbols.named("metric")))
        return None

    def period(self, prop: ast.Property | None, key: str) -> m.Period | None:
        return required_period(self.report, prop, f"target `{self.name}`", key, self.decl.name_span, f"`{key}:`")

    def amount(self, value: ast.Property | None, growth: ast.Property | None) -> dict[str, float] | None:
        if value is None and growth is None:
            self.report.error("E108", f"target `{self.name}` needs `value:` or `growth:`", self.decl.name_span,
                              "add e.g. `value: 50_000_000_000` or `growth: 10x`")
            return None
        if value is not None and growth is not None:
            self.report.error("E602", "give either `value:` or `growth:`, not both", growth.key_span,
                              notes=[Note(value.key_span, "`value:` is given here")])
            return None
        if value is not None:
            number = _single_number(value)
            if number is None or number < 0:
                self.report.error("E109", "`value:` is a number, e.g. `value: 50_000_000_000`", value.span)
                return None
            return {"value": float(number)}
        assert growth is not None
        multiple = _multiple(growth)
        if multiple is None or multiple <= 0:
            self.report.error("E109", "`growth:` is a multiplier (10x) or a signed change (+20%, -5%)", growth.span,
                              "a change is signed: +20% is 1.2x, -5% is 0.95x" if _unsigned_percent(growth) else None)
            return None
        return {"growth": float(multiple)}

    # ---- the driver tree ----------------------------------------------------------------------
    def tree(self, prop: ast.Property, root: str) -> list[TreeEdge]:
        equations = [eq for item in prop.items if (eq := self.equation(item)) is not None]
        edges: list[TreeEdge] = []
        placed = {root: self.decl.name_span}
        pending = list(equations)
        while pending:
            ready = [eq for eq in pending if eq[0] in placed]
            if not ready:
                break
            for parent, children, span in ready:
                pending.remove((parent, children, span))
                if self.place(parent, children, span, placed, edges):
                    edges.append(TreeEdge(parent=parent, children=children))
        for parent, _, span in pending:
            self.report.error("E602", f"`{parent}` is not in the tree of target `{self.name}`", span,
                              f"the tree starts at the target's metric `{root}`; each equation decomposes a metric "
                              "already in it")
        return edges

    def equation(self, item: ast.Item) -> tuple[str, list[str], Span] | None:
        expr = item.expr
        if not (item.kind == "plain" and isinstance(expr, ast.Binary) and expr.op == "="
                and isinstance(expr.left, ast.Name)):
            self.report.error("E109", "`tree:` lists equations such as `revenue = aov * buyers`, comma-separated", item.span)
            return None
        factors = _factors(expr.right)
        if factors is None:
            self.report.error("E602", "a tree equation is a product of metrics, e.g. `buyers = reach * conversion`",
                              expr.right.span)
            return None
        names = [self.known_metric(n.dotted, n.span) for n in (expr.left, *factors)]
        if any(n is None for n in names):
            return None
        if not self.declared(names[0], names[1:], item.span):  # type: ignore[arg-type]
            return None
        return names[0], names[1:], item.span  # type: ignore[return-value]

    def declared(self, parent: str, children: list[str], span: Span) -> bool:
        if len(set(children)) == len(children) and any(
                d.metric == parent and d.kind == "multiplicative" and sorted(d.drivers) == sorted(children)
                for d in self.decompositions):
            return True
        equation = f"{parent} = {' * '.join(children)}"
        others = [d for d in self.decompositions if d.metric == parent and d.kind == "multiplicative"]
        known = "; declared for it: " + ", ".join(" * ".join(d.drivers) for d in others) if others else ""
        self.report.error("E602", f"`{equation}` is not a declared multiplicative decomposition", span,
                          f"add `decompose {equation}` (every equation of a tree must be declared){known}")
        return False

    def place(self, parent: str, children: list[str], span: Span, placed: dict[str, Span],
              edges: list[TreeEdge]) -> bool:
        if any(edge.parent == parent for edge in edges):
            self.report.error("E602", f"`{parent}` is decomposed twice in the tree", span)
            return False
        for child in children:
            if child in placed:
                self.report.error("E602", f"`{child}` appears twice in the tree of target `{self.name}`", span,
                                  notes=[Note(placed[child], f"`{child}` is first placed here")])
                return False
        placed.update(dict.fromkeys(children, span))
        return True

    # ---- fixed, cap, weight ------------------------------------------------------------------
    def drivers(self, props: dict[str, ast.Property], leaves: list[str], edges: list[TreeEdge]) -> dict[str, DriverSpec]:
        settings: dict[str, dict[str, object]] = {}
        for name, span in plain_names(self.report, props["fixed"]) if "fixed" in props else []:
            if self.leaf(name, span, leaves, edges, "fixed"):
                settings.setdefault(name, {})["fixed"] = True
        for item in props["cap"].items if "cap" in props else ():
            cap = self.cap(item)
            if cap is not None and self.leaf(cap[0], cap[3], leaves, edges, "cap"):
                leaf_settings = settings.setdefault(cap[0], {})
                earlier = leaf_settings.get(cap[1])
                leaf_settings[cap[1]] = cap[2] if not isinstance(earlier, float) else min(earlier, cap[2])
        for name in leaves:
            if self.percent_unit(name):
                leaf_settings = settings.setdefault(name, {})
                earlier = leaf_settings.get("ceiling")
                leaf_settings["ceiling"] = 1.0 if not isinstance(earlier, float) else min(earlier, 1.0)
        for item in props["weight"].items if "weight" in props else ():
            weight = self.weight(item)
            if weight is not None and self.leaf(weight[0], weight[2], leaves, edges, "weight"):
                settings.setdefault(weight[0], {})["weight"] = weight[1]
        return {name: DriverSpec(metric=name, **values) for name, values in settings.items()}  # type: ignore[arg-type]

    def leaf(self, name: str, span: Span, leaves: list[str], edges: list[TreeEdge], key: str) -> bool:
        if name in leaves:
            return True
        if not leaves or (name not in self.scope.metrics and self.known_metric(name, span) is None):
            return False
        listed = ", ".join(leaves)
        if any(edge.parent == name for edge in edges):
            self.report.error("E602", f"`{key}` names `{name}`, which the tree decomposes further", span,
                              f"`{key}` applies to the leaves of the tree: {listed}")
        else:
            self.report.error("E602", f"`{key}` names `{name}`, which is not a leaf of the tree", span,
                              f"the leaves are {listed}" + ("" if edges else "; add a `tree:` to move drivers"))
        return False

    def cap(self, item: ast.Item) -> tuple[str, str, float, Span] | None:
        expr = item.expr
        kind, limit = "cap", _multiple_of(expr.right) if isinstance(expr, ast.Binary) else None
        if isinstance(expr, ast.Binary) and isinstance(expr.right, ast.Number):
            kind, limit = "ceiling", expr.right.value
        if not (item.kind == "plain" and isinstance(expr, ast.Binary) and expr.op == "<="
                and isinstance(expr.left, ast.Name)) or limit is None or limit <= 0:
            self.report.error("E109", "`cap:` is written `driver <= 1.5x` (a positive multiple of its baseline) "
                              "or `driver <= 0.95` (a positive ceiling on its target value)", item.span)
            return None
        return expr.left.dotted, kind, float(limit), expr.left.span

    def percent_unit(self, name: str) -> bool:
        metric = self.scope.metrics.get(name)
        return metric is not None and metric.card.unit == "%"

    def weight(self, item: ast.Item) -> tuple[str, float, Span] | None:
        if item.kind != "weighted" or not isinstance(item.expr, ast.Name) or item.weight is None:
            self.report.error("E109", "`weight:` lists drivers with a number, e.g. `weight: reach 2, conversion 1`",
                              item.span)
            return None
        return item.expr.dotted, float(item.weight.value), item.expr.span

    # ---- split, spread, round ------------------------------------------------------------------
    def split(self, prop: ast.Property, metric: str | None) -> dict[str, object]:
        item = prop.items[0]
        if len(prop.items) != 1 or item.kind != "by" or not isinstance(item.expr, ast.Name) \
                or not isinstance(item.by, ast.Name):
            self.report.error("E109", "`split:` is written `dimension by baseline`, `by equal` or `by weights { … }`",
                              prop.span)
            return {}
        dimension, method = item.expr.dotted, item.by.dotted
        ok = self.split_dimension(dimension, item.expr.span, metric)
        if method not in SPLIT_METHODS:
            self.report.error("E109", f"unknown split `by {method}`", item.by.span,
                              did_you_mean(method, SPLIT_METHODS) or "split by baseline, equal or weights { … }")
            return {}
        weights = self.split_weights(item, method)
        if not ok or weights is None:
            return {}
        return {"split_dimension": dimension, "split_method": method, "split_weights": weights}

    def split_dimension(self, dimension: str, span: Span, metric: str | None) -> bool:
        if is_time_name(dimension) or dimension == "time":
            self.report.error("E602", "a target is not split by time", span,
                              "use `spread: month` (or `month, week`) to share it over time")
            return False
        if not self.symbols.is_a(dimension, "dimension"):
            self.report.error("E104", f"unknown dimension `{dimension}`", span,
                              did_you_mean(dimension, self.symbols.named("dimension")))
            return False
        if metric is None or dimension not in self.scope.dimensions:
            return False
        what = f"`split` of target `{self.name}`"
        reachable = [check_reachable(self.scope, base, m.DimRef(name=dimension), span, what)
                     for base in self.scope.metrics[metric].sources]  # every base reports its own error
        return all(reachable)

    def split_weights(self, item: ast.Item, method: str) -> dict[str, float] | None:
        if method != "weights":
            if item.block is not None:
                self.report.error("E109", f"`by {method}` takes no weights", item.block.span,
                                  "weights go with `by weights { \"member\": 3 }`")
                return None
            return {}
        entries = item.block.entries if item.block is not None else ()
        weights: dict[str, float] = {}
        for entry in entries:
            number = _single_number(entry) if isinstance(entry, ast.KeyedEntry) else None
            if not isinstance(entry, ast.KeyedEntry) or number is None or number < 0:
                self.report.error("E109", "a split weight is written `\"member\": 3` (a number, not negative)", entry.span)
                return None
            weights[entry.key] = float(number)
        if not weights:
            self.report.error("E602", "`by weights` needs at least one weight", item.span,
                              "write e.g. `split: product by weights { \"新品E\": 3, \"理财D\": 1 }`")
            return None
        return weights

    def spread(self, prop: ast.Property) -> dict[str, object]:
        grains: list[Grain] = []
        for index, item in enumerate(prop.items):
            last = index == len(prop.items) - 1
            if not isinstance(item.expr, ast.Name) or item.kind not in ("plain", "by") or (item.kind == "by" and not last):
                self.report.error("E109", "`spread:` lists grains (month, week), then `by workdays(cal) …`", item.span,
                                  SPREAD_HELP)
                return {}
            grains.append(item.expr.dotted)  # type: ignore[arg-type]
        if grains not in (["month"], ["month", "week"]):
            self.report.error("E109", f"`spread: {', '.join(grains)}` is not a spread; it is `month` or `month, week`",
                              prop.span, SPREAD_HELP)
            return {}
        basis = self.spread_basis(prop.items[-1].by, prop)
        return {} if basis is None else {"spread_grains": grains, **basis}

    def spread_basis(self, by: ast.Expr | None, prop: ast.Property) -> dict[str, object] | None:
        if by is None:
            self.report.error("E108", "`spread:` needs `by workdays(cal)`", prop.span, SPREAD_HELP)
            return None
        calendar: CalendarSpec | None = None
        seasonality = False
        for factor in _product_terms(by):
            if isinstance(factor, ast.Name) and factor.dotted == "seasonality" and not seasonality:
                seasonality = True
            elif isinstance(factor, ast.Call) and factor.name == "workdays" and calendar is None:
                calendar = self.workdays_calendar(factor)
                if calendar is None:
                    return None
            else:
                self.report.error("E109", "a spread is `by workdays(cal)`, optionally `* seasonality`", factor.span,
                                  SPREAD_HELP)
                return None
        if calendar is None:
            self.report.error("E109", "a spread needs `workdays(cal)`", by.span, SPREAD_HELP)
            return None
        return {"spread_calendar": calendar, "seasonality": seasonality}

    def workdays_calendar(self, call: ast.Call) -> CalendarSpec | None:
        arg = call.args[0] if len(call.args) == 1 else None
        if not isinstance(arg, ast.Name):
            self.report.error("E109", "`workdays` takes the name of a calendar: `workdays(cn)`", call.span)
            return None
        name = arg.dotted
        if not self.symbols.known(name, "calendar"):
            self.report.error("E602", f"unknown calendar `{name}`", arg.span,
                              did_you_mean(name, self.symbols.named("calendar"))
                              or "declare it: `calendar cn { country: CN }`")
        return self.calendars.get(name)

    def round_unit(self, prop: ast.Property) -> float:
        number = _single_number(prop)
        if number is None or number <= 0:
            self.report.error("E109", "`round:` is a positive number, e.g. `round: 10_000`", prop.span)
            return 1.0
        return float(number)

    def additive(self, metric: str | None, props: dict[str, ast.Property]) -> None:
        if metric is not None and "spread" in props and semi_additive(self.scope.metrics[metric].expr,
                                                                      self.scope.metric_exprs):
            self.report.error("E416", f"target `{self.name}` spreads `{metric}` over time, but `{metric}` is a "
                              "closing/opening balance: a month's balances do not add up to the year's",
                              props["spread"].key_span, "a balance target may be split (`split: product by "
                              "baseline`) but not spread; set one target per period instead")
        if metric is None or self.scope.metrics[metric].additive:
            return
        for key, verb in (("split", "splits"), ("spread", "spreads")):
            if key in props:
                self.report.error("E602", f"target `{self.name}` {verb} `{metric}`, but `{metric}` is not additive, so "
                                  "its parts would not sum to it", props[key].key_span, NOT_ADDITIVE_HELP)


# ---- helpers ---------------------------------------------------------------------------------
def _year_before(period: m.Period | None) -> m.Period | None:
    if period is None:
        return None
    return m.Period(start=shift_year(period.start, -1), end=shift_year(period.end, -1))


def _single_number(entry: ast.Property | ast.KeyedEntry) -> Decimal | None:
    item = entry.items[0]
    if len(entry.items) == 1 and item.kind == "plain" and isinstance(item.expr, ast.Number):
        return item.expr.value
    return None


def _multiple(prop: ast.Property) -> Decimal | None:
    return _multiple_of(prop.items[0].expr) if len(prop.items) == 1 and prop.items[0].kind == "plain" else None


def _multiple_of(expr: ast.Expr) -> Decimal | None:
    """`10x` → 10, `+20%` → 1.2, `-5%` → 0.95; anything else None."""
    if isinstance(expr, ast.Multiplier):
        return expr.value
    if isinstance(expr, ast.Unary) and expr.op in "+-" and isinstance(expr.operand, ast.Percent):
        change = expr.operand.value
        return 1 + change if expr.op == "+" else 1 - change
    return None


def _unsigned_percent(prop: ast.Property) -> bool:
    return any(isinstance(item.expr, ast.Percent) for item in prop.items)


def _product_terms(expr: ast.Expr) -> list[ast.Expr]:
    if isinstance(expr, ast.Binary) and expr.op == "*":
        return _product_terms(expr.left) + _product_terms(expr.right)
    return [expr]


def _factors(expr: ast.Expr) -> list[ast.Name] | None:
    terms = _product_terms(expr)
    if len(terms) < 2 or not all(isinstance(t, ast.Name) for t in terms):
        return None
    return terms  # type: ignore[return-value]


def _leaves(root: str, edges: list[TreeEdge]) -> list[str]:
    children = {edge.parent: edge.children for edge in edges}
    leaves: list[str] = []
    stack = [root]
    while stack:
        node = stack.pop(0)
        if node in children:
            stack = list(children[node]) + stack
        else:
            leaves.append(node)
    return leaves
