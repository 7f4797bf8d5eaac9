"""Compare what the vendor publishes about the fragment's operations with a fingerprint.

    python -m specwatch.vendor_watch [--package-dir DIR] [--version V] [--openapi FILE]
                                     [--fingerprint PATH] [--update]

Sources: the npm package `@dynamic-labs/sdk-api-core` (registry metadata and tarball,
fetched with the `npm` client so the configured registry is used; `--package-dir` reads
an unpacked package instead) and, with `--openapi FILE`, the vendor's full OpenAPI
document. The operations tracked are those of the fragment (`--fragment`, read with the
operation model): for each operationId, the SDK's `<operationId>Raw` method and the
document's operation with that id. Each source is reduced to the same normalised facts
per operation (method and path, whether the SDK sends Authorization, field names, types
and required flags, the success status where the source names one) plus the SMS-related
422 codes, and compared with its section of `specwatch/fingerprint.json`. Nothing from
the vendor is kept except those facts.

Exit codes: 0 unchanged (or --update written), 1 the vendor changed (a diff and the
fragment lines to review are printed), 2 usage error or unreadable input, 3 the registry
could not be reached (no network, npm missing or failing): nothing was compared.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from dynamic_sdk_runtime.fragment import (
    Fragment,
    FragmentError,
    Operation,
    find_operation,
    inline_refs,
)
from specwatch import FRAGMENT_PATH
from specwatch.spec import SpecError, load_file, model

# Vendor facts: the npm package, and the name of its enum of 422 error codes.
PACKAGE = "@dynamic-labs/sdk-api-core"
ERROR_CODE_MODEL = "UnprocessableEntityErrorCode"
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FINGERPRINT = ROOT / "specwatch" / "fingerprint.json"
DEFAULT_FRAGMENT = ROOT / FRAGMENT_PATH
NPM_ENV = "SPECWATCH_NPM"  # the npm executable; tests point it at a stand-in
NPM_TIMEOUT = 180.0

EXIT_SAME, EXIT_CHANGED, EXIT_USAGE, EXIT_UNREACHABLE = 0, 1, 2, 3
NETWORK_CODES = frozenset(
    {
        "ENOTFOUND",
        "EAI_AGAIN",
        "ECONNREFUSED",
        "ECONNRESET",
        "ETIMEDOUT",
        "ENETUNREACH",
        "EHOSTUNREACH",
        "ESOCKETTIMEDOUT",
        "ERR_SOCKET_TIMEOUT",
        "EPROTO",
        "CERT_HAS_EXPIRED",
        "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
        "SELF_SIGNED_CERT_IN_CHAIN",
    }
)


class Unreachable(Exception):
    """The registry could not be read: nothing about the vendor is known."""


class Gone(Exception):
    """The registry answered that the package or version does not exist (a vendor change)."""


class BadInput(Exception):
    """A local package directory or document cannot be read."""


# --- npm -------------------------------------------------------------------------------


def _npm(*args: str, cwd: Path) -> Any:
    """Run the npm client with --json; classify its failures as Unreachable or Gone."""
    binary = os.environ.get(NPM_ENV, "npm")
    try:
        result = subprocess.run(  # noqa: S603 - fixed argv, npm chosen by the operator
            [binary, *args, "--json"],
            cwd=cwd,
            capture_output=True,
            text=True,
            check=False,
            timeout=NPM_TIMEOUT,
        )
    except FileNotFoundError as error:
        raise Unreachable(f"the npm client ({binary}) is not installed") from error
    except subprocess.TimeoutExpired as error:
        raise Unreachable(f"npm {args[0]} gave no answer in {NPM_TIMEOUT:.0f} s") from error
    try:
        answer: Any = json.loads(result.stdout) if result.stdout.strip() else None
    except json.JSONDecodeError:
        answer = None
    if result.returncode == 0 and answer is not None:
        return answer
    failure: dict[str, Any] = answer.get("error", {}) if isinstance(answer, dict) else {}
    code = str(failure.get("code") or "")
    if not code:
        found = re.search(r"npm (?:ERR!|error) code (\S+)", result.stderr)
        code = found.group(1) if found else ""
    last_line = (result.stderr.strip().splitlines() or [""])[-1]
    summary = str(failure.get("summary") or last_line)
    if code in ("E404", "ETARGET"):
        raise Gone(f"npm {args[0]}: {code} {summary}")
    if code in NETWORK_CODES or "network" in result.stderr.lower():
        raise Unreachable(f"npm {args[0]} could not reach the registry: {code} {summary}")
    raise Unreachable(f"npm {args[0]} failed ({code or f'exit {result.returncode}'}): {summary}")


def fetch_package(version: str | None, workdir: Path) -> tuple[Path, dict[str, Any]]:
    """Registry metadata, then the tarball of `version` (default: the latest tag), unpacked."""
    metadata = _npm("view", PACKAGE, cwd=workdir)
    if not isinstance(metadata, dict):
        raise Unreachable("npm view returned no package metadata")
    wanted = version or str((metadata.get("dist-tags") or {}).get("latest") or "")
    if not wanted:
        raise Gone(f"{PACKAGE} has no latest version")
    packed = _npm("pack", f"{PACKAGE}@{wanted}", "--pack-destination", str(workdir), cwd=workdir)
    filename = packed[0].get("filename") if isinstance(packed, list) and packed else None
    if not isinstance(filename, str) or not (workdir / filename).is_file():
        raise Unreachable("npm pack did not produce a tarball")
    target = workdir / "unpacked"
    with tarfile.open(workdir / filename) as archive:
        archive.extractall(target, filter="data")
    root = target / "package" if (target / "package").is_dir() else target
    info = {
        "version": wanted,
        "latest": (metadata.get("dist-tags") or {}).get("latest"),
        "published": (metadata.get("time") or {}).get(wanted),
        "versions": len(metadata.get("versions") or []),
    }
    return root, info


# --- reading the package ----------------------------------------------------------------


def _find(root: Path, folder: str, name: str, suffixes: Sequence[str]) -> Path | None:
    """The first `<folder>/<name><suffix>` under root, by suffix preference."""
    for suffix in suffixes:
        for candidate in sorted(root.rglob(f"{folder}/{name}{suffix}")):
            if "node_modules" not in candidate.parts:
                return candidate
    return None


def _method_body(source: str, name: str) -> str | None:
    """The text of `async <name>(...) { ... }` up to the next method or doc comment."""
    start = re.search(rf"^[ \t]*(?:async\s+)?{name}\s*\(", source, re.M)
    if start is None:
        return None
    rest = source[start.end() :]
    end = re.search(r"\n\s*(?:/\*\*|async\s+\w+\s*\()", rest)
    return rest[: end.start()] if end else rest


TS_TYPES = {"string": "string", "number": "number", "boolean": "boolean", "Date": "string"}


def _ts_type(raw: str, models: Path | None) -> str:
    """A TypeScript type as a JSON type: enums are strings, interfaces objects."""
    text = raw.strip()
    text = re.sub(r"\s*\|\s*(?:null|undefined)\b", "", text)
    if text in TS_TYPES:
        return TS_TYPES[text]
    if text.startswith(("Array<", "ReadonlyArray<")) or text.endswith("[]"):
        return "array"
    if text.startswith("{") or text in ("object", "any", "unknown"):
        return "object"
    if models is not None and re.fullmatch(r"\w+", text):
        for suffix in (".d.ts", ".ts"):
            model = models / f"{text}{suffix}"
            if model.is_file():
                body = model.read_text(encoding="utf-8")
                return (
                    "string"
                    if re.search(rf"\benum\s+{text}\b|const\s+{text}\s*=", body)
                    else "object"
                )
    return text


def _interface(path: Path, name: str) -> dict[str, dict[str, Any]]:
    """`name?: type;` members of `export interface name { ... }`, normalised."""
    source = path.read_text(encoding="utf-8")
    block = re.search(rf"export\s+interface\s+{name}\s*\{{(.*?)\n\}}", source, re.S)
    if block is None:
        raise BadInput(f"{path}: no interface {name}")
    fields: dict[str, dict[str, Any]] = {}
    for match in re.finditer(
        r"^\s*(?:readonly\s+)?['\"]?([\w$-]+)['\"]?(\??):\s*(.+?);\s*$", block.group(1), re.M
    ):
        fields[match.group(1)] = {
            "type": _ts_type(match.group(3), path.parent),
            "required": match.group(2) != "?",
        }
    return dict(sorted(fields.items()))


def _enum_values(path: Path) -> list[str]:
    """String values of a TypeScript enum or `as const` object."""
    source = path.read_text(encoding="utf-8")
    return re.findall(r"^\s*\w+\s*[:=]\s*['\"]([^'\"]+)['\"]", source, re.M)


def sms_codes(values: Sequence[str], tracked: Sequence[str]) -> list[str]:
    """The 422 codes that concern the operations: the tracked ones present, plus any `sms` one."""
    return sorted({value for value in values if value in tracked or "sms" in value})


def package_facts(
    root: Path, operation_ids: Sequence[str], tracked: Sequence[str]
) -> dict[str, Any]:
    """The normalised facts an unpacked sdk-api-core package states about each operation."""
    api = _find(root, "apis", "SDKApi", (".ts", ".js", ".cjs", ".mjs"))
    api = None if api is not None and api.name.endswith(".d.ts") else api
    if api is None:
        raise BadInput(f"{root}: no apis/SDKApi.ts or .js (is this the sdk-api-core package?)")
    source = api.read_text(encoding="utf-8")
    codes = _find(root, "models", ERROR_CODE_MODEL, (".d.ts", ".ts"))
    return {
        "operations": {name: _sdk_operation(root, source, name) for name in operation_ids},
        "sms_error_codes": sms_codes(_enum_values(codes), tracked) if codes else None,
    }


def _sdk_operation(root: Path, source: str, operation_id: str) -> dict[str, Any]:
    """The facts of the SDK method generated for one operationId (`<operationId>Raw`)."""
    body = _method_body(source, f"{operation_id}Raw")
    if body is None:
        return {"operation": "absent"}
    # Newer typescript-fetch builds the request in a separate `...RequestOpts` method.
    body += _method_body(source, f"{operation_id}RequestOpts") or ""
    method = re.search(r"\bmethod:\s*['\"](\w+)['\"]", body)
    path = re.search(r"\bpath:\s*[`'\"]([^`'\"]+)[`'\"]", body)
    request = re.search(r"\b(\w+)ToJSON\s*\(", body)
    response = re.search(r"\b(\w+)FromJSON\s*\(", body)
    authorization = re.search(
        r"['\"]Authorization['\"]|\baccessToken\b|\bapiKey\s*\(|\busername\b", body
    )
    facts: dict[str, Any] = {
        "method": method.group(1).upper() if method else None,
        "path": path.group(1) if path else None,
        "path_params": sorted(set(re.findall(r"\{(\w+)\}", path.group(1)))) if path else [],
        "sends_authorization": authorization is not None,
        # typescript-fetch accepts any 2xx and never names the code.
        "success_status": None,
    }
    for key, match in (("request", request), ("response", response)):
        name = match.group(1) if match else None
        if name is None:
            facts[key] = None
            continue
        file = _find(root, "models", name, (".d.ts", ".ts"))
        if file is None:
            raise BadInput(f"{root}: models/{name}.d.ts is missing")
        facts[key] = {"model": name, "fields": _interface(file, name)}
    return facts


# --- reading an OpenAPI document ---------------------------------------------------------


def _ref_name(node: Any) -> str | None:
    ref = node.get("$ref") if isinstance(node, dict) else None
    return ref.rsplit("/", 1)[-1] if isinstance(ref, str) else None


def _json_schema_fields(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    required = set(schema.get("required") or [])
    fields: dict[str, dict[str, Any]] = {}
    for name, prop in (schema.get("properties") or {}).items():
        kind = prop.get("type") if isinstance(prop, dict) else None
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), None)
        if kind is None and isinstance(prop, dict) and ("enum" in prop):
            kind = "string"
        fact: dict[str, Any] = {"type": "number" if kind == "integer" else kind or "object"}
        fact["required"] = name in required
        # The document carries the constraints the npm SDK drops: record them where present.
        for keyword in ("minLength", "maxLength", "pattern"):
            if isinstance(prop, dict) and keyword in prop:
                fact[keyword] = prop[keyword]
        fields[str(name)] = fact
    return dict(sorted(fields.items()))


def _body_schema(node: Any) -> Any:
    content: dict[str, Any] = (node or {}).get("content") or {}
    media: Any = content.get("application/json") or next(iter(content.values()), {})
    return (media or {}).get("schema")


def openapi_facts(
    document: dict[str, Any], operation_ids: Sequence[str], tracked: Sequence[str]
) -> dict[str, Any]:
    """The same normalised facts, read from a full vendor OpenAPI document."""
    try:
        resolved = inline_refs(document)
    except FragmentError as error:
        raise BadInput(f"vendor document: {error}") from error
    operations: dict[str, Any] = {}
    codes: list[str] | None = None
    for name in operation_ids:
        try:
            _, _, raw = find_operation(document, name)
            method, path, operation = find_operation(resolved, name)
        except FragmentError:
            operations[name] = {"operation": "absent"}
            continue
        operations[name] = _document_operation(document, raw, method, path, operation)
        unprocessable = _body_schema((operation.get("responses") or {}).get("422"))
        code = ((unprocessable or {}).get("properties") or {}).get("code") or {}
        if code:
            codes = sorted({*(codes or []), *sms_codes(code.get("enum") or [], tracked)})
    return {"operations": operations, "sms_error_codes": codes}


def _document_operation(
    document: dict[str, Any],
    raw: Mapping[str, Any],
    method: str,
    path: str,
    operation: Mapping[str, Any],
) -> dict[str, Any]:
    """The facts of one operation of the vendor's document (`raw`: before `$ref`s resolve)."""
    security = operation.get("security", document.get("security"))
    responses = {str(status): value for status, value in (operation.get("responses") or {}).items()}
    raw_responses = {str(s): v for s, v in (raw.get("responses") or {}).items()}
    success = sorted(status for status in responses if status.startswith("2"))
    facts: dict[str, Any] = {
        "method": method.upper(),
        "path": path,
        "path_params": sorted(
            str(p.get("name")) for p in operation.get("parameters") or [] if p.get("in") == "path"
        ),
        "sends_authorization": bool(security),
        "success_status": int(success[0])
        if len(success) == 1 and success[0].isdigit()
        else success,
        "responses": sorted(responses),
    }
    request_raw = _body_schema(raw.get("requestBody"))
    request = _body_schema(operation.get("requestBody"))
    facts["request"] = (
        {"model": _ref_name(request_raw), "fields": _json_schema_fields(request)}
        if isinstance(request, dict)
        else None
    )
    ok_raw = _body_schema(raw_responses.get(success[0])) if success else None
    ok = _body_schema(responses.get(success[0])) if success else None
    facts["response"] = (
        {"model": _ref_name(ok_raw), "fields": _json_schema_fields(ok)}
        if isinstance(ok, dict)
        else None
    )
    return facts


