"""Checking `scorecard` blocks (LANGUAGE.md §9 "Scorecards") into `Scorecard`s (metricdsl.ir.scorecards).

Runs after targets. Codes: E607 weights not summing to 100%, E608 a `target` KPI its plan cannot
measure, E609 a range with equal ends; otherwise the general ones (E103 unknown metric, E104
unknown dimension, E603 unknown target or one without `store:`, E107/E108/E109 properties).
The KPIs are checked as a query of their metrics by the scorecard's dimension over its period, so
everything a query would refuse (an unreachable dimension, time intelligence without time, …) is
refused here with the query's own codes. Decisions where §9 is silent:

* `period:` is required and is a year or a date range (as a target's); `by:` is one dimension.
* A weight is a percent (`weight 40%`), above 0; a `cap:` is a number above 0 (default 100).
* A `target` KPI's target must plan the KPI's own metric (E608), and be split by the scorecard's
  dimension, or not split at all (every member is then measured against the whole target).
* Range ends are numbers or percents (`range 20% .. 30%`); a reversed range scores lower as better.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from metricdsl.diagnostics import Note, did_you_mean
from metricdsl.grains import is_time_name
from metricdsl.ir import model as m
from metricdsl.ir.scorecards import DEFAULT_CAP, Scorecard, ScorecardKpi
from metricdsl.semantic.context import Scope
from metricdsl.semantic.properties import properties, required_period, single_name, text_value
from metricdsl.semantic.queries import QueryChecker
from metricdsl.semantic.vocabulary import KPI_WORDS, SCORECARD_BLOCKS, SCORECARD_PROPERTIES
from metricdsl.source import Span
from metricdsl.syntax import ast

HUNDRED = Decimal(100)
SCORINGS = {"target", "range"}
KPI_HELP = "write e.g. `revenue: weight 40%, target revenue_2027` or `conversion: weight 30%, range 0.20 .. 0.30`"


def check_scorecards(scope: Scope, decls: Sequence[ast.BlockDecl]) -> dict[str, Scorecard]:
    """The scorecards that check, by name."""
    return {decl.name: card for decl in decls
            if (card := ScorecardChecker(scope, decl).check()) is not None}


class ScorecardChecker:
    """Checks one `scorecard` block; every method reports its own errors."""

    def __init__(self, scope: Scope, decl: ast.BlockDecl) -> None:
        self.scope = scope
        self.report = scope.report
        self.targets = scope.targets  # checked before the scorecards
        self.decl = decl

    def check(self) -> Scorecard | None:
        mark = self.report.mark()
        kpis_block = self.kpis_block()
        props = properties(self.report, _without_blocks(self.decl.block), SCORECARD_PROPERTIES, "scorecard")
        by = self.by(props.get("by"))
        period = self.period(props.get("period"))
        kpis = self.kpis(kpis_block.block, kpis_block.name_span) if kpis_block is not None else []
        cap = self.cap(props["cap"]) if "cap" in props else DEFAULT_CAP
        if by is not None and kpis:
            QueryChecker(self.scope).check_request([(kpi.metric, span) for kpi, span in kpis], [by], None, period, None)
            for kpi, span in kpis:
                self.check_plan(kpi, span, by[0])
        self.output_columns([kpi for kpi, _ in kpis], by)
        if self.report.failed_since(mark) or by is None or period is None or not kpis:
            return None
        texts = {key: text_value(self.report, props[key]) for key in ("description", "owner", "label") if key in props}
        return Scorecard(name=self.decl.name, label=self.decl.label or texts.get("label"), by=by[0],
                         period_start=period.start, period_end=period.end, kpis=tuple(kpi for kpi, _ in kpis),
                         cap=cap, description=texts.get("description"), owner=texts.get("owner"))

    # ---- properties --------------------------------------------------------------------------------
    def kpis_block(self) -> ast.NestedBlock | None:
        blocks = [e for e in self.decl.block.entries if isinstance(e, ast.NestedBlock)]
        for entry in blocks:
            if entry.name not in SCORECARD_BLOCKS:
                self.report.error("E107", f"unknown block `{entry.name} {{ … }}` in a scorecard", entry.name_span,
                                  "a scorecard has one `kpis { … }` block")
        kpis = [e for e in blocks if e.name in SCORECARD_BLOCKS]
        for extra in kpis[1:]:
            self.report.error("E109", "`kpis { … }` is given twice", extra.name_span,
                              notes=[Note(kpis[0].name_span, "first given here")])
        if not kpis:
            self.report.error("E108", f"scorecard `{self.decl.name}` needs `kpis {{ … }}`", self.decl.name_span, KPI_HELP)
            return None
        return kpis[0]

    def by(self, prop: ast.Property | None) -> tuple[str, Span] | None:
        if prop is None:
            self.report.error("E108", f"scorecard `{self.decl.name}` needs `by:`", self.decl.name_span,
                              "add the dimension whose members are scored, e.g. `by: agent`")
            return None
        named = single_name(self.report, prop)
        if named is not None and (is_time_name(named[0]) or named[0] == "time"):
            self.report.error("E109", "a scorecard scores the members of a dimension, not time buckets", named[1],
                              "give a dimension such as `by: agent`; `period:` sets the time the KPIs cover")
            return None
        return named

    def period(self, prop: ast.Property | None) -> m.Period | None:
        return required_period(self.report, prop, f"scorecard `{self.decl.name}`", "period", self.decl.name_span,
                               "a scorecard's `period:`")

    def cap(self, prop: ast.Property) -> str:
        number = _number(prop.items[0].expr) if len(prop.items) == 1 and prop.items[0].kind == "plain" else None
        if number is None or number <= 0:
            self.report.error("E109", "`cap:` is the most points a KPI can score: a number above 0, e.g. `cap: 120`",
                              prop.span)
            return DEFAULT_CAP
        return _text(number)

    # ---- KPIs ------------------------------------------------------------------------------------
    def kpis(self, block: ast.Block, name_span: Span) -> list[tuple[ScorecardKpi, Span]]:
        found: dict[str, tuple[ScorecardKpi, Span]] = {}
        first: dict[str, Span] = {}
        for entry in block.entries:
            if not isinstance(entry, ast.Property):
                self.report.error("E109", "a KPI is written `metric: weight 40%, target t` or `… range lo .. hi`",
                                  entry.span, KPI_HELP)
                continue
            if entry.key in first:
                self.report.error("E109", f"KPI `{entry.key}` is listed twice", entry.key_span,
                                  "each metric is one KPI of a scorecard", [Note(first[entry.key], "first listed here")])
                continue
            first[entry.key] = entry.key_span
            kpi = self.kpi(entry)
            if kpi is not None:
                found[entry.key] = (kpi, entry.key_span)
        if not first:
            self.report.error("E108", f"scorecard `{self.decl.name}` lists no KPIs", block.span, KPI_HELP)
        elif len(found) == len(first):
            self.weights_sum(list(found.values()), name_span)
        return list(found.values())

    def kpi(self, entry: ast.Property) -> ScorecardKpi | None:
        words: dict[str, ast.Item] = {}
        for item in entry.items:
            word = item.word if item.kind == "word" else None
            if word not in KPI_WORDS:
                self.kpi_item_error(item)
                return None
            if word in words or (word in SCORINGS and SCORINGS & set(words)):
                other = "range" if word == "target" else "target"
                twice = word in words
                self.report.error("E109", f"`{word}` is given twice" if twice else
                                  "a KPI scores by `target` or by `range`, not both", item.span,
                                  None if twice else f"remove `{other}` or `{word}`")
                return None
            words[word] = item
        weight = self.weight(words.get("weight"), entry)
        if "target" not in words and "range" not in words:
            self.report.error("E108", f"KPI `{entry.key}` needs `target T` or `range lo .. hi`", entry.key_span, KPI_HELP)
            return None
        scoring = self.target(words["target"]) if "target" in words else self.range(words["range"])
        if weight is None or scoring is None:
            return None
        return ScorecardKpi(metric=entry.key, weight=weight, **scoring)

    def kpi_item_error(self, item: ast.Item) -> None:
        if item.kind == "weighted" and isinstance(item.expr, ast.Name) and item.expr.dotted == "weight":
            number = item.weight.value if item.weight is not None else Decimal("0.4")
            self.report.error("E109", "a KPI's weight is a percent", item.span,
                              f"write `weight {_text(number * HUNDRED if number <= 1 else number)}%`")
        elif item.kind == "word" and item.word is not None:
            self.report.error("E109", f"unknown KPI setting `{item.word}`", item.span,
                              did_you_mean(item.word, KPI_WORDS) or KPI_HELP)
        else:
            self.report.error("E109", "a KPI lists `weight P%` and `target T` or `range lo .. hi`", item.span, KPI_HELP)

    def weight(self, item: ast.Item | None, entry: ast.Property) -> str | None:
        if item is None:
            self.report.error("E108", f"KPI `{entry.key}` needs a weight", entry.key_span, "add e.g. `weight 40%`")
            return None
        assert isinstance(item.expr, ast.Percent)  # the grammar reads `weight` before a percent only
        if item.expr.value <= 0:
            self.report.error("E109", "a KPI's weight is above 0%", item.span,
                              "leave the KPI out of the scorecard instead of weighting it 0")
            return None
        return _text(item.expr.value)

    def weights_sum(self, kpis: list[tuple[ScorecardKpi, Span]], span: Span) -> None:
        total = sum((Decimal(kpi.weight) for kpi, _ in kpis), Decimal(0))
        if total != 1:
            shown = " + ".join(kpi.weight_percent for kpi, _ in kpis)
            self.report.error("E607", f"the KPI weights of scorecard `{self.decl.name}` sum to "
                              f"{_text(total * HUNDRED)}%, not 100%", span, f"{shown} = {_text(total * HUNDRED)}%; "
                              "change the weights so that they sum to 100%")

    def target(self, item: ast.Item) -> dict[str, str] | None:
        if not isinstance(item.expr, ast.Name):
            self.report.error("E109", "`target` names a target: `target revenue_2027`", item.span)
            return None
        name = item.expr.dotted
        if name not in self.targets:
            if not self.scope.symbols.known(name, "target"):
                self.report.error("E603", f"unknown target `{name}`", item.expr.span,
                                  did_you_mean(name, self.scope.symbols.named("target")))
            return None
        if self.targets[name].store is None:
            self.report.error("E603", f"target `{name}` has no saved plan to score against", item.expr.span,
                              f"add `store: kpi.plan_{name}` to target `{name}` and save its plan with "
                              f"`metricdsl plan --target {name} --save`")
            return None
        return {"target": name}

    def range(self, item: ast.Item) -> dict[str, str] | None:
        low = _number(item.expr)
        high = _number(item.upper) if item.upper is not None else None
        if low is None or high is None:
            self.report.error("E109", "a KPI range is written `range lo .. hi` with two numbers or percents", item.span,
                              "e.g. `range 0.20 .. 0.30`, `range 20% .. 30%`, or `range 10 .. 0` when fewer is better")
            return None
        if low == high:
            self.report.error("E609", f"the range {_text(low)} .. {_text(high)} has equal ends", item.span,
                              "points run from 0 at the first end to 100 at the second; give two different values")
            return None
        return {"low": _text(low), "high": _text(high)}

    def check_plan(self, kpi: ScorecardKpi, span: Span, by: str) -> None:
        """E608: a target KPI whose plan does not plan this metric by this scorecard's members."""
        spec = self.targets.get(kpi.target) if kpi.target is not None else None
        if spec is None:
            return
        if spec.metric != kpi.metric:
            self.report.error("E608", f"target `{spec.name}` plans `{spec.metric}`, not `{kpi.metric}`", span,
                              f"score `{spec.metric}` against it (`{spec.metric}: weight …, target {spec.name}`), or "
                              f"use a target of `{kpi.metric}`")
        elif spec.split_dimension is not None and spec.split_dimension != by:
            self.report.error("E608", f"target `{spec.name}` is split by `{spec.split_dimension}`, so its plan has no "
                              f"value per `{by}`", span, f"score against a target split by `{by}` (`split: {by} by "
                              "baseline`) or one that is not split (each member is then measured against the whole "
                              "target)")

    def output_columns(self, kpis: list[ScorecardKpi], by: tuple[str, Span] | None) -> None:
        seen: set[str] = set()
        for column in Scorecard.model_construct(by=by[0] if by else "", kpis=tuple(kpis)).columns:
            if column in seen and by is not None:
                self.report.error("E109", f"scorecard `{self.decl.name}` would return two columns named `{column}`",
                                  by[1], "rename the dimension or a metric: each KPI returns `<metric>`, "
                                  "`<metric>_points` and `<metric>_weighted`, and the total is `score`")
            seen.add(column)


def _without_blocks(block: ast.Block) -> ast.Block:
    return ast.Block(tuple(e for e in block.entries if not isinstance(e, ast.NestedBlock)), block.span)


def _number(expr: ast.Expr | None) -> Decimal | None:
    """A number or percent, optionally signed: `0.2`, `20%`, `-5`."""
    if isinstance(expr, (ast.Number, ast.Percent)):
        return expr.value
    if isinstance(expr, ast.Unary) and expr.op in "+-":
        value = _number(expr.operand)
        return None if value is None else (value if expr.op == "+" else -value)
    return None


def _text(value: Decimal) -> str:
    """Exact decimal text without exponent or trailing zeros: 0.4, 120, -5."""
    text = f"{value.normalize():f}"
    return "0" if text in ("-0", "") else text
