"""The strict schema: unknown keys, missing keys, wrong types and bad enum ids are rejected with a path."""

from __future__ import annotations

import shutil
import typing
from pathlib import Path
from typing import Any

import pytest
import yaml

from content import compile as compiler
from content import yaml_source
from content.schema import CareLevelKey, CareLevelTexts, ConditionPart, LocaleContent, QuestionText, Terms
from content.validation import SchemaError, from_dict, to_dict, validate_source
from triage.vocabulary import CareLevel, Condition, Finding

SOURCE = Path(compiler.SOURCE_DIR)


def a_question(**changes: Any) -> dict[str, Any]:
    good: dict[str, Any] = {
        "source": ["clinical:2.1"],
        "question": "Is your calf swollen?",
        "why": "Swelling can matter.",
        "phrase": "a swollen calf",
        "synonyms": ["swollen calf"],
    }
    good.update(changes)
    return good


def test_a_well_formed_dict_becomes_a_frozen_struct() -> None:
    q = from_dict(QuestionText, a_question())
    assert q.synonyms == ("swollen calf",)
    with pytest.raises(AttributeError):
        q.question = "changed"  # type: ignore[misc]


def test_an_unknown_key_is_rejected_with_its_path() -> None:
    with pytest.raises(SchemaError) as err:
        from_dict(QuestionText, a_question(queston="typo"), where="locales/en.yaml")
    assert str(err.value) == "locales/en.yaml: queston: unknown key"


def test_a_missing_key_is_rejected_with_its_path() -> None:
    data = a_question()
    del data["why"]
    with pytest.raises(SchemaError, match=r"^why: missing key$"):
        from_dict(QuestionText, data)


def test_a_nested_unknown_key_names_the_full_dotted_path() -> None:
    data = {"name": "x", "mechanism": "y", "synonyms": ["a"], "extra": 1}
    with pytest.raises(SchemaError, match=r"^extra: unknown key$"):
        from_dict(ConditionPart, data)


def test_a_list_where_text_is_expected_is_rejected() -> None:
    with pytest.raises(SchemaError, match=r"^question: expected text, got list$"):
        from_dict(QuestionText, a_question(question=["two", "sentences"]))


def test_text_where_a_list_is_expected_is_rejected() -> None:
    with pytest.raises(SchemaError, match=r"^synonyms: expected a list"):
        from_dict(QuestionText, a_question(synonyms="swollen calf"))


def test_a_non_mapping_is_rejected() -> None:
    with pytest.raises(SchemaError, match="expected a mapping for QuestionText"):
        from_dict(QuestionText, ["not", "a", "mapping"])


def test_every_terms_key_is_required() -> None:
    with pytest.raises(SchemaError, match=r"^emergency_number: missing key$"):
        from_dict(Terms, {})


def test_the_compiled_bundle_rejects_an_unknown_condition_id(bundles: dict[str, LocaleContent]) -> None:
    data = to_dict(bundles["en-US"])
    data["conditions"]["housemaids_knee"] = data["conditions"]["bakers_cyst"]
    with pytest.raises(
        SchemaError, match=r"conditions\.housemaids_knee: 'housemaids_knee' is not a Condition"
    ):
        from_dict(LocaleContent, data)


def test_the_compiled_bundle_rejects_a_missing_condition(bundles: dict[str, LocaleContent]) -> None:
    data = to_dict(bundles["en-US"])
    del data["conditions"]["leg_cramps"]
    with pytest.raises(SchemaError, match=r"^conditions: missing Condition entries: leg_cramps$"):
        from_dict(LocaleContent, data)


def test_a_related_finding_must_be_a_triage_finding(bundles: dict[str, LocaleContent]) -> None:
    data = to_dict(bundles["en-US"])
    data["conditions"]["bakers_cyst"]["related_findings"] = ["lump_behind_the_knee"]
    with pytest.raises(SchemaError, match=r"related_findings\.0: 'lump_behind_the_knee' is not a Finding"):
        from_dict(LocaleContent, data)


def test_care_levels_are_keyed_by_care_level_key(bundles: dict[str, LocaleContent]) -> None:
    data = to_dict(bundles["en-US"])
    assert set(data["care_levels"]) == {level.key for level in CareLevel}
    data["care_levels"]["5"] = data["care_levels"].pop("emergency_ambulance")
    with pytest.raises(SchemaError, match=r"care_levels\.5: unknown key"):
        from_dict(LocaleContent, data)


def test_the_care_level_keys_of_the_schema_are_the_triage_levels() -> None:
    keys = [level.key for level in CareLevel]
    assert list(typing.get_args(CareLevelKey)) == keys
    assert list(CareLevelTexts.__struct_fields__) == keys


def test_a_typical_care_level_must_be_a_care_level(bundles: dict[str, LocaleContent]) -> None:
    data = to_dict(bundles["en-US"])
    data["conditions"]["bakers_cyst"]["typical_care"] = "urgent"
    with pytest.raises(SchemaError, match=r"bakers_cyst\.typical_care: 'urgent' is not a CareLevel"):
        from_dict(LocaleContent, data)


def test_a_bundle_round_trips_through_plain_data(bundles: dict[str, LocaleContent]) -> None:
    original = bundles["en-GB"]
    assert from_dict(LocaleContent, to_dict(original)) == original