# --- comparing --------------------------------------------------------------------------


def compare(expected: Any, observed: Any, where: str = "") -> Iterator[tuple[str, str]]:
    """(location, readable difference) for every fact that differs."""
    if isinstance(expected, dict) and isinstance(observed, dict):
        for key in sorted(set(expected) | set(observed), key=str):
            place = f"{where}.{key}" if where else str(key)
            if key not in observed:
                yield place, f"gone (was {json.dumps(expected[key])})"
            elif key not in expected:
                yield place, f"new: {json.dumps(observed[key])}"
            else:
                yield from compare(expected[key], observed[key], place)
    elif isinstance(expected, list) and isinstance(observed, list):
        gone = [item for item in expected if item not in observed]
        new = [item for item in observed if item not in expected]
        if gone or new:
            parts = [
                f"removed {json.dumps(gone)}" if gone else "",
                f"added {json.dumps(new)}" if new else "",
            ]
            yield where, "; ".join(part for part in parts if part)
    elif expected != observed:
        yield where, f"{json.dumps(expected)} -> {json.dumps(observed)}"


def _terms(location: str, detail: str, fragment: Fragment) -> list[str]:
    """Words to look for in the fragment for one difference (`<source>.operations.<id>...`)."""
    parts = location.split(".")
    named = parts[parts.index("operations") + 1] if "operations" in parts[:-1] else None
    operations = [op for op in fragment.operations if named in (None, op.operation_id)]
    if "sends_authorization" in parts:
        schemes = [name for op in operations for name in op.security]
        return ["security:", "x-vendor-sdk-security", "x-auth-discrepancy", *schemes]
    if "success_status" in parts or "responses" in parts:
        return ["responses:", *(f"'{code}'" for code in re.findall(r"\b[1-5]\d\d\b", detail))]
    if "sms_error_codes" in parts:
        return [ERROR_CODE_MODEL, *re.findall(r'"([a-z_]+)"', detail)]
    if "fields" in parts and named is not None:
        after = parts[parts.index("fields") + 1 :]
        models = [_component(op, "request" in parts) for op in operations]
        return [f"{name}:" for name in [*models, *after[:1]] if name]
    if named in (None, parts[-1]) or {"path", "method", "path_params", "operation"} & set(parts):
        return [
            term for op in operations for term in (f"{op.path}:", f"operationId: {op.operation_id}")
        ]
    return [parts[-1]]


