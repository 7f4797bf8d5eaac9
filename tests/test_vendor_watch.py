"""vendor_watch: synthetic npm packages and OpenAPI documents against the committed fingerprint."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from dynamic_sdk_runtime.fragment import read_fragment
from specwatch import FRAGMENT_PATH
from specwatch.vendor_watch import (
    DEFAULT_FINGERPRINT,
    EXIT_CHANGED,
    EXIT_SAME,
    EXIT_UNREACHABLE,
    EXIT_USAGE,
    NPM_ENV,
    main,
    openapi_facts,
    package_facts,
)

ROOT = Path(__file__).resolve().parent.parent
THREE = Path(__file__).parent / "fragments" / "three-operations.yaml"
RETRY = "npm.operations.retrySmsVerification"
FINGERPRINT: dict[str, Any] = json.loads(DEFAULT_FINGERPRINT.read_text(encoding="utf-8"))
REQUEST = {
    "verificationUUID": "string",
    "phoneCountryCode": "string",
    "phoneNumber": "string",
    "isoCountryCode": "string",
    "captchaToken?": "string",
}
CREATE_REQUEST = {key: kind for key, kind in REQUEST.items() if key != "verificationUUID"}
RESPONSE = {
    "verificationUUID": "string",
    "phoneNumber": "string",
    "phoneCountryCode": "string",
    "isoCountryCode": "string",
}
CODES = [
    "email_cannot_be_null",
    "wrong_sms_verification_token",
    "invalid_sms_verification",
    "invalid_verification",
    "too_many_sms_verification_attempts",
    "too_many_verification_attempts",
    "phone_verification_required",
    "no_enabled_sms_provider",
    "invalid_phone",
    "too_many_requests",
]


def _interface(name: str, fields: dict[str, str]) -> str:
    members = "".join(f"    /** doc */\n    {key}: {kind};\n" for key, kind in fields.items())
    tail = "export declare function f(): void;\n"
    return f"/** synthetic */\nexport interface {name} {{\n{members}}}\n{tail}"


def _enum(values: list[str]) -> str:
    members = "".join(f'    V{index} = "{value}",\n' for index, value in enumerate(values))
    return f"export declare enum UnprocessableEntityErrorCode {{\n{members}}}\n"


CREATE_METHOD = (
    "    /**\n     * synthetic sibling create\n     */\n"
    "    async createSmsVerificationRaw(requestParameters, initOverrides) {\n"
    "        const headers = {};\n"
    "        const response = await this.request({\n"
    "            path: `/sdk/{environmentId}/smsVerifications/create`,\n"
    "            method: 'POST',\n"
    "            headers: headers,\n"
    "            body: SmsVerificationCreateRequestToJSON(requestParameters.body),\n"
    "        }, initOverrides);\n"
    "        return new JSONApiResponse(response,\n"
    "            (v) => SmsVerificationCreateResponseFromJSON(v));\n"
    "    }\n"
)


def _api(authorization: bool, method: str = "POST", create: bool = False) -> str:
    auth = '        headers["Authorization"] = `Bearer ${token}`;\n' if authorization else ""
    return (
        "export class SDKApi {\n"
        f"{CREATE_METHOD if create else ''}"
        "    /**\n     * synthetic sibling\n     */\n"
        "    async retryEmailVerificationRaw(p) {\n"
        '        const headers = {"Authorization": "x"};\n    }\n'
        "    /**\n     * synthetic\n     */\n"
        "    async retrySmsVerificationRaw(requestParameters, initOverrides) {\n"
        "        const headers = {};\n"
        "        headers['Content-Type'] = 'application/json';\n"
        f"{auth}"
        "        const response = await this.request({\n"
        "            path: `/sdk/{environmentId}/smsVerifications/retry`"
        ".replace(`{environmentId}`, "
        "encodeURIComponent(String(requestParameters.environmentId))),\n"
        f"            method: '{method}',\n"
        "            headers: headers,\n"
        "            body: SmsVerificationRetryRequestToJSON(requestParameters.body),\n"
        "        }, initOverrides);\n"
        "        return new JSONApiResponse(response,\n"
        "            (v) => SmsVerificationCreateResponseFromJSON(v));\n"
        "    }\n"
        "    async retrySmsVerification(requestParameters) {\n        return 1;\n    }\n"
        "}\n"
    )


def make_package(
    where: Path,
    *,
    request: dict[str, str] | None = None,
    codes: list[str] | None = None,
    authorization: bool = False,
    version: str = "0.40.0",
    create: bool = False,
) -> Path:
    """A package directory shaped like sdk-api-core (synthetic content)."""
    (where / "src" / "apis").mkdir(parents=True)
    (where / "src" / "models").mkdir()
    (where / "package.json").write_text(json.dumps({"version": version}), encoding="utf-8")
    (where / "src" / "apis" / "SDKApi.js").write_text(
        _api(authorization, create=create), encoding="utf-8"
    )
    models = where / "src" / "models"
    (models / "SmsVerificationCreateRequest.d.ts").write_text(
        _interface("SmsVerificationCreateRequest", CREATE_REQUEST), encoding="utf-8"
    )
    (models / "SmsVerificationRetryRequest.d.ts").write_text(
        _interface("SmsVerificationRetryRequest", REQUEST if request is None else request),
        encoding="utf-8",
    )
    (models / "SmsVerificationCreateResponse.d.ts").write_text(
        _interface("SmsVerificationCreateResponse", RESPONSE), encoding="utf-8"
    )
    (models / "UnprocessableEntityErrorCode.d.ts").write_text(
        _enum(CODES if codes is None else codes), encoding="utf-8"
    )
    return where


UUID = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
NAME = r"^(?=\S)[\p{L}\p{N}a-zA-Z _.,:!?&%@\/+\-'|]+(?<=\S)$"


def make_openapi(where: Path, *, status: str = "201", security: bool = False) -> Path:
    """A small document with the facts vendor-contract.md gives for the vendor's document."""
    ref = "#/components/schemas/"
    uuid = {"$ref": f"{ref}uuid"}
    operation: dict[str, Any] = {
        "operationId": "retrySmsVerification",
        "parameters": [{"$ref": "#/components/parameters/environmentId"}],
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": f"{ref}SmsVerificationRetryRequest"}}
            },
        },
        "responses": {
            status: {
                "description": "ok",
                "content": {
                    "application/json": {"schema": {"$ref": f"{ref}SmsVerificationCreateResponse"}}
                },
            },
            "400": {"description": "bad"},
            "422": {
                "description": "unprocessable",
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "properties": {
                                "error": {"type": "string"},
                                "code": {"$ref": f"{ref}UnprocessableEntityErrorCode"},
                            },
                        }
                    }
                },
            },
            "500": {"description": "error"},
        },
    }
    if security:
        operation["security"] = [{"bearerAuth": []}]
    name = {"type": "string", "maxLength": 255, "pattern": NAME}
    document = {
        "openapi": "3.0.3",
        "info": {"title": "Synthetic", "version": "1"},
        "paths": {"/sdk/{environmentId}/smsVerifications/retry": {"post": operation}},
        "components": {
            "parameters": {
                "environmentId": {
                    "in": "path",
                    "name": "environmentId",
                    "required": True,
                    "schema": uuid,
                }
            },
            "schemas": {
                "uuid": {"type": "string", "minLength": 36, "maxLength": 36, "pattern": UUID},
                "SmsVerificationRetryRequest": {
                    "type": "object",
                    "required": [
                        "verificationUUID",
                        "phoneCountryCode",
                        "phoneNumber",
                        "isoCountryCode",
                    ],
                    "properties": {
                        "verificationUUID": uuid,
                        "phoneCountryCode": name,
                        "phoneNumber": name,
                        "isoCountryCode": {
                            "type": "string",
                            "maxLength": 4,
                            "pattern": r"^[a-zA-Z]{2,4}\d?$",
                        },
                        "captchaToken": {"type": "string"},
                    },
                },
                "SmsVerificationCreateResponse": {
                    "type": "object",
                    "required": [
                        "verificationUUID",
                        "phoneNumber",
                        "phoneCountryCode",
                        "isoCountryCode",
                    ],
                    "properties": {
                        "verificationUUID": uuid,
                        "phoneNumber": {"type": "string"},
                        "phoneCountryCode": {"type": "string"},
                        "isoCountryCode": {"type": "string"},
                    },
                },
                "UnprocessableEntityErrorCode": {"type": "string", "enum": CODES},
            },
        },
    }
    path = where / "vendor.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_todays_package_matches_the_fingerprint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--package-dir", str(make_package(tmp_path / "pkg")))
    assert code == EXIT_SAME, out
    assert "unchanged" in out


