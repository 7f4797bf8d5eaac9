"""Real ECMA-262 engines as oracles for `dynamic_sdk_runtime.ecma`.

JSON Schema patterns are ECMA-262 regexes, so the only honest check of the Python
translator is a real engine: Node.js (V8, the engine most JSON Schema users run) in
one persistent subprocess fed JSON lines, and `regress` (a Rust ECMA engine) in
process. Strings cross to Node as JSON with every non-ASCII character escaped
(`\\uXXXX`, astral characters as surrogate pairs), which `JSON.parse` turns back
into exactly the same UTF-16 code units, lone surrogates included.
"""

from __future__ import annotations

import atexit
import functools
import json
import shutil
import subprocess
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import regress

__all__ = [
    "NodeUnavailableError",
    "OracleError",
    "code_point_lengths",
    "ecma_verdicts",
    "node_available",
    "node_code_units",
    "node_info",
    "node_matching_ranges",
    "node_syntax_error",
    "regress_verdict",
]

SCRIPT = Path(__file__).with_name("ecma_oracle.mjs")


class NodeUnavailableError(RuntimeError):
    """Node.js is not on PATH; the ECMA-262 oracle cannot run without it."""


class OracleError(RuntimeError):
    """The Node oracle answered with an error (for example a SyntaxError)."""


def node_available() -> bool:
    """Whether a `node` executable is on PATH."""
    return shutil.which("node") is not None


class _NodeProcess:
    """One long-lived `node ecma_oracle.mjs`; requests are serialized by a lock."""

    def __init__(self) -> None:
        node = shutil.which("node")
        if node is None:
            raise NodeUnavailableError(
                "Node.js is required for the ECMA-262 oracle (tests/support/ecma_oracle.mjs): "
                "install Node.js 20.20 or newer and put `node` on PATH"
            )
        self._process = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
            [node, str(SCRIPT)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        self._lock = threading.Lock()

    def request(self, op: str, **fields: Any) -> Any:
        # ensure_ascii (the default) escapes lone surrogates and astral characters.
        line = json.dumps({"op": op, **fields}) + "\n"
        with self._lock:
            stdin, stdout = self._process.stdin, self._process.stdout
            assert stdin is not None
            assert stdout is not None
            stdin.write(line)
            stdin.flush()
            answer = stdout.readline()
        if not answer:
            raise OracleError(f"node exited with code {self._process.poll()}")
        reply = json.loads(answer)
        if not reply["ok"]:
            raise OracleError(reply["error"])
        return reply["result"]

    def close(self) -> None:
        for stream in (self._process.stdin, self._process.stdout):
            if stream is not None:
                stream.close()
        self._process.wait(timeout=10)


_node: _NodeProcess | None = None
_node_lock = threading.Lock()


def _oracle() -> _NodeProcess:
    global _node
    with _node_lock:
        if _node is None:
            _node = _NodeProcess()
            atexit.register(_node.close)
        return _node


def node_info() -> dict[str, str]:
    """Node's version and the Unicode version of its ICU."""
    info: dict[str, str] = _oracle().request("info")
    return info


def ecma_verdicts(pattern: str, values: Sequence[str]) -> list[bool]:
    """`new RegExp(pattern, "u").test(value)` in V8 for each value, in one round trip."""
    verdicts: list[bool] = _oracle().request("test", pattern=pattern, values=list(values))
    return verdicts


def node_syntax_error(pattern: str) -> str | None:
    """V8's SyntaxError message for `new RegExp(pattern, "u")`, or None when it compiles."""
    message: str | None = _oracle().request("compile", pattern=pattern)
    return message


def node_matching_ranges(pattern: str) -> list[tuple[int, int]]:
    """Inclusive runs of code points whose one-character string the pattern matches in V8."""
    ranges: list[list[int]] = _oracle().request("ranges", pattern=pattern)
    return [(low, high) for low, high in ranges]


def code_point_lengths(values: Sequence[str]) -> list[int]:
    """`[...value].length` in V8: the length JSON Schema's maxLength counts."""
    lengths: list[int] = _oracle().request("code_point_lengths", values=list(values))
    return lengths


def node_code_units(values: Sequence[str]) -> list[list[int]]:
    """The UTF-16 code units each value has once it has arrived in JavaScript."""
    units: list[list[int]] = _oracle().request("code_units", values=list(values))
    return units


def _as_code_points(value: str) -> str:
    """Join surrogate pairs left in a str: a JavaScript string holding them is one code point."""
    return value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


def regress_verdict(pattern: str, value: str) -> bool:
    """The verdict of `regress` (Rust ECMA-262 engine, /u) on `value`.

    regress reads UTF-8, so it cannot see a lone surrogate: a pattern or value holding one
    (as a character, not an escape) raises ValueError
    and only Node can judge it.
    """
    joined_pattern, joined_value = _as_code_points(pattern), _as_code_points(value)
    if any(0xD800 <= ord(char) <= 0xDFFF for char in joined_pattern + joined_value):
        raise ValueError("regress cannot represent lone surrogates; use ecma_verdicts")
    return _regress(joined_pattern).find(joined_value) is not None


@functools.cache
def _regress(pattern: str) -> regress.Regex:
    return regress.Regex(pattern, "u")