def _component(operation: Operation, request: bool) -> str | None:
    """The component schema of the request body, or of the first success response's body."""
    if request:
        return operation.body.component if operation.body is not None else None
    ok = operation.response_for(operation.successes[0]) if operation.successes else None
    return ok.schema.component if ok is not None and ok.schema is not None else None


def review_lines(
    path: Path, fragment: Fragment, differences: Sequence[tuple[str, str]]
) -> list[str]:
    """`file:line: text` for the lines of the fragment at `path` that mention what changed."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return [f"(fragment {path} not readable)"]
    terms = [term for loc, detail in differences for term in _terms(loc, detail, fragment)]
    hits: dict[int, str] = {}
    for term in dict.fromkeys(terms):
        for number, text in enumerate(lines, start=1):
            if term in text:
                hits.setdefault(number, text.rstrip())
    resolved = path.resolve()
    shown = resolved.relative_to(ROOT) if resolved.is_relative_to(ROOT) else path
    return [f"{shown}:{number}: {hits[number].strip()}" for number in sorted(hits)]


def _load_fingerprint(path: Path) -> dict[str, Any]:
    try:
        loaded: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise BadInput(f"fingerprint {path}: {error}") from error
    if not isinstance(loaded, dict):
        raise BadInput(f"fingerprint {path}: not an object")
    return loaded


def _tracked(fingerprint: dict[str, Any], fragment: Fragment) -> list[str]:
    """Codes to follow: those the fingerprint holds and those the fragment documents."""
    codes = [
        str(c) for c in (fingerprint.get("npm") or {}).get("facts", {}).get("sms_error_codes") or []
    ]
    documented = fragment.schemas.get(ERROR_CODE_MODEL)
    return list(dict.fromkeys([*codes, *map(str, documented.enum or () if documented else ())]))


def main(argv: Sequence[str] | None = None) -> int:
    """Read the sources, compare or update; see the module docstring for exit codes."""
    parser = argparse.ArgumentParser(
        prog="python -m specwatch.vendor_watch", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--package-dir", type=Path, metavar="DIR", help="an unpacked sdk-api-core package (no npm)"
    )
    parser.add_argument(
        "--version", metavar="V", help="npm version to fetch (default: the latest tag)"
    )
    parser.add_argument(
        "--openapi", type=Path, metavar="FILE", help="also check a full vendor OpenAPI document"
    )
    parser.add_argument("--fingerprint", type=Path, default=DEFAULT_FINGERPRINT, metavar="PATH")
    parser.add_argument(
        "--fragment",
        type=Path,
        default=DEFAULT_FRAGMENT,
        metavar="PATH",
        help="the fragment whose operations are tracked (and where to point reviewers)",
    )
    parser.add_argument(
        "--update", action="store_true", help="rewrite the fingerprint from what was read"
    )
    args = parser.parse_args(argv)
    if args.package_dir is not None and args.version is not None:
        parser.error("--version selects what npm fetches; it cannot be used with --package-dir")

    try:
        fingerprint = _load_fingerprint(args.fingerprint) if args.fingerprint.exists() else {}
        if not fingerprint and not args.update:
            raise BadInput(f"no fingerprint at {args.fingerprint} (create it with --update)")
        fragment = model(load_file(args.fragment), str(args.fragment))
        operation_ids = [operation.operation_id for operation in fragment.operations]
        tracked = _tracked(fingerprint, fragment)
        observed: dict[str, dict[str, Any]] = {}
        with tempfile.TemporaryDirectory(prefix="vendor-watch-") as scratch:
            if args.package_dir is not None:
                if not args.package_dir.is_dir():
                    raise BadInput(f"no directory {args.package_dir}")
                root, info = args.package_dir, _local_info(args.package_dir)
            else:
                root, info = fetch_package(args.version, Path(scratch))
            observed["npm"] = {
                "package": PACKAGE,
                "checked_version": info.get("version"),
                "facts": package_facts(root, operation_ids, tracked),
            }
            latest, count = info.get("latest"), info.get("versions")
            print(f"npm: {PACKAGE} {info.get('version')} (latest {latest}, {count} versions)")
        if args.openapi is not None:
            document = load_file(args.openapi)
            about = document.get("info") or {}
            title = f"{about.get('title')} {about.get('version')}"
            facts = openapi_facts(document, operation_ids, tracked)
            observed["openapi"] = {"document": title, "facts": facts}
            print(f"openapi: {args.openapi} ({title})")
    except Unreachable as error:
        print(f"NO NETWORK / REGISTRY UNREACHABLE: {error}. Nothing was compared.", file=sys.stderr)
        return EXIT_UNREACHABLE
    except Gone as error:
        print(f"VENDOR CHANGE: the registry no longer has what we read: {error}")
        print("\nFragment lines to review:")
        for line in review_lines(args.fragment, fragment, [("operation", "")]):
            print(f"  {line}")
        return EXIT_CHANGED
    except (BadInput, SpecError, OSError, tarfile.TarError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE

    if args.update:
        merged = {**fingerprint, **observed}
        args.fingerprint.write_text(
            json.dumps(merged, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        print(f"fingerprint written: {args.fingerprint} ({', '.join(observed)})")
        return EXIT_SAME

    differences: list[tuple[str, str]] = []
    for source, section in observed.items():
        expected = (fingerprint.get(source) or {}).get("facts")
        if expected is None:
            differences.append(
                (source, "no fingerprint section for this source (run with --update)")
            )
            continue
        differences += [
            (f"{source}.{loc}", text) for loc, text in compare(expected, section["facts"])
        ]
        was = (fingerprint.get(source) or {}).get("checked_version")
        now = section.get("checked_version")
        if source == "npm" and was and now and was != now:
            print(f"npm: the fingerprint was taken from {was}; compared with {now}")
    if not differences:
        print(f"unchanged: the vendor's {', '.join(observed)} facts match {args.fingerprint.name}")
        return EXIT_SAME
    print("\nVENDOR CHANGE: what the vendor publishes no longer matches the fingerprint.\n")
    for location, text in differences:
        print(f"  {location}: {text}")
    print("\nFragment lines to review:")
    for line in review_lines(args.fragment, fragment, differences):
        print(f"  {line}")
    print("\nOnce the fragment is updated (or the change accepted), refresh with --update.")
    return EXIT_CHANGED


def _local_info(root: Path) -> dict[str, Any]:
    try:
        meta = json.loads((root / "package.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        meta = {}
    return {"version": meta.get("version"), "latest": "not asked", "versions": "local"}


if __name__ == "__main__":
    sys.exit(main())
