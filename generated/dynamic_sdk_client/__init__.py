"""A client library for accessing Dynamic SDK API - retrySmsVerification (hand-kept fragment)"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
