"""Small ASGI servers for retrySmsVerification, each breaking ONE documented rule on purpose.

`reference_app()` follows the fragment (auth, JSON object body, ECMA patterns, lengths in
code points, 400 with a BadRequest body, 200 echo). Each entry of `BROKEN` swaps one piece
for a realistic mistake. The project's tests run the contract suite's own check functions
against these apps and require a failure from each: a suite that passes a broken server
would pass a broken vendor too.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from ._engine import code_point_length, ecma_test, request_violations
from .strategies import FIELD_RULES, NAME_FIELDS, unicode_since
from .unicode_ages import VERSIONS

__all__ = ["BROKEN", "TOKEN", "Breakage", "reference_app", "unicode_server"]

TOKEN = "broken-server-token"
PATH = "/sdk/{environmentId}/smsVerifications/retry"

Verdict = Callable[[str, object], list[str]]


def correct_verdict(environment_id: str, body: object) -> list[str]:
    """The documented rules, as the client enforces them: a list of broken `field:rule`."""
    return [f"{error.field}:{error.rule}" for error in request_violations(environment_id, body)]


PatternTest = Callable[[str, str, str], bool]


def _ecma_pattern(_field: str, pattern: str, value: str) -> bool:
    return ecma_test(pattern, value)


def _rules_verdict(
    pattern_ok: PatternTest = _ecma_pattern,
    length: Callable[[str], int] = code_point_length,
    skip_max_length: frozenset[str] = frozenset(),
    required: tuple[str, ...] = (
        "verificationUUID",
        "phoneCountryCode",
        "phoneNumber",
        "isoCountryCode",
    ),
    check_captcha_type: bool = True,
    prepare: Callable[[str, str], str] = lambda _field, value: value,
    skip_fields: frozenset[str] = frozenset(),
) -> Verdict:
    """A hand-written validator of the documented rules with pluggable pieces."""
    fields = ("verificationUUID", "phoneCountryCode", "phoneNumber", "isoCountryCode")

    def verdict(environment_id: str, body: object) -> list[str]:
        if not isinstance(body, dict):
            return ["body:object"]
        broken = [f"{name}:required" for name in required if name not in body]
        values = {"environmentId": environment_id, **{k: body[k] for k in fields if k in body}}
        captcha = body.get("captchaToken", "")
        if check_captcha_type and not isinstance(captcha, str):
            broken.append("captchaToken:type")
        for name, value in values.items():
            if name in skip_fields:
                continue
            rule = FIELD_RULES[name]
            assert rule.pattern is not None
            assert rule.max_length is not None
            if not isinstance(value, str):
                broken.append(f"{name}:type")
                continue
            value = prepare(name, value)
            if name not in skip_max_length and length(value) > rule.max_length:
                broken.append(f"{name}:maxLength")
            elif not pattern_ok(name, rule.pattern, value):
                broken.append(f"{name}:pattern")
        return broken

    return verdict


def _python_dollar(field: str, pattern: str, value: str) -> bool:
    """Python's `$` also matches just before a final newline."""
    return ecma_test(pattern, value) or (value.endswith("\n") and ecma_test(pattern, value[:-1]))


def _utf16_length(value: str) -> int:
    return len(value.encode("utf-16-le", "surrogatepass")) // 2


def _unicode_digits(field: str, pattern: str, value: str) -> bool:
    """`\\d` read as any Unicode decimal digit (Python's default) in isoCountryCode."""
    if field == "isoCountryCode":
        value = "".join(
            "0" if not char.isascii() and unicodedata.category(char) == "Nd" else char
            for char in value
        )
    return ecma_test(pattern, value)


def _no_leading_lookahead(field: str, pattern: str, value: str) -> bool:
    """The name pattern without its `(?=\\S)`: a leading space slips through."""
    return ecma_test(pattern.replace("(?=\\S)", ""), value)