def _fragment_line(number: int) -> str:
    return (ROOT / FRAGMENT_PATH).read_text(encoding="utf-8").splitlines()[number - 1]


def _review(out: str) -> list[tuple[int, str]]:
    """(line number, text) of each `file:line: text` review line."""
    prefix = f"{FRAGMENT_PATH}:"
    found = []
    for line in out.splitlines():
        line = line.strip()
        if line.startswith(prefix):
            number, text = line[len(prefix) :].split(": ", 1)
            found.append((int(number), text))
    return found


def test_a_dropped_field_fails_with_a_diff_and_fragment_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    request = {key: kind for key, kind in REQUEST.items() if key != "captchaToken?"}
    code, out, _ = run(
        capsys, "--package-dir", str(make_package(tmp_path / "pkg", request=request))
    )
    assert code == EXIT_CHANGED
    assert (
        f"{RETRY}.request.fields.captchaToken: "
        'gone (was {"type": "string", "required": false})' in out
    )
    review = _review(out)
    assert any("captchaToken:" in text for _, text in review), out
    for number, text in review:  # each reported line number points at that text
        assert _fragment_line(number).strip() == text


def test_sending_authorization_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "--package-dir", str(make_package(tmp_path / "pkg", authorization=True))
    )
    assert code == EXIT_CHANGED
    assert f"{RETRY}.sends_authorization: false -> true" in out
    assert any("x-auth-discrepancy" in text for _, text in _review(out))


