"""`python -m bench.bare_app`: the ceiling of the mock's stack, for section 2.

A raw ASGI app served exactly as the mock is (`dynamic_sdk_mock.serve_app`: the mock's
socket, uvicorn settings, httptools and uvloop) that reads the body, parses the JSON and
echoes its members with 201, validating nothing: what any app on this stack pays per
request before doing its own work. It prints its URL like the mock's command does.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import threading

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dynamic_sdk_mock import serve_app

from ._stats import Comparison, compare_async

__all__ = ["app_us_per_request", "bare_app", "main"]

_HEADERS = [(b"content-type", b"application/json")]


async def bare_app(scope: Scope, receive: Receive, send: Send) -> None:
    """Echo the request's JSON members with 201 (a non-object body: `{}`)."""
    if scope["type"] != "http":
        return
    chunks = []
    more = True
    while more:
        message = await receive()
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    data = json.loads(b"".join(chunks) or b"{}")
    echoed = {name: value for name, value in data.items()} if isinstance(data, dict) else {}
    content = json.dumps(echoed, separators=(",", ":")).encode()
    headers = [*_HEADERS, (b"content-length", str(len(content)).encode())]
    await send({"type": "http.response.start", "status": 201, "headers": headers})
    await send({"type": "http.response.body", "body": content})


async def _call_app(app: ASGIApp, scope: Scope, body: bytes) -> None:
    """One request through `app` in process: the scope and body ready, the answer dropped."""
    message = {"type": "http.request", "body": body, "more_body": False}

    async def receive() -> Message:
        return message

    async def send(answer: Message) -> None:
        if answer["type"] == "http.response.start" and answer["status"] != 201:
            raise RuntimeError(f"{answer['status']} in process: not the valid request's answer")

    await app(dict(scope), receive, send)


def app_us_per_request(
    mock: ASGIApp, scope: Scope, body: bytes, *, rounds: int, calls: int
) -> dict[str, float | int]:
    """The mock's app against the bare one, in process (no server, no socket): what the
    mock itself spends per valid request beside what any app on the stack spends."""

    async def compared() -> Comparison:
        return await compare_async(
            lambda: _call_app(mock, scope, body),
            lambda: _call_app(bare_app, scope, body),
            rounds=rounds,
            calls=calls,
        )

    comparison = asyncio.run(compared())
    return {**comparison.as_dict(), "own_us": round(comparison.a_us - comparison.b_us, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.bare_app", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    with serve_app(bare_app, host=args.host, port=args.port) as url:
        print(f"Bare app listening on {url}", flush=True)
        threading.Event().wait()  # until the bench terminates the process


if __name__ == "__main__":
    main()
