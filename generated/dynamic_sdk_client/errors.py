"""Every exception the client raises, one tree under DynamicSdkError.

Defined in `dynamic_sdk_runtime.exceptions` (its docstring draws the tree, its `__all__`
lists it); this is their public home in the client package. The generator's
`UnexpectedStatus` is gone: every non-2xx status raises an `APIStatusError`.
"""

from dynamic_sdk_runtime.exceptions import *  # noqa: F403 - the tree, as the runtime lists it
from dynamic_sdk_runtime.exceptions import __all__ as __all__