def _older_unicode(version: str) -> PatternTest:
    """ECMA semantics with the letter/number tables of an older Unicode `version`: letters
    and numbers assigned later are no letters or numbers (as in jsonschema-rs' Rust tables)."""
    newer = set(VERSIONS[VERSIONS.index(version) + 1 :])

    def pattern_ok(field: str, pattern: str, value: str) -> bool:
        if field in NAME_FIELDS and any(unicode_since(char) in newer for char in value):
            return False
        return ecma_test(pattern, value)

    return pattern_ok


def _latin_letters(field: str, pattern: str, value: str) -> bool:
    """`\\p{L}` read as ASCII letters only (a regex engine without Unicode properties)."""
    return ecma_test(pattern.replace("\\p{L}", "a-zA-Z"), value)


def _utf8_length(value: str) -> int:
    return len(value.encode("utf-8", "surrogatepass"))


def _strip(_field: str, value: str) -> str:
    """Trims whitespace before validating (and would store the trimmed value)."""
    return value.strip()


def _case_insensitive_uuid(field: str, pattern: str, value: str) -> bool:
    """verificationUUID compared case-insensitively: uppercase hex slips through."""
    if field == "verificationUUID":
        value = value.lower()
    return ecma_test(pattern, value)


@dataclass(frozen=True)
class Breakage:
    """One deliberate defect: its name, the rule it breaks, and the app's knobs for it."""

    name: str
    rule: str
    verdict: Verdict = correct_verdict
    check_auth: bool = True
    crash_on_null: bool = False
    crash_on: tuple[str, type] | None = None
    """(field, Python type): answer 500 when that field carries a value of that type."""
    echo_transform: Callable[[dict[str, object]], object] = field(default=lambda body: body)
    content_type: str = "application/json"
    reject_status: Callable[[list[str]], int] = field(default=lambda _broken: 400)
    """The status of a refusal, given the broken `field:rule`s (400 unless a test says)."""


def _drop_phone_number(body: dict[str, object]) -> object:
    return {key: value for key, value in body.items() if key != "phoneNumber"}


BROKEN: tuple[Breakage, ...] = (
    Breakage(
        "python-re-dollar",
        "patterns are ECMA-262: `$` does not match before a final newline",
        verdict=_rules_verdict(pattern_ok=_python_dollar),
    ),
    Breakage(
        "utf16-length",
        "maxLength counts code points, not UTF-16 units",
        verdict=_rules_verdict(length=_utf16_length),
    ),
    Breakage(
        "iso-maxlength-ignored",
        "isoCountryCode maxLength 4 holds together with its pattern (ABCD1 is invalid)",
        verdict=_rules_verdict(skip_max_length=frozenset({"isoCountryCode"})),
    ),
    Breakage(
        "unicode-digits",
        "`\\d` is ASCII 0-9 only in isoCountryCode",
        verdict=_rules_verdict(pattern_ok=_unicode_digits),
    ),
    Breakage(
        "no-leading-whitespace-lookahead",
        "name fields may not start with whitespace ((?=\\S))",
        verdict=_rules_verdict(pattern_ok=_no_leading_lookahead),
    ),
    Breakage("500-on-null", "a null field is a 400 type error, never a 5xx", crash_on_null=True),
    Breakage("auth-skipped", "a missing or wrong bearer token gets 401", check_auth=False),
    Breakage(
        "wrong-response-schema",
        "the 200 body carries every required SmsVerificationCreateResponse field",
        echo_transform=_drop_phone_number,
    ),
    Breakage(
        "wrong-content-type",
        "responses are application/json",
        content_type="text/plain",
    ),
    # -- single-rule defects added for issue 10 --
    Breakage(
        "latin-only-letters",
        "\\p{L} is every Unicode letter, not ASCII a-z/A-Z",
        verdict=_rules_verdict(pattern_ok=_latin_letters),
    ),
    Breakage(
        "500-on-array-iso",
        "a wrongly typed isoCountryCode (an array) is a 400, never a 5xx",
        crash_on=("isoCountryCode", list),
    ),
    Breakage(
        "missing-iso-defaulted",
        "isoCountryCode is required (no server-side default)",
        verdict=_rules_verdict(
            required=("verificationUUID", "phoneCountryCode", "phoneNumber"),
        ),
    ),
    Breakage(
        "trims-whitespace",
        "surrounding whitespace is refused, not trimmed away before validation",
        verdict=_rules_verdict(prepare=_strip),
    ),
    Breakage(
        "uuid-case-insensitive",
        "verificationUUID is lowercase hex only",
        verdict=_rules_verdict(pattern_ok=_case_insensitive_uuid),
    ),
    Breakage(
        "environment-id-unchecked",
        "the environmentId path parameter follows the UUID pattern",
        verdict=_rules_verdict(skip_fields=frozenset({"environmentId"})),
    ),
    Breakage(
        "utf8-byte-length",
        "maxLength counts code points, not UTF-8 bytes",
        verdict=_rules_verdict(length=_utf8_length),
    ),
    Breakage(
        "captcha-type-unchecked",
        "the optional captchaToken, when present, is a string",
        verdict=_rules_verdict(check_captcha_type=False),
    ),
)
"""The defects the suite must catch (see docs/contract.md for what it cannot catch)."""


