"""template.yaml: valid for cfn-lint and for the SAM translator, offline, with least privilege."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template.yaml"
SKILL_ID = "amzn1.ask.skill.00000000-0000-4000-8000-000000000001"


class _CfnLoader(yaml.SafeLoader):
    """Reads CloudFormation short-form tags (!Ref, !GetAtt, !Sub) as their long forms."""


def _tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = str(value).split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {name: value}


_CfnLoader.add_multi_constructor("!", _tag)


def load_template() -> dict[str, Any]:
    data: dict[str, Any] = yaml.load(TEMPLATE.read_text(encoding="utf-8"), Loader=_CfnLoader)
    return data


@pytest.fixture(scope="module")
def transformed() -> dict[str, Any]:
    """The template after the real SAM translator, as `sam deploy` would send it."""
    from samtranslator.translator.managed_policy_translator import ManagedPolicyLoader
    from samtranslator.translator.transform import transform

    class NoIamPolicyLoader(ManagedPolicyLoader):  # type: ignore[misc]
        def __init__(self) -> None:
            pass

        def load(self) -> dict[str, str]:
            return {}

    template = copy.deepcopy(load_template())
    # As after `sam package`: the code is an S3 object.
    template["Resources"]["KneeHelperFunction"]["Properties"]["CodeUri"] = "s3://bucket/knee-helper.zip"
    result: dict[str, Any] = transform(template, {"SkillId": SKILL_ID}, NoIamPolicyLoader())
    return result


def test_cfn_lint_finds_nothing_wrong_with_the_template() -> None:
    cfn_lint = Path(sys.executable).with_name("cfn-lint")
    run = subprocess.run([str(cfn_lint), str(TEMPLATE)], capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout + run.stderr


def test_the_skill_id_is_a_required_parameter_with_no_default() -> None:
    parameter = load_template()["Parameters"]["SkillId"]
    assert "Default" not in parameter
    assert parameter["Type"] == "String"


def test_the_function_runs_lambda_handler_on_python_within_alexa_s_eight_seconds(
    transformed: dict[str, Any],
) -> None:
    function = transformed["Resources"]["KneeHelperFunction"]
    assert function["Type"] == "AWS::Lambda::Function"
    props = function["Properties"]
    assert props["Handler"] == "lambda_function.lambda_handler"
    assert props["Runtime"].startswith("python3.")
    assert int(props["Runtime"].split(".")[1]) >= 13
    assert props["Timeout"] < 8
    assert props["MemorySize"] >= 128
    assert props["Environment"]["Variables"]["SKILL_ID"] == {"Ref": "SkillId"}
    assert props["Environment"]["Variables"]["KNEE_HELPER_PERSISTENCE"] == "dynamodb"


def test_only_the_configured_alexa_skill_may_invoke_the_function(transformed: dict[str, Any]) -> None:
    permissions = [r for r in transformed["Resources"].values() if r["Type"] == "AWS::Lambda::Permission"]
    assert len(permissions) == 1
    props = permissions[0]["Properties"]
    assert props["Principal"] == "alexa-appkit.amazon.com"
    assert props["Action"] == "lambda:InvokeFunction"
    assert props["EventSourceToken"] == {"Ref": "SkillId"}
    # On the alias, not the bare function: SnapStart applies to published versions only.
    alias = props["FunctionName"]["Ref"]
    assert transformed["Resources"][alias]["Type"] == "AWS::Lambda::Alias"
    assert transformed["Outputs"]["KneeHelperFunctionArn"]["Value"] == {"Ref": alias}


def test_snapstart_is_a_parameter_off_by_default_on_the_published_versions_behind_the_alias(
    transformed: dict[str, Any],
) -> None:
    parameter = load_template()["Parameters"]["EnableSnapStart"]
    assert parameter["Default"] == "false" and set(parameter["AllowedValues"]) == {"false", "true"}
    condition = transformed["Conditions"]["UseSnapStart"]
    assert condition == {"Fn::Equals": [{"Ref": "EnableSnapStart"}, "true"]}
    resources = transformed["Resources"]
    apply_on = resources["KneeHelperFunction"]["Properties"]["SnapStart"]["ApplyOn"]
    assert apply_on == {"Fn::If": ["UseSnapStart", "PublishedVersions", "None"]}
    versions = [r for r in resources.values() if r["Type"] == "AWS::Lambda::Version"]
    aliases = [r for r in resources.values() if r["Type"] == "AWS::Lambda::Alias"]
    assert len(versions) == 1 and len(aliases) == 1
    # Old versions go on the next deploy (their snapshots would otherwise stay cached, and billed).
    assert versions[0]["DeletionPolicy"] == "Delete"
    assert aliases[0]["Properties"]["FunctionVersion"]["Fn::GetAtt"][1] == "Version"


def test_a_new_version_is_published_when_the_code_changes(transformed: dict[str, Any]) -> None:
    """SAM names the version after a hash of the code location: new code, new version, new snapshot."""
    from samtranslator.translator.managed_policy_translator import ManagedPolicyLoader
    from samtranslator.translator.transform import transform

    class NoIamPolicyLoader(ManagedPolicyLoader):  # type: ignore[misc]
        def __init__(self) -> None:
            pass

        def load(self) -> dict[str, str]:
            return {}

    template = copy.deepcopy(load_template())
    template["Resources"]["KneeHelperFunction"]["Properties"]["CodeUri"] = "s3://bucket/knee-helper-2.zip"
    again: dict[str, Any] = transform(template, {"SkillId": SKILL_ID}, NoIamPolicyLoader())

    def versions(result: dict[str, Any]) -> set[str]:
        return {k for k, r in result["Resources"].items() if r["Type"] == "AWS::Lambda::Version"}

    assert versions(again) and versions(again) != versions(transformed)


def test_the_table_is_on_demand_keyed_by_id_with_expiry(transformed: dict[str, Any]) -> None:
    table = transformed["Resources"]["UserRecordsTable"]["Properties"]
    assert table["BillingMode"] == "PAY_PER_REQUEST"
    assert table["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    assert table["AttributeDefinitions"] == [{"AttributeName": "id", "AttributeType": "S"}]
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}


def test_the_function_may_touch_only_its_own_table_with_item_level_actions(
    transformed: dict[str, Any],
) -> None:
    role = transformed["Resources"]["KneeHelperFunctionRole"]["Properties"]
    statements = [s for policy in role.get("Policies", []) for s in policy["PolicyDocument"]["Statement"]]
    assert statements, "the role has an inline policy for the table"
    for statement in statements:
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        assert all(a.startswith("dynamodb:") and "*" not in a for a in actions)
        assert set(actions) <= {
            "dynamodb:GetItem",
            "dynamodb:PutItem",
            "dynamodb:UpdateItem",
            "dynamodb:DeleteItem",
        }
        assert statement["Resource"] == {"Fn::GetAtt": ["UserRecordsTable", "Arn"]}
    managed = role.get("ManagedPolicyArns", [])
    assert all("AWSLambdaBasicExecutionRole" in str(arn) for arn in managed)
