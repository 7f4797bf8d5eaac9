from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...exceptions import ResponseValidationError, status_error
from ...models.sms_verification_create_response import SmsVerificationCreateResponse
from ...models.sms_verification_retry_request import SmsVerificationRetryRequest
from ...types import Response
from ...validation import validate_parameters


def _get_kwargs(
    environment_id: str,
    *,
    body: SmsVerificationRetryRequest,
) -> dict[str, Any]:
    validate_parameters(
        "retry_sms_verification",
        {
            "environmentId": environment_id,
        },
    )
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/sdk/{environment_id}/smsVerifications/retry".format(
            environment_id=quote(str(environment_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> SmsVerificationCreateResponse:
    if response.status_code == 200:
        try:
            response_200 = SmsVerificationCreateResponse.from_dict(response.json())

            return response_200

        except (ValueError, TypeError, AttributeError) as exc:
            raise ResponseValidationError(
                f"HTTP {response.status_code} body is not the documented shape: {exc}",
                response=response,
            ) from None
    raise status_error(response)


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[SmsVerificationCreateResponse]:
    parsed = _parse_response(client=client, response=response)  # raises unless documented 2xx
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=parsed,
    )


def sync_detailed(
    environment_id: str,
    *,
    client: AuthenticatedClient,
    body: SmsVerificationRetryRequest,
    timeout: httpx.Timeout | float | None = None,
) -> Response[SmsVerificationCreateResponse]:
    """Resend SMS verification code

     Resends the SMS verification code to the phone number on file.

    Args:
        environment_id (str):  Example: 95b11417-f18f-457f-8804-68e361f9164f.
        body (SmsVerificationRetryRequest):

    Raises:
        exceptions.ValidationError: If a value breaks a documented rule (nothing is sent).
        exceptions.APIStatusError: For any non-2xx status (a subclass per documented status).
        exceptions.ResponseValidationError: If a 2xx body is not the documented shape.
        httpx.TimeoutException: If the request takes longer than the timeout (after safe retries).

    Returns:
        Response[SmsVerificationCreateResponse]
    """

    kwargs = _get_kwargs(
        environment_id=environment_id,
        body=body,
    )

    if timeout is not None:  # None keeps the client's (finite) default
        kwargs["timeout"] = timeout
    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    environment_id: str,
    *,
    client: AuthenticatedClient,
    body: SmsVerificationRetryRequest,
    timeout: httpx.Timeout | float | None = None,
) -> SmsVerificationCreateResponse:
    """Resend SMS verification code

     Resends the SMS verification code to the phone number on file.

    Args:
        environment_id (str):  Example: 95b11417-f18f-457f-8804-68e361f9164f.
        body (SmsVerificationRetryRequest):

    Raises:
        exceptions.ValidationError: If a value breaks a documented rule (nothing is sent).
        exceptions.APIStatusError: For any non-2xx status (a subclass per documented status).
        exceptions.ResponseValidationError: If a 2xx body is not the documented shape.
        httpx.TimeoutException: If the request takes longer than the timeout (after safe retries).

    Returns:
        SmsVerificationCreateResponse
    """

    parsed = sync_detailed(
        environment_id=environment_id,
        client=client,
        body=body,
        timeout=timeout,
    ).parsed
    return cast(SmsVerificationCreateResponse, parsed)  # never None: every other status raises


async def asyncio_detailed(
    environment_id: str,
    *,
    client: AuthenticatedClient,
    body: SmsVerificationRetryRequest,
    timeout: httpx.Timeout | float | None = None,
) -> Response[SmsVerificationCreateResponse]:
    """Resend SMS verification code

     Resends the SMS verification code to the phone number on file.

    Args:
        environment_id (str):  Example: 95b11417-f18f-457f-8804-68e361f9164f.
        body (SmsVerificationRetryRequest):

    Raises:
        exceptions.ValidationError: If a value breaks a documented rule (nothing is sent).
        exceptions.APIStatusError: For any non-2xx status (a subclass per documented status).
        exceptions.ResponseValidationError: If a 2xx body is not the documented shape.
        httpx.TimeoutException: If the request takes longer than the timeout (after safe retries).

    Returns:
        Response[SmsVerificationCreateResponse]
    """

    kwargs = _get_kwargs(
        environment_id=environment_id,
        body=body,
    )

    if timeout is not None:  # None keeps the client's (finite) default
        kwargs["timeout"] = timeout
    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    environment_id: str,
    *,
    client: AuthenticatedClient,
    body: SmsVerificationRetryRequest,
    timeout: httpx.Timeout | float | None = None,
) -> SmsVerificationCreateResponse:
    """Resend SMS verification code

     Resends the SMS verification code to the phone number on file.

    Args:
        environment_id (str):  Example: 95b11417-f18f-457f-8804-68e361f9164f.
        body (SmsVerificationRetryRequest):

    Raises:
        exceptions.ValidationError: If a value breaks a documented rule (nothing is sent).
        exceptions.APIStatusError: For any non-2xx status (a subclass per documented status).
        exceptions.ResponseValidationError: If a 2xx body is not the documented shape.
        httpx.TimeoutException: If the request takes longer than the timeout (after safe retries).

    Returns:
        SmsVerificationCreateResponse
    """

    parsed = (
        await asyncio_detailed(
            environment_id=environment_id,
            client=client,
            body=body,
            timeout=timeout,
        )
    ).parsed
    return cast(SmsVerificationCreateResponse, parsed)  # never None: every other status raises
