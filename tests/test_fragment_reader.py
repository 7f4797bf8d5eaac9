"""The runtime's one fragment reader: JSON pointers, `$ref` chains and whole-document inlining."""

from __future__ import annotations

from typing import Any

import pytest

from dynamic_sdk_runtime.fragment import FragmentError, inline_refs, pointer, resolve

DOCUMENT: dict[str, Any] = {
    "components": {
        "schemas": {
            "a/b": {"type": "string", "maxLength": 4},
            "Alias": {"$ref": "#/components/schemas/a~1b"},
            "Node": {
                "type": "object",
                "properties": {"next": {"$ref": "#/components/schemas/Node"}},
            },
            "Tilde~": {"type": "integer"},
        },
        "list": [{"type": "boolean"}],
    }
}


def test_pointer_unescapes_and_indexes_as_rfc_6901_says() -> None:
    assert pointer(DOCUMENT, "#/components/schemas/a~1b")["maxLength"] == 4
    assert pointer(DOCUMENT, "#/components/schemas/Tilde~0") == {"type": "integer"}
    assert pointer(DOCUMENT, "#/components/list/0") == {"type": "boolean"}


@pytest.mark.parametrize(
    "reference",
    ["#/components/schemas/missing", "#/components/list/1", "#/components/list/x", "other.yaml#/a"],
)
def test_an_unresolvable_pointer_is_a_fragment_error_naming_it(reference: str) -> None:
    with pytest.raises(FragmentError, match="ref"):
        pointer(DOCUMENT, reference)


def test_resolve_follows_a_chain_and_refuses_a_cycle() -> None:
    assert resolve(DOCUMENT, {"$ref": "#/components/schemas/Alias"})["maxLength"] == 4
    looped = {"x": {"$ref": "#/y"}, "y": {"$ref": "#/x"}}
    with pytest.raises(FragmentError, match="cycle"):
        resolve(looped, {"$ref": "#/x"})


def test_inline_refs_copies_targets_lets_siblings_win_and_stays_finite() -> None:
    document = {
        **DOCUMENT,
        "use": {"$ref": "#/components/schemas/Alias", "maxLength": 2},
        "tree": {"$ref": "#/components/schemas/Node"},
    }
    inlined = inline_refs(document)
    assert inlined["use"] == {"type": "string", "maxLength": 2}
    inner = inlined["tree"]["properties"]["next"]
    assert inner == {"$ref": "#/components/schemas/Node"}  # the second time round
    assert document["use"]["$ref"] == "#/components/schemas/Alias"  # the input is untouched
