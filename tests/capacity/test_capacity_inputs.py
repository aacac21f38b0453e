"""The prices, assumptions and measurements stay in a form `make capacity` can read."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
import yaml

from capacity.inputs import (
    ASSUMPTIONS_FILE,
    CONVERSATION_TYPES,
    MEASURED_FILE,
    PRICES_FILE,
    InputError,
    load_assumptions,
    load_measured,
    load_prices,
    parse_assumptions,
    parse_measured,
    parse_prices,
)


def raw(path: Any) -> Any:
    text = path.read_text(encoding="utf-8")
    return json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)


def test_every_price_names_its_date_and_an_https_source_for_both_regions_and_architectures() -> None:
    prices = load_prices()
    assert {"us-east-1", "eu-west-1"} <= set(prices.regions)
    for region in prices.regions.values():
        assert set(region.lambda_gb_second) == {"arm64", "x86_64"}
        for price in region.all().values():
            assert price.value > 0
            assert price.source.startswith("https://aws.amazon.com/")
            assert price.as_published[:2] == "20"


def test_the_committed_measurements_cover_every_conversation_type_with_turn_samples() -> None:
    m = load_measured()
    assert set(m.types) == set(CONVERSATION_TYPES)
    for profile in m.types.values():
        assert profile.turns >= 3
        assert len(profile.samples) == profile.turns * m.repeats
        assert profile.response_bytes_max < 24 * 1024  # Alexa's response limit
    assert m.cold.first_request_dynamodb_calls >= 1
    assert "--measure" in m.command


def test_the_assumptions_read_and_the_default_mix_adds_up_to_one() -> None:
    a = load_assumptions()
    assert sum(a.default_mix.values()) == pytest.approx(1.0)
    assert a.full_vcpu_memory_mb == 1769
    assert 0 < a.container_reuse_rate <= 1


@pytest.mark.parametrize(
    ("path", "parse"),
    [(PRICES_FILE, parse_prices), (ASSUMPTIONS_FILE, parse_assumptions), (MEASURED_FILE, parse_measured)],
)
def test_a_missing_field_is_refused_with_its_name(path: Any, parse: Any) -> None:
    data = raw(path)
    broken = copy.deepcopy(data)
    first = next(iter(broken))
    del broken[first]
    with pytest.raises(InputError, match=first):
        parse(broken)


def test_a_price_without_a_date_or_with_a_plain_http_source_is_refused() -> None:
    data = raw(PRICES_FILE)
    undated = copy.deepcopy(data)
    undated["regions"]["us-east-1"]["lambda"]["request_per_million"]["as_published"] = "recently"
    with pytest.raises(InputError, match="as_published"):
        parse_prices(undated)
    insecure = copy.deepcopy(data)
    insecure["regions"]["us-east-1"]["dynamodb"]["storage_gb_month"]["source"] = "http://example.com"
    with pytest.raises(InputError, match="https"):
        parse_prices(insecure)


def test_a_mix_that_does_not_add_up_or_names_an_unknown_type_is_refused() -> None:
    data = raw(ASSUMPTIONS_FILE)
    short = copy.deepcopy(data)
    short["default_mix"]["headline"] = 0.1
    with pytest.raises(InputError, match="add up"):
        parse_assumptions(short)
    unknown = copy.deepcopy(data)
    unknown["default_mix"] = {"karaoke": 1.0}
    with pytest.raises(InputError, match="unknown"):
        parse_assumptions(unknown)


def test_a_measured_turn_sample_must_be_cpu_calls_and_api_calls() -> None:
    data = raw(MEASURED_FILE)
    data["types"]["headline"]["samples"][0] = [1.0, 2]
    with pytest.raises(InputError, match="samples"):
        parse_measured(data)
