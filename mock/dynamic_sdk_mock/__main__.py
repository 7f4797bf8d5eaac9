"""`python -m dynamic_sdk_mock`: serve the mock on loopback until interrupted."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import logging
import os
import socket
import sys
from collections.abc import Sequence
from pathlib import Path

import uvicorn

from ._app import create_app
from ._config import DEFAULT_TOKEN, MockConfig
from ._fragment import FragmentError
from ._server import bind_socket, url_of, uvicorn_config

README = Path(__file__).with_name("README.md")
TOKEN_VARIABLE = "DYNAMIC_MOCK_TOKEN"  # noqa: S105 - the variable's name, not a token


_DEFAULTS = MockConfig()  # the one home of every default; the options below only name them


# Numeric options: (option, MockConfig field, type, help).
_NUMBERS: tuple[tuple[str, str, type[int] | type[float], str], ...] = (
    ("--max-retries", "max_retries", int, "retries per verification"),
    ("--cooldown", "cooldown_seconds", float, "seconds between retries"),
    ("--max-body-bytes", "max_body_bytes", int, "larger bodies: 413"),
    (
        "--rate-limit",
        "rate_limit",
        int,
        "requests per client IP per --rate-window, then 429; None: off",
    ),
    ("--rate-window", "rate_window_seconds", float, "rate-limit window in seconds"),
)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Options named like MockConfig's fields (`dest`); an option not given keeps its default."""
    parser = argparse.ArgumentParser(
        prog="python -m dynamic_sdk_mock",
        description="Serve the embedded mock of the fragment's operations on loopback.",
        epilog="Faults, state and the assumptions behind each status: --readme prints the "
        "package's README (shipped with it).",
    )
    parser.add_argument("--readme", action="store_true", help="print the README and exit")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default loopback)")
    parser.add_argument("--port", type=int, default=0, help="port; 0 picks a free one")
    parser.add_argument(
        "--token",
        default=None,
        help=f"bearer token to accept (default ${TOKEN_VARIABLE}, else {DEFAULT_TOKEN!r}); "
        "prefer the variable: command lines are visible to other users",
    )
    config = parser.add_argument_group("mock behaviour (defaults: MockConfig's)")
    config.set_defaults(require_auth=_DEFAULTS.require_auth)
    config.add_argument(
        "--no-auth",
        dest="require_auth",
        action="store_false",
        help="accept requests without a token",
    )
    config.add_argument(
        "--lenient",
        action="store_true",
        default=_DEFAULTS.lenient,
        help="answer every valid request with its echo",
    )
    config.add_argument(
        "--success-status",
        type=int,
        default=_DEFAULTS.success_status,
        help="status of a successful answer; one the fragment documents "
        "(default: the operation's first documented 2xx)",
    )
    for option, name, kind, text in _NUMBERS:
        config.add_argument(
            option,
            dest=name,
            metavar=name.upper(),
            type=kind,
            default=getattr(_DEFAULTS, name),
            help=f"{text} (default %(default)s)",
        )
    config.add_argument(
        "--fragment",
        default=_DEFAULTS.fragment,
        help="OpenAPI fragment (default: bundled)",
    )
    parser.add_argument(
        "--seed-example",
        action="store_true",
        help="put the fragment's example verification on file at start-up",
    )
    parser.add_argument("--log-level", default="info", choices=["debug", "info", "warning"])
    return parser.parse_args(argv)


_CONFIG_FIELDS = frozenset(field.name for field in dataclasses.fields(MockConfig)) - {"token"}


def config_from(args: argparse.Namespace) -> MockConfig:
    """The MockConfig the command line asks for (the token: option, variable, default)."""
    token = args.token or os.environ.get(TOKEN_VARIABLE) or DEFAULT_TOKEN
    given = {name: value for name, value in vars(args).items() if name in _CONFIG_FIELDS}
    return MockConfig(token=token, **given)


async def _serve(server: uvicorn.Server, sock_url: str, sockets: list[socket.socket]) -> None:
    task = asyncio.create_task(server.serve(sockets=sockets))
    while not server.started and not task.done():
        await asyncio.sleep(0.01)
    if server.started:
        print(f"Mock listening on {sock_url}", flush=True)
    await task


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.readme:
        print(README.read_text(encoding="utf-8"), end="")
        return 0
    try:
        config = config_from(args)
        app = create_app(config)
        if args.seed_example:
            app.mock.seed_example()
        sock = bind_socket(args.host, args.port)
    except (ValueError, FragmentError, OSError) as error:
        print(f"dynamic_sdk_mock: {error}", file=sys.stderr)
        return 2
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(name)s %(message)s")
    server = uvicorn.Server(uvicorn_config(app, log_level=args.log_level))
    # uvicorn's own loop choice (uvloop where installed), as `Server.run` makes it: a bare
    # asyncio.run would serve on the stdlib loop (issue 30: its timer heap alone cost 20 %)
    loop_factory = server.config.get_loop_factory()
    try:
        with asyncio.Runner(loop_factory=loop_factory) as runner:
            runner.run(_serve(server, url_of(sock), [sock]))
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
