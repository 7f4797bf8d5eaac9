"""A client library for accessing Dynamic SDK API - retrySmsVerification (hand-kept fragment)"""

from dynamic_sdk_runtime.retry import RetryPolicy

from .client import AuthenticatedClient, Client
from .errors import *  # noqa: F403 - the exception tree, listed once in errors.__all__
from .errors import __all__ as _errors

__version__ = "0.2.0"

__all__ = ("AuthenticatedClient", "Client", "RetryPolicy", "__version__", *_errors)
