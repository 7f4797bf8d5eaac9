"""The fragment is valid OpenAPI and carries every constraint on the vendor's page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_spec_validator import validate

from dynamic_sdk_runtime.fragment import read_fragment

FRAGMENT = Path(__file__).resolve().parent.parent / "openapi" / "retry-sms-verification.yaml"
UUID = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
NAME = r"^(?=\S)[\p{L}\p{N}a-zA-Z _.,:!?&%@\/+\-'|]+(?<=\S)$"


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(FRAGMENT.read_text(encoding="utf-8"))
    return loaded


def test_fragment_is_valid_openapi(spec: dict[str, Any]) -> None:
    # jsonschema checks `format: regex` with regress (ECMA-262) when it is installed;
    # Python's `re` would wrongly reject \p{L}.
    import regress  # noqa: F401

    validate(spec)


def test_operation_identity_and_security(spec: dict[str, Any]) -> None:
    operation = spec["paths"]["/sdk/{environmentId}/smsVerifications/retry"]["post"]
    assert operation["operationId"] == "retrySmsVerification"
    assert operation["security"] == [{"bearerAuth": []}]
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    # The vendor's SDK sends no token: the discrepancy is recorded, and the client accepts
    # a plain Client for it (tests/test_vendor_world.py sends such a call).
    assert operation["x-vendor-sdk-security"] == []
    assert operation["x-auth-discrepancy"]


def test_path_parameter_constraints(spec: dict[str, Any]) -> None:
    operation = spec["paths"]["/sdk/{environmentId}/smsVerifications/retry"]["post"]
    (param,) = operation["parameters"]
    assert param["name"] == "environmentId"
    assert param["in"] == "path"
    assert param["required"] is True
    assert param["schema"]["maxLength"] == 36
    assert param["schema"]["pattern"] == UUID


@pytest.mark.parametrize(
    ("field", "max_length", "pattern"),
    [
        ("verificationUUID", 36, UUID),
        ("phoneCountryCode", 255, NAME),
        ("phoneNumber", 255, NAME),
        ("isoCountryCode", 4, r"^[a-zA-Z]{2,4}\d?$"),
    ],
)
def test_request_body_constraints(
    spec: dict[str, Any], field: str, max_length: int, pattern: str
) -> None:
    schema = spec["components"]["schemas"]["SmsVerificationRetryRequest"]
    assert field in schema["required"]
    assert schema["properties"][field]["maxLength"] == max_length
    assert schema["properties"][field]["pattern"] == pattern


def test_captcha_token_is_optional(spec: dict[str, Any]) -> None:
    schema = spec["components"]["schemas"]["SmsVerificationRetryRequest"]
    assert "captchaToken" not in schema["required"]
    assert schema["properties"]["captchaToken"]["type"] == "string"


def test_success_response(spec: dict[str, Any]) -> None:
    schema = spec["components"]["schemas"]["SmsVerificationCreateResponse"]
    assert set(schema["required"]) == {
        "verificationUUID",
        "phoneNumber",
        "phoneCountryCode",
        "isoCountryCode",
    }
    assert schema["properties"]["verificationUUID"]["pattern"] == UUID
    assert schema["properties"]["verificationUUID"]["maxLength"] == 36
    assert schema["properties"]["verificationUUID"]["minLength"] == 36


def test_both_documented_successes_share_the_model(
    spec: dict[str, Any],
) -> None:
    responses = spec["paths"]["/sdk/{environmentId}/smsVerifications/retry"]["post"]["responses"]
    successes = sorted(code for code in responses if str(code).startswith("2"))
    assert successes == ["200", "201"]
    for code in successes:
        body = responses[code]["content"]["application/json"]["schema"]
        assert body == {"$ref": "#/components/schemas/SmsVerificationCreateResponse"}


def test_a_description_says_assumed_exactly_where_the_fragment_assumes(
    spec: dict[str, Any],
) -> None:
    """`ASSUMED` in a response's description iff `x-documented-by: assumption`: the words
    a reader sees say what the suite does with the response (fail on it, or a finding)."""
    (operation,) = read_fragment(spec).operations
    for response in operation.responses:
        assert ("ASSUMED" in response.description) == response.assumed, response.key
    codes = spec["components"]["schemas"]["UnprocessableEntityErrorCode"]["enum"]
    assert {"invalid_sms_verification", "too_many_sms_verification_attempts"} <= set(codes)


def _listed(keys: list[str]) -> str:
    return ", ".join(keys[:-1]) + f" and {keys[-1]}" if len(keys) > 1 else keys[0]


def test_the_readme_lists_the_documented_and_the_assumed_error_responses(
    spec: dict[str, Any],
) -> None:
    """README "What the page documents and what is assumed" names each error response
    where the fragment's `x-documented-by` puts it."""
    (operation,) = read_fragment(spec).operations
    errors = [r for r in operation.responses if not r.key.startswith("2")]
    vendor = [r.key for r in errors if r.documented_by == "vendor-openapi"]
    assumed = [r.key for r in errors if r.assumed]
    assert sorted(vendor + assumed) == sorted(r.key for r in errors)
    text = " ".join((FRAGMENT.parents[1] / "README.md").read_text(encoding="utf-8").split())
    documented = (
        "(`x-documented-by: vendor-openapi`: the suite fails a server that breaks them): "
        + _listed(vendor)
    )
    assert documented in " ".join(text.replace(" (with the SMS-related codes)", "").split())
    assert f"a server that breaks them gets a finding, not a failure): {_listed(assumed)}" in text