def test_a_text_source_may_not_carry_facts() -> None:
    with pytest.raises(SchemaError, match=r"^locales/en\.yaml: numbers: unknown key$"):
        validate_source(LocaleContent, {"numbers": {}}, "text", "locales/en.yaml")


def test_a_partial_override_may_omit_keys_but_not_invent_them() -> None:
    validate_source(LocaleContent, {"skill": {"help": "Hi."}}, "text", "o", partial=True)
    validate_source(
        LocaleContent, {"conditions": {"bakers_cyst": {"summary": "S."}}}, "text", "o", partial=True
    )
    with pytest.raises(SchemaError, match=r"^o: conditions\.bakers_cyst\.summery: unknown key$"):
        validate_source(
            LocaleContent, {"conditions": {"bakers_cyst": {"summery": "S."}}}, "text", "o", partial=True
        )


# ---- the same errors, raised by the compiler on real source files -----------------------------------


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    copy = tmp_path / "source"
    shutil.copytree(SOURCE, copy)
    return copy


#: libyaml's safe dumper when PyYAML has it (ten times faster than the pure-Python one on the big
#: locale files; the compiler reads what it writes like any YAML).
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def edit_yaml(path: Path, change: Any) -> None:
    data = yaml_source.load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.dump(data, Dumper=_DUMPER, allow_unicode=True), encoding="utf-8")


def test_the_compiler_names_the_file_and_path_of_a_typo_in_english_text(sources: Path) -> None:
    en = sources / "locales" / "en.yaml"
    edit_yaml(en, lambda d: d["conditions"]["bakers_cyst"].__setitem__("summery", "typo"))
    with pytest.raises(compiler.ContentError) as err:
        compiler.build_all(sources)
    assert str(err.value) == "locales/en.yaml: conditions.bakers_cyst.summery: unknown key"


def test_the_compiler_names_the_facts_file_of_a_missing_source(sources: Path) -> None:
    edit_yaml(sources / "facts" / "conditions.yaml", lambda d: d["conditions"]["calf_strain"].pop("source"))
    with pytest.raises(compiler.ContentError) as err:
        compiler.build_all(sources)
    assert str(err.value) == "facts/conditions.yaml: conditions.calf_strain.source: missing key"


def test_the_compiler_rejects_a_finding_without_interview_text(sources: Path) -> None:
    edit_yaml(sources / "locales" / "en.yaml", lambda d: d["interview"]["findings"].pop(Finding.WARMTH.value))
    with pytest.raises(compiler.ContentError, match=r"interview\.findings: missing Finding entries: warmth"):
        compiler.build_all(sources)


def test_the_compiler_rejects_a_condition_typo_in_facts(sources: Path) -> None:
    def rename(d: dict[str, Any]) -> None:
        d["conditions"]["bakers_cist"] = d["conditions"].pop(Condition.BAKERS_CYST.value)

    edit_yaml(sources / "facts" / "conditions.yaml", rename)
    with pytest.raises(
        compiler.ContentError, match=r"facts/conditions.yaml: conditions.bakers_cist: 'bakers_cist'"
    ):
        compiler.build_all(sources)


def test_the_compiler_rejects_an_unknown_placeholder(sources: Path) -> None:
    edit_yaml(sources / "locales" / "en.yaml", lambda d: d["skill"].__setitem__("help", "Ask {pharmacist}."))
    with pytest.raises(compiler.ContentError, match=r"skill\.help: unknown placeholder \{pharmacist\}"):
        compiler.build_all(sources)


def test_the_compiler_rejects_an_override_of_text_that_does_not_exist(sources: Path) -> None:
    edit_yaml(
        sources / "locales" / "en-GB.yaml", lambda d: d["overrides"]["skill"].__setitem__("helo", "Hi.")
    )
    with pytest.raises(compiler.ContentError, match=r"en-GB.yaml: overrides\.skill\.helo: overrides nothing"):
        compiler.build_all(sources)


def test_the_compiler_rejects_an_unknown_key_in_a_locale_file(sources: Path) -> None:
    edit_yaml(sources / "locales" / "en-AU.yaml", lambda d: d["terms"].__setitem__("ambulance", "000"))
    with pytest.raises(compiler.ContentError, match=r"^locales/en-AU\.yaml: terms\.ambulance: unknown key$"):
        compiler.build_all(sources)


def test_the_compiler_rejects_a_source_reference_to_no_known_section(sources: Path) -> None:
    edit_yaml(
        sources / "facts" / "guidance.yaml", lambda d: d["prevention"].__setitem__("source", ["article:diet"])
    )
    with pytest.raises(compiler.ContentError, match=r"prevention\.source\.0: unknown article section 'diet'"):
        compiler.build_all(sources)


def test_the_compiler_rejects_you_have_wording(sources: Path) -> None:
    edit_yaml(
        sources / "locales" / "en.yaml",
        lambda d: d["flags"]["suspected_dvt"].__setitem__("explanation", "You have a clot."),
    )
    with pytest.raises(compiler.ContentError, match="says 'you have'"):
        compiler.build_all(sources)


def test_the_compiler_rejects_a_synonym_shared_by_two_causes(sources: Path) -> None:
    edit_yaml(
        sources / "locales" / "en.yaml",
        lambda d: d["conditions"]["calf_strain"]["synonyms"].append("blood clot"),
    )
    with pytest.raises(compiler.ContentError, match="'blood clot' used by both"):
        compiler.build_all(sources)
