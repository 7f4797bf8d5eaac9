"""A client library for accessing Dynamic SDK API - retrySmsVerification (hand-kept fragment)"""

from dynamic_sdk_runtime.retry import RetryPolicy

from .client import AuthenticatedClient, Client
from .errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    DynamicSdkError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseValidationError,
    ServerError,
    UnexpectedSuccessError,
    UnprocessableEntityError,
    ValidationError,
)

__version__ = "0.2.0"

__all__ = (
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticatedClient",
    "AuthenticationError",
    "BadRequestError",
    "Client",
    "DynamicSdkError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseValidationError",
    "RetryPolicy",
    "ServerError",
    "UnexpectedSuccessError",
    "UnprocessableEntityError",
    "ValidationError",
    "__version__",
)