def test_a_new_sms_code_and_a_dropped_one_are_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    codes = [c for c in CODES if c != "invalid_phone"] + [
        "sms_quota_exceeded",
        "unrelated_new_code",
    ]
    code, out, _ = run(capsys, "--package-dir", str(make_package(tmp_path / "pkg", codes=codes)))
    assert code == EXIT_CHANGED
    expected = 'removed ["invalid_phone"]; added ["sms_quota_exceeded"]'
    assert f"npm.sms_error_codes: {expected}" in out
    assert "unrelated_new_code" not in out


def _fake_npm(tmp_path: Path, behaviour: str, package: Path | None = None) -> Path:
    """An npm stand-in: `fail:<CODE>` fails as npm does on that error; `serve` packs `package`."""
    script = tmp_path / "fake-npm"
    script.write_text(
        f"#!{sys.executable}\n"
        "import json, sys, tarfile, pathlib\n"
        f"behaviour, package = {behaviour!r}, {str(package)!r}\n"
        "if behaviour.startswith('fail:'):\n"
        "    code = behaviour[5:]\n"
        "    print(json.dumps({'error': {'code': code, 'summary': 'simulated ' + code}}))\n"
        "    print('npm error code ' + code, file=sys.stderr)\n"
        "    sys.exit(1)\n"
        "if sys.argv[1] == 'view':\n"
        "    print(json.dumps({'name': 'x', 'dist-tags': {'latest': '0.41.0'},\n"
        "                      'versions': ['0.40.0', '0.41.0'], 'time': {}}))\n"
        "elif sys.argv[1] == 'pack':\n"
        "    dest = pathlib.Path(sys.argv[sys.argv.index('--pack-destination') + 1])\n"
        "    with tarfile.open(dest / 'pkg.tgz', 'w:gz') as tar:\n"
        "        tar.add(package, arcname='package')\n"
        "    print(json.dumps([{'filename': 'pkg.tgz'}]))\n",
        encoding="utf-8",
    )
    script.chmod(0o755)
    return script


@pytest.mark.parametrize("npm_code", ["ENOTFOUND", "EAI_AGAIN", "ECONNREFUSED", "ETIMEDOUT"])
def test_no_network_has_its_own_exit_code(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    npm_code: str,
) -> None:
    monkeypatch.setenv(NPM_ENV, str(_fake_npm(tmp_path, f"fail:{npm_code}")))
    code, out, err = run(capsys)
    assert code == EXIT_UNREACHABLE
    assert "NO NETWORK" in err
    assert npm_code in err
    assert "VENDOR CHANGE" not in out


def test_missing_npm_is_unreachable_not_changed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(NPM_ENV, str(tmp_path / "no-such-npm"))
    code, _, err = run(capsys)
    assert code == EXIT_UNREACHABLE
    assert "not installed" in err


