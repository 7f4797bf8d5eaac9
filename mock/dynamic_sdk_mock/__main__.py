"""`python -m dynamic_sdk_mock`: serve the mock on loopback until interrupted."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import socket
import sys
from collections.abc import Sequence

import uvicorn

from ._app import create_app
from ._config import DEFAULT_TOKEN, MockConfig
from ._fragment import FragmentError
from ._server import bind_socket, url_of, uvicorn_config

TOKEN_VARIABLE = "DYNAMIC_MOCK_TOKEN"  # noqa: S105 - the variable's name, not a token


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m dynamic_sdk_mock",
        description="Serve the embedded mock of retrySmsVerification (see docs/mock.md).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default loopback)")
    parser.add_argument("--port", type=int, default=0, help="port; 0 picks a free one")
    parser.add_argument(
        "--token",
        default=None,
        help=f"bearer token to accept (default ${TOKEN_VARIABLE}, else {DEFAULT_TOKEN!r}); "
        "prefer the variable: command lines are visible to other users",
    )
    parser.add_argument("--no-auth", action="store_true", help="accept requests without a token")
    parser.add_argument(
        "--lenient", action="store_true", help="answer every valid request with its echo"
    )
    parser.add_argument(
        "--success-status",
        type=int,
        default=None,
        help="status of a successful answer; one the fragment documents "
        "(default: the operation's first documented 2xx)",
    )
    parser.add_argument("--max-retries", type=int, default=3, help="retries per verification")
    parser.add_argument("--cooldown", type=float, default=30.0, help="seconds between retries")
    parser.add_argument("--max-body-bytes", type=int, default=65536, help="larger bodies: 413")
    parser.add_argument(
        "--rate-limit",
        type=int,
        default=None,
        help="operation requests per client IP per --rate-window seconds, then 429 (default off)",
    )
    parser.add_argument("--rate-window", type=float, default=60.0, help="rate-limit window (s)")
    parser.add_argument(
        "--seed-example",
        action="store_true",
        help="put the fragment's example verification on file at start-up",
    )
    parser.add_argument("--fragment", default=None, help="OpenAPI fragment (default: bundled)")
    parser.add_argument("--log-level", default="info", choices=["debug", "info", "warning"])
    return parser.parse_args(argv)


async def _serve(server: uvicorn.Server, sock_url: str, sockets: list[socket.socket]) -> None:
    task = asyncio.create_task(server.serve(sockets=sockets))
    while not server.started and not task.done():
        await asyncio.sleep(0.01)
    if server.started:
        print(f"Mock listening on {sock_url}", flush=True)
    await task


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    token = args.token or os.environ.get(TOKEN_VARIABLE) or DEFAULT_TOKEN
    try:
        config = MockConfig(
            token=token,
            require_auth=not args.no_auth,
            lenient=args.lenient,
            success_status=args.success_status,
            max_retries=args.max_retries,
            cooldown_seconds=args.cooldown,
            max_body_bytes=args.max_body_bytes,
            rate_limit=args.rate_limit,
            rate_window_seconds=args.rate_window,
            fragment=args.fragment,
        )
        app = create_app(config)
        if args.seed_example:
            app.mock.seed_example()
        sock = bind_socket(args.host, args.port)
    except (ValueError, FragmentError, OSError) as error:
        print(f"dynamic_sdk_mock: {error}", file=sys.stderr)
        return 2
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(name)s %(message)s")
    server = uvicorn.Server(uvicorn_config(app, log_level=args.log_level))
    try:
        asyncio.run(_serve(server, url_of(sock), [sock]))
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
