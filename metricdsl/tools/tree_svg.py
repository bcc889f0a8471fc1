"""A decomposition tree as an inline SVG, laid out here (no script, no network, no diagram library).

The tree is drawn top-down: each node is a box with the metric's name (and label), every edge
carries its kind (`×` multiplicative, `+` additive, `ƒ` a formula, `by` a split by a dimension).
Layout: leaves take consecutive slots from left to right in the order of the decompositions; a
parent sits centred over its first and last child; each depth is one row. A metric that is a
driver of two parents is drawn under each. A node that is a metric links to its card
(`#metric-NAME`).
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

BOX_HEIGHT = 40
ROW_GAP = 46
SLOT_GAP = 18
PAD = 8
FONT = 13


@dataclass
class Node:
    name: str
    label: str | None
    edge: str | None  # the edge's kind from the parent (None at the root)
    link: bool
    children: list[Node] = field(default_factory=list)
    x: float = 0.0
    depth: int = 0


def build_tree(root: str, edges: Sequence[tuple[str, str, str]], label_of: Callable[[str], str | None],
               is_metric: Callable[[str], bool]) -> Node:
    """The tree under `root` from (parent, kind, child) edges; a node met again on its own path is not expanded."""
    children: dict[str, list[tuple[str, str]]] = {}
    for parent, kind, child in dict.fromkeys(edges):
        children.setdefault(parent, []).append((kind, child))

    def grow(name: str, edge: str | None, depth: int, path: frozenset[str]) -> Node:
        node = Node(name, label_of(name), edge, is_metric(name), depth=depth)
        if name not in path:
            node.children = [grow(child, kind, depth + 1, path | {name}) for kind, child in children.get(name, [])]
        return node

    return grow(root, None, 0, frozenset())


def text_width(text: str) -> float:
    """Approximate width in pixels at FONT size: wide (CJK) characters count double."""
    return sum(FONT if unicodedata.east_asian_width(ch) in ("W", "F") else FONT * 0.6 for ch in text)


def _caption(node: Node) -> tuple[str, str | None]:
    return node.name, node.label


def _box_width(node: Node) -> float:
    name, label = _caption(node)
    return max(text_width(name), text_width(label or "")) + 2 * PAD


def _nodes(node: Node) -> list[Node]:
    return [node, *(n for child in node.children for n in _nodes(child))]


def layout(root: Node) -> tuple[float, float]:
    """Assign x (centre) to every node; returns the drawing's width and height."""
    slot = max(_box_width(node) for node in _nodes(root)) + SLOT_GAP
    next_slot = [0]

    def place(node: Node) -> None:
        if not node.children:
            node.x = slot * next_slot[0] + slot / 2
            next_slot[0] += 1
            return
        for child in node.children:
            place(child)
        node.x = (node.children[0].x + node.children[-1].x) / 2

    place(root)
    depth = max(node.depth for node in _nodes(root))
    return slot * next_slot[0], (depth + 1) * BOX_HEIGHT + depth * ROW_GAP + 2


def render_svg(root: Node, title: str) -> str:
    """The tree as an `<svg>` element (to be placed inline in an HTML page)."""
    e = html.escape
    width, height = layout(root)
    parts = [(f'<svg class="tree" xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
              f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-label="{e(title)}"><title>{e(title)}</title>')]
    nodes = _nodes(root)
    for node in nodes:
        for child in node.children:
            y1, y2 = _top(node) + BOX_HEIGHT, _top(child)
            parts.append(f'<line x1="{node.x:.1f}" y1="{y1}" x2="{child.x:.1f}" y2="{y2}" class="edge"/>')
            mid_x, mid_y = (node.x + child.x) / 2, (y1 + y2) / 2
            parts.append(f'<text x="{mid_x:.1f}" y="{mid_y + 4:.1f}" class="edge-label" '
                         f'text-anchor="middle">{e(child.edge or "")}</text>')
    for node in nodes:
        parts.append(_box(node))
    parts.append("</svg>")
    return "".join(parts)


def _top(node: Node) -> int:
    return node.depth * (BOX_HEIGHT + ROW_GAP) + 1


def _box(node: Node) -> str:
    e = html.escape
    width = _box_width(node)
    left, top = node.x - width / 2, _top(node)
    name, label = _caption(node)
    kind = "metric" if node.link else "dimension"
    text_y = top + (16 if label else 25)
    body = (f'<rect x="{left:.1f}" y="{top}" width="{width:.1f}" height="{BOX_HEIGHT}" rx="6" class="node {kind}"/>'
            f'<text x="{node.x:.1f}" y="{text_y}" text-anchor="middle" class="name">{e(name)}</text>')
    if label:
        body += f'<text x="{node.x:.1f}" y="{top + 33}" text-anchor="middle" class="node-label">{e(label)}</text>'
    if node.link:
        return f'<a href="#metric-{e(node.name)}" data-node="{e(node.name)}">{body}</a>'
    return f'<g data-node="{e(node.name)}">{body}</g>'
