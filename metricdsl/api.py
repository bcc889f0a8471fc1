"""The stable Python API: load a project, build a query, compile it to SQL.

    from metricdsl.api import load_project, compile_sql
    project = load_project("specs")
    print(compile_sql(project, query="monthly_kpi", dialect="impala"))

Everything here is re-exported from the pipeline stage; these names keep their meaning across releases.
"""

from metricdsl.errors import CheckFailed, MetricDslError
from metricdsl.pipeline.compile import build_query, compile_sql, load_project
from metricdsl.pipeline.load import LoadedProject, load

__all__ = ["CheckFailed", "LoadedProject", "MetricDslError", "build_query", "compile_sql", "load", "load_project"]
