"""The copied templates' edits of upstream text (overrides/templates/dynamic_sdk_macros.jinja)
hold on the installed openapi-python-client and fail the generation loudly when upstream
rewords what they edit, instead of silently leaving upstream's text in place."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import jinja2
import pytest
from openapi_python_client import TEMPLATE_FILTERS
from openapi_python_client.strings import PythonCode

OVERRIDES = Path(__file__).resolve().parent.parent / "overrides" / "templates"
UPSTREAM = str(files("openapi_python_client") / "templates")


def _macros(replacements: dict[str, str] | None = None) -> Any:
    """Our macro module, importing upstream's macros (with `replacements` as edited copies)."""
    loaders: list[jinja2.BaseLoader] = []
    if replacements:
        loaders.append(jinja2.DictLoader(replacements))
    loaders += [jinja2.FileSystemLoader(str(OVERRIDES)), jinja2.FileSystemLoader(UPSTREAM)]
    env = jinja2.Environment(  # noqa: S701 - Python source, as the generator renders it
        loader=jinja2.ChoiceLoader(loaders), trim_blocks=True, lstrip_blocks=True
    )
    env.filters.update(TEMPLATE_FILTERS)  # the generator's own filters
    return env.get_template("dynamic_sdk_macros.jinja").module


def _upstream_macros_with(old: str, new: str) -> dict[str, str]:
    source = (Path(UPSTREAM) / "endpoint_macros.py.jinja").read_text(encoding="utf-8")
    assert old in source
    return {"endpoint_macros.py.jinja": source.replace(old, new)}


class _Parameter(SimpleNamespace):
    def to_string(self) -> PythonCode:
        return PythonCode(f"{self.python_name}: str")

    def to_docstring(self) -> str:
        return f"{self.python_name} (str):"


PATH_PARAMETERS = [_Parameter(python_name="environment_id", name="environmentId")]
ENDPOINT = SimpleNamespace(
    summary="Resend SMS verification code",
    description="",
    path_parameters=PATH_PARAMETERS,
    query_parameters=[],
    header_parameters=[],
    cookie_parameters=[],
    bodies=[],
    requires_security=True,
    list_all_parameters=lambda: PATH_PARAMETERS,
)


def test_the_docstring_has_this_clients_raises_section_and_not_upstreams() -> None:
    text = str(_macros().docstring(ENDPOINT, "Thing", True))
    assert "errors.APIConnectionError" in text
    assert "UnexpectedStatus" not in text
    assert "httpx.TimeoutException" not in text
    assert text.index("Args:") < text.index("Raises:") < text.index("Returns:")
    assert "Response[Thing]" in text


def test_the_plain_client_is_accepted_and_the_call_options_follow() -> None:
    text = str(_macros().call_arguments(ENDPOINT))
    assert "client: AuthenticatedClient | Client," in text
    assert text.rstrip().endswith("retry_policy: RetryPolicy | None = None,")


@pytest.mark.parametrize(
    ("macro", "old", "new"),
    [
        ("docstring", "Raises:\n", "Errors:\n"),
        ("docstring", "Returns:\n", "Gives:\n"),
        ("call_arguments", "client: AuthenticatedClient,", "client: AuthClient,"),
    ],
)
def test_reworded_upstream_text_fails_the_generation(macro: str, old: str, new: str) -> None:
    macros = _macros(_upstream_macros_with(old, new))
    arguments = (ENDPOINT, "Thing", True) if macro == "docstring" else (ENDPOINT,)
    with pytest.raises(jinja2.UndefinedError, match="upstream_text_changed"):
        getattr(macros, macro)(*arguments)