def test_fetch_through_npm_compares_the_packed_tarball(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    same = make_package(tmp_path / "same", version="0.41.0")
    monkeypatch.setenv(NPM_ENV, str(_fake_npm(tmp_path, "serve", same)))
    code, out, _ = run(capsys)
    assert code == EXIT_SAME, out
    assert "0.41.0" in out  # a new version with the same facts passes
    changed = make_package(tmp_path / "changed", authorization=True)
    monkeypatch.setenv(NPM_ENV, str(_fake_npm(tmp_path, "serve", changed)))
    code, out, _ = run(capsys)
    assert code == EXIT_CHANGED
    assert "sends_authorization" in out


def test_an_unpublished_version_is_a_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(NPM_ENV, str(_fake_npm(tmp_path, "fail:E404")))
    code, out, _ = run(capsys, "--version", "0.40.0")
    assert code == EXIT_CHANGED
    assert "VENDOR CHANGE" in out
    assert any("/smsVerifications/retry" in text for _, text in _review(out))


def test_openapi_document_matches_and_changes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    package = str(make_package(tmp_path / "pkg"))
    good = make_openapi(tmp_path)
    code, out, _ = run(capsys, "--package-dir", package, "--openapi", str(good))
    assert code == EXIT_SAME, out
    (tmp_path / "v200").mkdir()
    code, out, _ = run(
        capsys,
        "--package-dir",
        package,
        "--openapi",
        str(make_openapi(tmp_path / "v200", status="200")),
    )
    assert code == EXIT_CHANGED
    assert "openapi.operations.retrySmsVerification.success_status: 201 -> 200" in out
    assert any("'200':" in text for _, text in _review(out))
    (tmp_path / "auth").mkdir()
    code, out, _ = run(
        capsys,
        "--package-dir",
        package,
        "--openapi",
        str(make_openapi(tmp_path / "auth", security=True)),
    )
    assert code == EXIT_CHANGED
    assert "openapi.operations.retrySmsVerification.sends_authorization: false -> true" in out


def test_update_round_trip_keeps_the_notes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fingerprint = tmp_path / "fingerprint.json"
    fingerprint.write_text(json.dumps({"_about": ["kept"]}), encoding="utf-8")
    package = str(make_package(tmp_path / "pkg", authorization=True))
    code, _, _ = run(
        capsys, "--package-dir", package, "--fingerprint", str(fingerprint), "--update"
    )
    assert code == EXIT_SAME
    written = json.loads(fingerprint.read_text(encoding="utf-8"))
    assert written["_about"] == ["kept"]
    assert written["npm"]["facts"]["operations"]["retrySmsVerification"]["sends_authorization"]
    code, out, _ = run(capsys, "--package-dir", package, "--fingerprint", str(fingerprint))
    assert code == EXIT_SAME, out


def test_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--package-dir", str(tmp_path), "--version", "1.0.0"])
    assert exit_info.value.code == EXIT_USAGE
    code, _, err = run(capsys, "--package-dir", str(tmp_path / "missing"))
    assert code == EXIT_USAGE
    assert "no directory" in err
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = run(capsys, "--package-dir", str(empty))
    assert code == EXIT_USAGE
    assert "SDKApi" in err


def test_fingerprint_agrees_with_the_fragment() -> None:
    """The committed facts and the fragment tell the same story where they overlap."""
    document = yaml.safe_load((ROOT / FRAGMENT_PATH).read_text(encoding="utf-8"))
    fragment = read_fragment(document)
    codes = fragment.schemas["UnprocessableEntityErrorCode"].enum
    assert codes is not None
    for source in ("npm", "openapi"):
        facts = FINGERPRINT[source]["facts"]
        assert set(facts["operations"]) == {op.operation_id for op in fragment.operations}
        assert facts["sms_error_codes"] == sorted(codes)
        for operation in fragment.operations:
            known = facts["operations"][operation.operation_id]
            assert (known["method"], known["path"]) == (operation.method, operation.path)
            assert known["path_params"] == sorted(p.name for p in operation.located("path"))
            vendor_security = document["paths"][operation.path][operation.method.lower()]
            assert known["sends_authorization"] is bool(vendor_security["x-vendor-sdk-security"])
            assert operation.body is not None
            fields = known["request"]["fields"]
            assert sorted(fields) == sorted(p.name for p in operation.body.properties)
            required = sorted(name for name, fact in fields.items() if fact["required"])
            assert required == sorted(operation.body.required_names)
    retry = FINGERPRINT["openapi"]["facts"]["operations"]["retrySmsVerification"]
    assert (
        FINGERPRINT["npm"]["facts"]["operations"]["retrySmsVerification"]["success_status"] is None
    )
    assert retry["success_status"] in fragment.operation("retrySmsVerification").successes
    uuid = retry["request"]["fields"]["verificationUUID"]
    assert (uuid["minLength"], uuid["maxLength"]) == (36, 36)


def _two_operations(where: Path) -> Path:
    """The three-operation fixture without its GET: retry and its sibling create."""
    document = yaml.safe_load(THREE.read_text(encoding="utf-8"))
    for path in [p for p, item in document["paths"].items() if "get" in item]:
        del document["paths"][path]
    where.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return where


def test_the_operations_tracked_are_the_fragments(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two operations in the fragment: both are fingerprinted, from their own SDK methods."""
    fragment = _two_operations(tmp_path / "two.yaml")
    package = str(make_package(tmp_path / "pkg", create=True))
    fingerprint = tmp_path / "fingerprint.json"
    argv = ["--package-dir", package, "--fragment", str(fragment), "--fingerprint"]
    code, _, _ = run(capsys, *argv, str(fingerprint), "--update")
    assert code == EXIT_SAME
    operations = json.loads(fingerprint.read_text(encoding="utf-8"))["npm"]["facts"]["operations"]
    assert set(operations) == {"retrySmsVerification", "createSmsVerification"}
    create = operations["createSmsVerification"]
    assert (create["method"], create["path"]) == (
        "POST",
        "/sdk/{environmentId}/smsVerifications/create",
    )
    assert create["request"]["model"] == "SmsVerificationCreateRequest"
    assert "verificationUUID" not in create["request"]["fields"]
    assert (
        operations["retrySmsVerification"]
        == (FINGERPRINT["npm"]["facts"]["operations"]["retrySmsVerification"])
    )
    code, out, _ = run(capsys, *argv, str(fingerprint))
    assert code == EXIT_SAME, out
    # Against the committed fingerprint (one operation), the sibling is new and reviewed.
    code, out, _ = run(capsys, "--package-dir", package, "--fragment", str(fragment))
    assert code == EXIT_CHANGED
    assert "npm.operations.createSmsVerification: new: " in out
    assert "operationId: createSmsVerification" in out
    assert "/smsVerifications/create:" in out
    assert "operationId: retrySmsVerification" not in out


def test_an_operation_the_sdk_lacks_is_absent_in_both_sources(tmp_path: Path) -> None:
    document = yaml.safe_load(make_openapi(tmp_path).read_text(encoding="utf-8"))
    names = ["retrySmsVerification", "createSmsVerification"]
    facts = openapi_facts(document, names, CODES)
    assert facts["operations"]["createSmsVerification"] == {"operation": "absent"}
    assert facts["operations"]["retrySmsVerification"]["success_status"] == 201
    assert "invalid_phone" in facts["sms_error_codes"]
    npm = package_facts(make_package(tmp_path / "pkg"), names, CODES)
    assert npm["operations"]["createSmsVerification"] == {"operation": "absent"}
    assert npm["operations"]["retrySmsVerification"]["method"] == "POST"


def test_typescript_source_with_request_opts_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Newer generators build the request in `...RequestOpts`; the facts are read from both."""
    package = make_package(tmp_path / "pkg")
    (package / "src" / "apis" / "SDKApi.js").unlink()
    (package / "src" / "apis" / "SDKApi.ts").write_text(
        "export class SDKApi {\n"
        "    /**\n     * synthetic\n     */\n"
        "    async retrySmsVerificationRequestOpts(p: R): Promise<runtime.RequestOpts> {\n"
        "        const headerParameters: runtime.HTTPHeaders = {};\n"
        "        return {\n"
        "            path: `/sdk/{environmentId}/smsVerifications/retry`,\n"
        "            method: 'POST',\n"
        "            headers: headerParameters,\n"
        "            body: SmsVerificationRetryRequestToJSON(p.body),\n"
        "        };\n"
        "    }\n"
        "    /**\n     * synthetic\n     */\n"
        "    async retrySmsVerificationRaw(p: R): Promise<runtime.ApiResponse<X>> {\n"
        "        const opts = await this.retrySmsVerificationRequestOpts(p);\n"
        "        const response = await this.request(opts);\n"
        "        return new runtime.JSONApiResponse(response,\n"
        "            (v) => SmsVerificationCreateResponseFromJSON(v));\n"
        "    }\n"
        "}\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "--package-dir", str(package))
    assert code == EXIT_SAME, out


def test_a_package_without_the_operation_is_a_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    package = make_package(tmp_path / "pkg")
    api = package / "src" / "apis" / "SDKApi.js"
    api.write_text(
        api.read_text(encoding="utf-8").replace("retrySms", "resendSms"), encoding="utf-8"
    )
    code, out, _ = run(capsys, "--package-dir", str(package))
    assert code == EXIT_CHANGED
    assert f'{RETRY}.operation: new: "absent"' in out
    assert any("/smsVerifications/retry" in text for _, text in _review(out))
