"""Suite-wide set-up: loopback-only network, no cloud credentials, a test skill id, hypothesis profiles."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings as _hypothesis_settings

from tests.support.offline import OFFLINE_AWS_ENV

# boto3 must never look for credentials on the instance-metadata address, and nothing in the
# suite may reach AWS: dummy credentials, a region, and no config files.
for _name, _value in OFFLINE_AWS_ENV.items():
    os.environ.setdefault(_name, _value)
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
# lambda_function reads its settings once at import: the test skill id, no persistence.
os.environ.setdefault("SKILL_ID", "amzn1.ask.skill.00000000-0000-4000-8000-000000000001")
os.environ.setdefault("KNEE_HELPER_PERSISTENCE", "none")
os.environ.setdefault("KNEE_HELPER_KEY_SALT", "test-salt-" + "0" * 40)  # Lambda persists only with one

# Property-based tests. Profiles (HYPOTHESIS_PROFILE picks one; default "fast", "ci" when CI=true):
# - ci: `make test` (the Makefile sets it) and CI: 25 examples where a test does not set its own
#   count and half of the count it sets (at least 10), a fixed example sequence and no database, so
#   a run is quick and reproducible.
# - fast: plain `pytest` on a developer's machine: 50 examples where a test does not set its own
#   count, the count it sets, and the example database in .hypothesis/ replays earlier failures first.
# - thorough: `make stress`: 1,000 examples where a test does not set its own count and five times
#   the count it sets.
# No per-example deadline in any of them: the machines are shared 2-core ones, and a timing
# limit there measures the neighbours. Speed targets live in bench/ (make bench).
_hypothesis_settings.register_profile(
    "ci", max_examples=25, deadline=None, derandomize=True, database=None, print_blob=True
)
_hypothesis_settings.register_profile("fast", max_examples=50, deadline=None)
_hypothesis_settings.register_profile("thorough", max_examples=1_000, deadline=None)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") == "true" else "fast")
_hypothesis_settings.load_profile(PROFILE)
#: How the profile scales an example count a test sets itself (``@settings(max_examples=N)``).
OWN_COUNT_SCALE = {"ci": 0.5, "fast": 1.0, "thorough": 5.0}
OWN_COUNT_FLOOR = 10


def _scale_own_example_counts(items: list[pytest.Item]) -> None:
    """Apply the profile's scale to the example counts that tests set themselves: otherwise a count
    set in the test would win over every profile, and `make test` and `make stress` would run the
    same number of examples."""
    scale = OWN_COUNT_SCALE.get(PROFILE, 1.0)
    profile_count = _hypothesis_settings.get_profile(PROFILE).max_examples
    seen: set[int] = set()
    for item in items:
        test = getattr(item, "obj", None)
        if scale == 1.0 or test is None or not getattr(test, "is_hypothesis_test", False) or id(test) in seen:
            continue  # (a parametrised test is one function: scaled once)
        seen.add(id(test))
        own = getattr(test, "_hypothesis_internal_use_settings", None)
        if not isinstance(own, _hypothesis_settings):
            raise pytest.UsageError(
                f"{item.nodeid}: hypothesis no longer keeps a test's settings where expected"
            )
        if own.max_examples == profile_count:
            continue  # no count of its own
        count = max(OWN_COUNT_FLOOR, round(own.max_examples * scale))
        if scale < 1.0:
            count = min(count, own.max_examples)
        test._hypothesis_internal_use_settings = _hypothesis_settings(own, max_examples=count)


# Distribution over pytest-xdist workers (`make test` runs --dist loadgroup). A module runs whole on
# one worker, so a module fixture that starts a server (moto, gunicorn, Chromium, node) starts once,
# and a worker never returns to a module after its fixtures were torn down. Modules of many small
# cases whose tests share no module fixture are spread test by test, and so is this one, whose two
# module fixtures are cheap (an in-process server, a re-import) and whose cases are the most work:
SPREAD_MODULES = frozenset({"tests/skill/test_conversation_scripts.py"})
SPREAD_FROM = 30  # tests in a module
#: Tests in different modules that read expensive results cached per process run on one worker, so
#: each is made once: the simulator NLU's five compiled models (simulator.nlu.load_model, half a
#: second a locale), read by the NLU's own checks, the golden interviews (their openings,
#: bench.interview_lengths.volunteered), the evaluate harness and the required phrasings; and
#: virtual-alexa's reading of each locale's corpus and required phrasings
#: (voicemodel.measure.virtual_alexa_reading, a Node.js run of the emulator per locale). The required
#: phrasings are read by both, so the two share one group: apart, both workers compiled the models.
_READERS = "simulator NLU and virtual-alexa readings"
SHARED_WORK_MODULES = {
    "tests/simulator/test_simulator_nlu.py": _READERS,
    "tests/simulator/test_prompt_replies.py": _READERS,
    "tests/simulator/test_simulator_dialog.py": _READERS,
    "tests/simulator/test_simulator_session.py": _READERS,
    "tests/triage/test_interview_length.py": _READERS,
    "tests/evaluate/test_evaluate_harness.py": _READERS,
}
#: The modules that spend most of their time waiting on purpose, on the skill's own deadlines (late,
#: dripping and failing servers: DynamoDB, the Alexa APIs, SQLite locks), run one after another on
#: one worker, so at most one worker waits at a time and the others keep every core busy (make test
#: runs one worker more than there are cores). Measured under -n 3 on a quiet 2-core machine: about
#: 100 s of wall time, 20 s of it CPU, while the rest takes about 110 s on the other two (more
#: waiting modules here made this group the last to finish); as separate groups, three of them at
#: once left a core idle for half a minute.
_WAITING = "waiting on deadlines"
WAITING_MODULES = {
    "tests/reliability/test_deadlines.py": _WAITING,
    "tests/reliability/test_faults.py": _WAITING,
    "tests/reliability/test_writes.py": _WAITING,
    "tests/storage/test_storage_dynamodb.py": _WAITING,
    "tests/alexa_services/test_alexa_services.py": _WAITING,
    "tests/reliability/test_outbound.py": _WAITING,
}
SHARED_WORK = {
    "tests/skill/test_virtual_alexa.py::"
    "test_the_paraphrase_corpus_routes_right_through_the_emulator": _READERS,
    "tests/skill/test_voice_model.py::"
    "test_every_required_phrasing_is_a_sample_and_routes_right_on_both_readers": _READERS,
}


def _group_by_module(items: list[pytest.Item]) -> None:
    by_module: dict[str, list[pytest.Item]] = {}
    for item in items:
        by_module.setdefault(item.nodeid.split("::", 1)[0], []).append(item)
    for module, members in by_module.items():
        shares_a_module_fixture = any(
            fixture.scope in ("module", "package", "class")
            for item in members
            if isinstance(item, pytest.Function)
            for fixtures in item._fixtureinfo.name2fixturedefs.values()
            for fixture in fixtures
        )
        spread = module in SPREAD_MODULES or (len(members) >= SPREAD_FROM and not shares_a_module_fixture)
        for item in members:
            group = (
                SHARED_WORK.get(item.nodeid.split("[", 1)[0])
                or SHARED_WORK_MODULES.get(module)
                or WAITING_MODULES.get(module)
            )
            if group is not None:
                item.add_marker(pytest.mark.xdist_group(group))
            elif not spread:
                item.add_marker(pytest.mark.xdist_group(module))


#: The groups that take longest (CPU, or waiting on purpose), longest first, and the longest of the
#: tests spread one by one, as measured with ``--durations``: a worker takes them first, so the
#: short ones fill in around them instead of one long group or test starting last and running on
#: alone (every group of five seconds or more and the spread tests of two or more, measured
#: 2026-11-30 under -n 3).
LONGEST_GROUPS = (
    _WAITING,
    _READERS,
    "tests/reliability/test_load.py",
    "tests/simulator/test_simulator_browser.py",
    "tests/reliability/test_fuzz.py",
    "tests/speech/test_speech_ssml_check.py",
    "tests/skill/test_virtual_alexa.py",
    "tests/triage/test_speed_equivalence.py",
    "tests/triage/test_triage_interview.py::test_a_typical_interview_is_short_and_never_over_the_cap",
    "tests/capacity/test_capacity_load.py",
    "tests/skill/test_icing_and_price_flows.py",
    "tests/skill/test_template.py",
    "tests/triage/test_interview_plan.py",
    "tests/reliability/test_privacy.py",
    "tests/reliability/test_serving.py",
    "tests/storage/test_storage_sqlite.py",
    "tests/reliability/test_operations.py",
    "tests/content/test_content_compile.py",
    "tests/content/test_content_schema.py",
    "tests/reliability/test_security.py",
    "tests/speech/test_speech_properties.py",
)


def _longest_groups_first(items: list[pytest.Item]) -> None:
    """Reorder the collection (the same on every worker) so the longest groups come first: with
    ``--no-loadscope-reorder`` pytest-xdist hands out groups in the order of the collection. Tests
    keep their order within a group."""
    rank = {group: number for number, group in enumerate(LONGEST_GROUPS)}

    def key(item: pytest.Item) -> int:
        names = [str(m.args[0]) for m in item.iter_markers("xdist_group") if m.args]
        names.append(item.nodeid.split("[", 1)[0])  # a test spread one by one: its own name
        return min(rank.get(name, len(rank)) for name in names)

    items.sort(key=key)  # stable: the rest keeps the collection order


def _write_groups_into_node_ids(items: list[pytest.Item]) -> None:
    """pytest-xdist's loadgroup reads a test's group from its node id (``path::test@group``), which
    its own hook writes to ``item._nodeid``; pytest 9 keeps the node id in ``item._id`` instead, so
    that write no longer lands and every test was its own group: modules were split over all the
    workers, and their module fixtures (gunicorn, moto, Chromium, node servers) started in each.
    Write the group where pytest keeps the node id."""
    try:
        from _pytest.nodeid import NodeId
    except ImportError:  # pytest before 9: xdist's own hook does it
        return
    for item in items:
        names = sorted(
            {
                str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
                for mark in item.iter_markers("xdist_group")
            }
        )
        if names and isinstance(getattr(item, "_id", None), NodeId) and "@" not in item.nodeid:
            item._id = NodeId.parse(f"{item.nodeid}@{'_'.join(names)}")


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    _scale_own_example_counts(items)
    _group_by_module(items)
    if hasattr(config, "workerinput") and config.getvalue("loadgroup"):  # a worker of a loadgroup run
        _longest_groups_first(items)
        _write_groups_into_node_ids(items)


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """Network guard (pytest-socket): in every test, sockets may connect to loopback only."""
    config.option.allow_hosts = "127.0.0.0/8,::1"
    config.option.allow_unix_socket = True
