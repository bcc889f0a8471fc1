"""Compiling a scorecard (LANGUAGE.md §9 "Scorecards"): its KPIs as a query through the normal
pipeline, wrapped by the SQL stage's scorecard statement (metricdsl.sql.scorecard).

The KPI query groups the KPIs' metrics by the scorecard's dimension over its `period` (with
`--as-of`, through the as-of date, clipped to the period); its rows are the members (§8). A
`target` KPI's plan is `planned(T)` over the whole period (never clipped: achievement to date is
measured against the whole period's plan, as `track`'s period-to-date row), per member when the
plan is split by the scorecard's dimension, else the whole target for every member.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

from metricdsl.diagnostics import Diagnostic, did_you_mean
from metricdsl.errors import CheckFailed
from metricdsl.ir import model as m
from metricdsl.ir.scorecards import Scorecard, ScorecardKpi
from metricdsl.pipeline.compile import as_of_value, check_as_of, plan_for, resolved_target
from metricdsl.pipeline.request import QueryRequest
from metricdsl.plan.nodes import fresh_name
from metricdsl.sql.render import build_statement, sql_text
from metricdsl.sql.scorecard import PlanValues, scorecard_statement
from metricdsl.sql.target import Target
from metricdsl.sql.types import expression_type


@dataclass(frozen=True)
class CompiledScorecard:
    card: Scorecard
    statement: exp.Select
    target: Target
    notes: tuple[str, ...]
    files: tuple[str, ...]
    model: m.Project  # the project, with a metric per target KPI's plan (`plan_metrics`) to prepare before running
    plan_metrics: tuple[str, ...] = ()

    def text(self) -> str:
        """The SQL text under a header naming the scorecard, its spec files and the as-of date."""
        version = f" {self.target.version}" if self.target.version else ""
        lines = [f"-- metricdsl scorecard: {self.card.name} ({self.target.name}{version})"]
        lines += [f"-- from: {name}" for name in self.files]
        lines += [f"-- {note}" for note in self.notes]
        return "\n".join(lines) + "\n" + sql_text(self.statement, self.target) + ";\n"


def scorecard_or_fail(project: m.Project, name: str) -> Scorecard:
    if name not in project.scorecards:
        hint = did_you_mean(name, project.scorecards) or (
            "scorecards: " + ", ".join(sorted(project.scorecards)) if project.scorecards
            else "the project declares no `scorecard`")
        raise CheckFailed([Diagnostic("E501", f"unknown scorecard `{name}`", None, hint)])
    return project.scorecards[name]


def kpi_query(card: Scorecard) -> m.Query:
    """The KPIs' metrics by the scorecard's dimension over its period: one row per member."""
    metrics = tuple(dict.fromkeys(kpi.metric for kpi in card.kpis))
    return m.Query(name=card.name, label=card.label, metrics=metrics, by=(m.DimRef(name=card.by),),
                   period=m.Period(start=card.period_start, end=card.period_end))


def compile_scorecard(project: m.Project, name: str, dialect: str = "duckdb", impala_version: str = "3.4",
                      as_of: str | None = None) -> CompiledScorecard:
    """The scorecard's statement. Raises CheckFailed for an unknown scorecard or a bad as-of date."""
    card = scorecard_or_fail(project, name)
    chosen = resolved_target(dialect, impala_version)
    when = as_of_value(QueryRequest(as_of=as_of))
    query = kpi_query(card)
    check_as_of(project, query, when)
    plan = plan_for(project, query, chosen)
    actuals = build_statement(project, plan, chosen, when)
    with_plans, plan_metrics = with_plan_metrics(project, card)
    plans = [plan_values(with_plans, card, kpi.metric, metric, chosen) for kpi, metric in plan_metrics]
    member_type = expression_type(project.dimensions[card.by].expr, project)
    statement = scorecard_statement(card, actuals, plans, chosen, member_type == "string")
    notes = (f"period: {card.period_start.isoformat()} .. {card.period_end.isoformat()}",
             *((f"as of: {when.text}",) if when is not None else ()))
    return CompiledScorecard(card, statement, chosen, notes, tuple(plan.files), with_plans,
                             tuple(metric for _, metric in plan_metrics))


def with_plan_metrics(project: m.Project, card: Scorecard) -> tuple[m.Project, list[tuple[ScorecardKpi, str]]]:
    """The project with one metric `planned(T)` per target KPI (named apart from every metric), so that
    the plan is read through the normal pipeline, and those metrics by KPI."""
    taken = set(project.metrics) | set(project.dimensions)
    added: dict[str, m.Metric] = {}
    pairs = []
    for kpi in card.kpis:
        if kpi.target is None:
            continue
        name = fresh_name(f"planned_{kpi.target}", taken)
        added[name] = m.Metric(name=name, expr=m.Planned(target=kpi.target), additive=True, sources=(),
                               location=m.Location(file=f"<scorecard {card.name}>", line=1, column=1))
        pairs.append((kpi, name))
    if not added:
        return project, []
    return project.model_copy(update={"metrics": {**project.metrics, **added}}), pairs


def plan_values(project: m.Project, card: Scorecard, kpi_metric: str, metric: str, chosen: Target) -> PlanValues:
    """`planned(T)` of a target KPI over the whole period (never clipped by the as-of date): per member
    when the plan is split by the scorecard's dimension, else one row, the whole target."""
    kpi = card.kpi(kpi_metric)
    assert kpi.target is not None
    by_member = project.targets[kpi.target].split_dimension == card.by
    query = m.Query(name=f"{card.name}_{metric}", metrics=(metric,), by=(m.DimRef(name=card.by),) if by_member else (),
                    period=m.Period(start=card.period_start, end=card.period_end))
    statement = build_statement(project, plan_for(project, query, chosen), chosen, None)
    statement.set("order", None)
    return PlanValues(kpi_metric, statement, metric, by_member)