def unicode_server(version: str) -> Breakage:
    """A CORRECT server whose regex engine has the letter tables of Unicode `version`."""
    return Breakage(
        f"unicode-{version}",
        "none: older Unicode tables are not a defect",
        verdict=_rules_verdict(pattern_ok=_older_unicode(version)),
    )


def reference_app(breakage: Breakage | None = None) -> Starlette:
    """The operation as documented (lenient: every valid request gets the 200 echo)."""
    defect = breakage or Breakage("none", "none")

    def reply(payload: object, status: int, headers: dict[str, str] | None = None) -> Response:
        if defect.content_type != "application/json":
            return PlainTextResponse(json.dumps(payload), status, headers=headers)
        return JSONResponse(payload, status, headers=headers)

    async def retry(request: Request) -> Response:
        if defect.check_auth and request.headers.get("authorization") != f"Bearer {TOKEN}":
            return reply(
                {"error": "missing or invalid bearer token"}, 401, {"WWW-Authenticate": "Bearer"}
            )
        try:
            body = json.loads(await request.body())
        except ValueError:
            return reply({"error": "body: must be a JSON object"}, 400)
        if defect.crash_on_null and isinstance(body, dict) and None in body.values():
            raise TypeError("NoneType has no len()")
        if defect.crash_on is not None and isinstance(body, dict):
            name, kind = defect.crash_on
            if isinstance(body.get(name), kind):
                raise TypeError(f"{kind.__name__} has no upper()")
        broken = defect.verdict(request.path_params["environmentId"], body)
        if broken:
            status = defect.reject_status(broken)
            payload = {"error": "; ".join(broken)}
            if status == 404:  # NotFound carries a code
                payload["code"] = "not_found"
            return reply(payload, status)
        assert isinstance(body, dict)
        echo = {key: body[key] for key in FIELD_RULES if key in body}
        return reply(defect.echo_transform(echo), 200)

    return Starlette(routes=[Route(PATH, retry, methods=["POST"])])


def main(argv: list[str] | None = None) -> int:
    """Serve one server in the foreground, to time the whole suite against it:

    python -m contract_tests.broken_servers NAME --port 8765   (NAME: reference, unicode-16.0,
    or a BROKEN name); then DYNAMIC_API_TOKEN=broken-server-token pytest contract_tests
    --base-url http://127.0.0.1:8765 --sms-budget 100000 --max-requests 100000 --rate 1e9/min
    """
    import argparse

    import uvicorn

    names = {b.name: b for b in BROKEN} | {"unicode-16.0": unicode_server("16.0")}
    parser = argparse.ArgumentParser(prog="python -m contract_tests.broken_servers")
    parser.add_argument("name", choices=["reference", *names])
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args(argv)
    app = reference_app(names.get(args.name))
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
