"""Write a large synthetic project: 50 sources, 200 dimensions, 2,000 metrics, a few queries.

    python benchmarks/generate_project.py /tmp/big --sources 50 --dimensions 200 --metrics 2000
"""

from __future__ import annotations

import argparse
from pathlib import Path


def source_block(index: int, sources: int) -> str:
    joins = ""
    if index % 2 == 0 and index + 1 < sources:
        joins = f"  join s{index + 1} on k{index + 1} = s{index + 1}.id\n"
    return (
        f"source s{index} \"源{index}\" {{\n"
        f"  table: dw.t{index}\n  time: d\n  key: id\n"
        f"  columns {{ id: bigint, d: date, k{index + 1}: bigint, amount: decimal(18, 2), qty: int, "
        f"status: string, channel: string, city: string, customer: bigint }}\n"
        f"{joins}}}\n"
    )


def dimension_line(index: int, sources: int) -> str:
    column = ["channel", "city", "status"][index % 3]
    return f"dimension d{index} = s{(index * 2) % sources}.{column}\n"


def metric_lines(index: int, sources: int) -> str:
    source = f"s{(index // 4) % sources}"
    kind = index % 4
    if kind == 0:
        return f"metric m{index} \"指标{index}\" = sum({source}.amount) where {source}.status = 'paid' {{ unit: \"CNY\" }}\n"
    if kind == 1:
        return f"metric m{index} = count_distinct({source}.customer)\n"
    if kind == 2:
        return f"metric m{index} = count({source}) where {source}.channel in ('phone', 'web')\n"
    return f"metric m{index} = m{index - 3} / m{index - 2}\n"


def write_project(folder: Path, sources: int, dimensions: int, metrics: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sources.metric").write_text("".join(source_block(i, sources) for i in range(sources)), "utf-8")
    (folder / "dimensions.metric").write_text("".join(dimension_line(i, sources) for i in range(dimensions)), "utf-8")
    per_file = 500
    for start in range(0, metrics, per_file):
        text = "".join(metric_lines(i, sources) for i in range(start, min(metrics, start + per_file)))
        (folder / f"metrics_{start // per_file:02d}.metric").write_text(text, "utf-8")
    queries = "".join(  # metrics m{4i…4i+3} read source s{i}; dimension d{i/2} reads s{i} too
        f"query q{i} {{\n  metrics: m{i * 4}, m{i * 4 + 1}, m{i * 4 + 3}\n  by: time.month, d{i // 2}\n"
        f"  period: 2026\n}}\n" for i in range(0, 20, 2))
    (folder / "queries.metric").write_text(queries, "utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--sources", type=int, default=50)
    parser.add_argument("--dimensions", type=int, default=200)
    parser.add_argument("--metrics", type=int, default=2000)
    args = parser.parse_args()
    write_project(args.folder, args.sources, args.dimensions, args.metrics)


if __name__ == "__main__":
    main()
