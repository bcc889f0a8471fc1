"""Hypothesis settings of the differential fuzzer, by profile.

* ``default`` (the normal run): a few hundred examples in all, derandomized so that CI is
  reproducible; it stops at the first disagreement and shrinks that one.
* ``deep`` (``pytest --hypothesis-profile=deep tests/fuzz``): thousands of examples, random; it
  keeps one example of each kind of disagreement (``fuzz_runner``) and shrinks each.

``fuzz_fixtures`` registers ``deep`` with hypothesis (so the option is accepted) and
tells this module which profile the session runs; a test asks for its share of the examples.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

EXAMPLES = {"default": 1.0, "deep": 12.0}
SUPPRESSED = [HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large]
active = {"profile": "default"}


def deep() -> settings:
    """The profile registered as ``deep``: random, no deadline."""
    return settings(max_examples=3000, deadline=None, derandomize=False, suppress_health_check=SUPPRESSED,
                    print_blob=True)


def fuzz_settings(examples: int) -> settings:
    """``examples`` in the default profile, twelve times as many (random) in ``deep``."""
    profile = active["profile"]
    scale = EXAMPLES.get(profile, 1.0)
    deep_run = profile == "deep"
    return settings(max_examples=int(examples * scale), deadline=None, derandomize=not deep_run,
                    report_multiple_bugs=deep_run, suppress_health_check=SUPPRESSED, print_blob=True)
