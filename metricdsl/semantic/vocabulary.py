"""The language's vocabulary as the checker knows it: functions, aggregates and property keys.

The language server completes from these same tuples, so what it offers is what `check` accepts.
"""

AGGREGATES = ("sum", "avg", "min", "max", "count", "count_distinct", "median", "percentile")
ROW_FUNCTIONS: dict[str, tuple[int, int]] = {
    "coalesce": (1, 99), "abs": (1, 1), "round": (1, 2), "floor": (1, 1), "ceil": (1, 1),
    "lower": (1, 1), "upper": (1, 1), "length": (1, 1), "year": (1, 1), "quarter": (1, 1),
    "month": (1, 1), "week": (1, 1), "day": (1, 1), "date_trunc": (2, 2),
}
METRIC_FUNCTIONS = ("abs", "round", "floor", "ceil", "coalesce", "lag", "growth", "cumulative", "total", "rank",
                    "closing", "opening", "retained", "churned", "new", "converted", "time_progress", "planned")
SOURCE_PROPERTIES = ("table", "time", "key", "description", "owner")
METRIC_PROPERTIES = ("description", "unit", "format", "owner", "category", "core", "kpi", "status",
                     "version", "dimensions", "label", "kind", "direction")
DIMENSION_PROPERTIES = ("description", "owner", "label")
QUERY_PROPERTIES = ("metrics", "by", "where", "period", "order", "limit", "description", "owner", "label")
CATEGORIES = ("business", "management", "financial")
STATUSES = ("draft", "published", "deprecated")
KPI_KINDS = ("quantity", "quality", "cost", "time")
DIRECTIONS = ("higher", "lower")
COMPARISONS = ("=", "!=", "<", "<=", ">", ">=")
CALENDAR_PROPERTIES = ("country", "closed", "open", "description", "owner", "label")
TARGET_PROPERTIES = ("metric", "period", "baseline", "value", "growth", "tree", "fixed", "cap", "weight", "split",
                     "spread", "round", "description", "owner", "label", "store")
SCORECARD_PROPERTIES = ("by", "period", "kpis", "cap", "description", "owner", "label")
SCORECARD_BLOCKS = ("kpis",)
KPI_WORDS = ("weight", "target", "range")  # `revenue: weight 40%, target revenue_2027` (LANGUAGE.md §9)
