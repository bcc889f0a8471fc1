"""The differential fuzzer: random projects and queries over the corpus schemas, compiled, run on
DuckDB and PostgreSQL, and compared with the plain-Python reference (``fuzz_reference``).

Each example is a whole project (``fuzz_strategies.projects``): the sources of one corpus case,
random dimensions and metrics, and a query over some of them.  It is written to a temporary
folder, checked and compiled with ``metricdsl.api``, run on both engines (their data is loaded
once per session, ``fuzz_fixtures.fuzz_engines``), and every answer must equal the reference: the
same columns, the same rows (in the same order when the query has ``order``), numbers to 1e-9
relative, dates as dates, NULL only where the reference has NULL.  A project ``check`` rejects
is a failure too: only valid projects are generated.

Profiles (``fuzz_profiles``): the normal run draws a few hundred examples, derandomized;
``pytest --hypothesis-profile=deep tests/fuzz`` draws thousands at random.  A failure prints the
project, the query, the difference and the SQL; ``print_blob`` gives the line that replays it.
"""

from __future__ import annotations

from typing import Any

from fuzz_base import AmbiguousCase
from fuzz_model import FuzzProject
from fuzz_profiles import fuzz_settings
from fuzz_reference import expected_result
from fuzz_runner import assert_agree
from fuzz_strategies import projects
from hypothesis import given, note, reject


@fuzz_settings(examples=300)
@given(project=projects())
def test_engines_agree_with_the_reference(project: FuzzProject, fuzz_engines: dict[str, Any]) -> None:
    try:
        expected = expected_result(project)
    except AmbiguousCase as unsure:
        note(f"the reference cannot decide: {unsure}")
        reject()
    assert_agree(project, fuzz_engines, expected)
