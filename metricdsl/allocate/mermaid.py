"""The driver tree of a plan as a Mermaid `graph TD` (for docs, PR comments and notebooks)."""

from __future__ import annotations

from metricdsl.allocate.formatting import human_number, multiplier_text
from metricdsl.allocate.models import DriverRow, PlanResult, TargetSpec

CLASS_DEFINITIONS = (
    "  classDef fixed fill:#eeeeee,stroke:#888888,color:#333333",
    "  classDef capped fill:#fff1e0,stroke:#d9480f,stroke-width:2px",
)


def driver_tree_mermaid(result: PlanResult, spec: TargetSpec) -> str:
    """One node per driver with baseline → target and its multiplier; fixed and capped marked."""
    lines = ["graph TD"]
    lines += [f'  {row.metric}["{_node_label(row, spec)}"]' for row in result.drivers]
    lines += [f"  {row.parent} --> {row.metric}" for row in result.drivers if row.parent is not None]
    fixed = [row.metric for row in result.drivers if row.fixed]
    capped = [row.metric for row in result.drivers if row.capped]
    if fixed or capped:
        lines += CLASS_DEFINITIONS
    if fixed:
        lines.append(f"  class {','.join(fixed)} fixed")
    if capped:
        lines.append(f"  class {','.join(capped)} capped")
    return "\n".join(lines) + "\n"


def _node_label(row: DriverRow, spec: TargetSpec) -> str:
    title = row.metric if row.role != "root" or not spec.label else f"{row.metric} · {spec.label}"
    values = f"{human_number(row.baseline)} → {human_number(row.target)}"
    return _escape(f"{title}<br/>{values}<br/>×{row.multiplier:.4g}{_mark(row)}")


def _mark(row: DriverRow) -> str:
    if row.fixed:
        return " (fixed)"
    if row.capped:
        return f" (capped at {multiplier_text(row.cap)})"
    return ""


def _escape(text: str) -> str:
    return text.replace('"', "#quot;")
