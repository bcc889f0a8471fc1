"""`cached_sql`: the SQL cache policy of `metricdsl sql` — hits are identical, and what the SQL depends on is in the key."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from metricdsl.errors import CheckFailed
from metricdsl.pipeline import compile as pipeline_compile
from metricdsl.pipeline.cache import cached_sql, sql_key
from metricdsl.pipeline.request import QueryRequest

SPECS = Path(__file__).resolve().parent.parent.parent / "specs"
MONTHLY = QueryRequest(query="monthly_kpi")


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the example's specs, with the cache in a folder of its own."""
    monkeypatch.setenv("METRICDSL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("METRICDSL_NO_CACHE", raising=False)
    folder = tmp_path / "specs"
    shutil.copytree(SPECS, folder, ignore=shutil.ignore_patterns("data"))
    return folder


def refuse_to_compile(monkeypatch: pytest.MonkeyPatch) -> None:
    def compile_sql(*args: object) -> str:
        raise AssertionError("compiled although the SQL was cached")

    monkeypatch.setattr(pipeline_compile, "compile_sql", compile_sql)


def test_a_hit_returns_the_same_text_without_compiling(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = cached_sql(project, MONTHLY, "impala", "3.4")
    assert first.startswith("-- metricdsl query: monthly_kpi (impala 3.4)")
    refuse_to_compile(monkeypatch)
    assert cached_sql(project, MONTHLY, "impala", "3.4") == first
    assert (project.parent / "cache").is_dir()


def sql_entries(project: Path) -> list[str]:
    """The SQL entries of the store (the parsed files `ast-…`, the parser `grammar-…` and the checked
    project `project-…` are kept apart)."""
    cache = project.parent / "cache"
    return [p.name for p in cache.iterdir() if not p.name.startswith(("ast-", "grammar-", "project-", "."))] if cache.is_dir() else []


def test_without_the_cache_no_sql_is_stored(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = cached_sql(project, MONTHLY, use_cache=False)
    assert sql_entries(project) == []
    monkeypatch.setenv("METRICDSL_NO_CACHE", "1")
    assert cached_sql(project, MONTHLY, "duckdb") == text
    assert sql_entries(project) == []
    monkeypatch.delenv("METRICDSL_NO_CACHE")
    assert cached_sql(project, MONTHLY) == text
    assert sql_entries(project) == [sql_key(project, MONTHLY, "duckdb", "3.4")]


def test_an_edited_metric_file_changes_the_key(project: Path) -> None:
    before = sql_key(project, MONTHLY, "duckdb", "3.4")
    old = cached_sql(project, MONTHLY)
    metrics = project / "metrics.metric"
    metrics.write_text(metrics.read_text(encoding="utf-8").replace("'paid'", "'refunded'", 1), encoding="utf-8")
    assert sql_key(project, MONTHLY, "duckdb", "3.4") != before
    new = cached_sql(project, MONTHLY)
    assert "'refunded'" in new and "'refunded'" not in old


def test_the_working_directory_changes_the_key(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project.parent)
    here = cached_sql(project.relative_to(project.parent), MONTHLY)
    assert "-- from: specs/metrics.metric" in here
    key_here = sql_key(Path("specs"), MONTHLY, "duckdb", "3.4")
    monkeypatch.chdir(project)
    assert sql_key(Path("."), MONTHLY, "duckdb", "3.4") != key_here
    inside = cached_sql(Path("."), MONTHLY)
    assert "-- from: metrics.metric" in inside and inside != here


def test_the_request_and_the_dialect_are_in_the_key(project: Path) -> None:
    keys = {sql_key(project, request, dialect, version)
            for request in (MONTHLY, QueryRequest(metrics=("revenue",)), QueryRequest(metrics=("revenue",), limit=3))
            for dialect, version in (("duckdb", "3.4"), ("impala", "3.4"), ("impala", "2.12"))}
    assert len(keys) == 9 and None not in keys


def test_an_unreadable_project_has_no_key(tmp_path: Path) -> None:
    assert sql_key(tmp_path / "missing", MONTHLY, "duckdb", "3.4") is None


def test_failures_tell_the_project_from_the_query(project: Path) -> None:
    with pytest.raises(CheckFailed) as query_failure:
        cached_sql(project, QueryRequest(metrics=("revenu",)))
    assert query_failure.value.loaded is None and [d.code for d in query_failure.value.diagnostics] == ["E103"]
    (project / "broken.metric").write_text("metric x = sum(nowhere.amount)\n", encoding="utf-8")
    with pytest.raises(CheckFailed) as project_failure:
        cached_sql(project, MONTHLY)
    assert project_failure.value.loaded is not None
    assert [d.code for d in project_failure.value.loaded.errors] == ["E101"]


def project_entries(project: Path) -> list[Path]:
    return sorted((project.parent / "cache").glob("project-*"))


def refuse_to_check(monkeypatch: pytest.MonkeyPatch) -> None:
    from metricdsl.pipeline import load

    def load_project(*args: object, **options: object) -> None:
        raise AssertionError("checked the project again although no file changed")

    monkeypatch.setattr(load, "load_project", load_project)


NEW_QUERY = QueryRequest(metrics=("revenue", "aov"), by=("time.month", "channel"), period="2026")


def test_a_new_query_on_an_unchanged_project_reads_the_checked_project(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("METRICDSL_NO_CACHE", "1")
    expected = {d: cached_sql(project, NEW_QUERY, d) for d in ("duckdb", "impala")}  # nothing stored
    monkeypatch.delenv("METRICDSL_NO_CACHE")
    assert project_entries(project) == []
    cached_sql(project, MONTHLY)
    assert len(project_entries(project)) == 1
    refuse_to_check(monkeypatch)
    for dialect, text in expected.items():
        assert cached_sql(project, NEW_QUERY, dialect, use_cache=False) == text


def test_an_edit_checks_the_project_again(project: Path) -> None:
    before = cached_sql(project, NEW_QUERY, use_cache=False)
    metrics = project / "metrics.metric"
    metrics.write_text(metrics.read_text(encoding="utf-8").replace("'paid'", "'refunded'", 1), encoding="utf-8")
    after = cached_sql(project, NEW_QUERY, use_cache=False)
    assert "'refunded'" in after and "'refunded'" not in before
    assert len(project_entries(project)) == 2


def test_a_project_with_errors_is_never_stored(project: Path) -> None:
    (project / "broken.metric").write_text("metric x = sum(nowhere.amount)\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(CheckFailed) as failure:
            cached_sql(project, MONTHLY, use_cache=False)
        assert failure.value.loaded is not None and [d.code for d in failure.value.loaded.errors] == ["E101"]
    assert project_entries(project) == []
