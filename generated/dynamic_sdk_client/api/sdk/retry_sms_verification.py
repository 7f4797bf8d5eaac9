from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.bad_request import BadRequest
from ...models.forbidden import Forbidden
from ...models.internal_server_error import InternalServerError
from ...models.not_found import NotFound
from ...models.sms_verification_create_response import SmsVerificationCreateResponse
from ...models.sms_verification_retry_request import SmsVerificationRetryRequest
from ...models.too_many_requests import TooManyRequests
from ...models.unauthorized import Unauthorized
from ...models.unprocessable_entity import UnprocessableEntity
from ...types import Response


def _get_kwargs(
    environment_id: str,
    *,
    body: SmsVerificationRetryRequest,
) -> dict[str, Any]:
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
) -> (
    BadRequest
    | Forbidden
    | InternalServerError
    | NotFound
    | SmsVerificationCreateResponse
    | TooManyRequests
    | Unauthorized
    | UnprocessableEntity
    | None
):
    if response.status_code == 200:
        response_200 = SmsVerificationCreateResponse.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = BadRequest.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Unauthorized.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Forbidden.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = NotFound.from_dict(response.json())

        return response_404

    if response.status_code == 413:
        response_413 = BadRequest.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = BadRequest.from_dict(response.json())

        return response_415

    if response.status_code == 422:
        response_422 = UnprocessableEntity.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = TooManyRequests.from_dict(response.json())

        return response_429

    if 500 <= response.status_code <= 599:
        response_5xx = InternalServerError.from_dict(response.json())

        return response_5xx

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[
    BadRequest
    | Forbidden
    | InternalServerError
    | NotFound
    | SmsVerificationCreateResponse
    | TooManyRequests
    | Unauthorized
    | UnprocessableEntity
]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    environment_id: str,
    *,
    client: AuthenticatedClient,
    body: SmsVerificationRetryRequest,
) -> Response[
    BadRequest
    | Forbidden
    | InternalServerError
    | NotFound
    | SmsVerificationCreateResponse
    | TooManyRequests
    | Unauthorized
    | UnprocessableEntity
]:
    """Resend SMS verification code

     Resends the SMS verification code to the phone number on file.

    Args:
        environment_id (str):  Example: 95b11417-f18f-457f-8804-68e361f9164f.
        body (SmsVerificationRetryRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BadRequest | Forbidden | InternalServerError | NotFound | SmsVerificationCreateResponse | TooManyRequests | Unauthorized | UnprocessableEntity]
    """

    kwargs = _get_kwargs(
        environment_id=environment_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    environment_id: str,
    *,
    client: AuthenticatedClient,
    body: SmsVerificationRetryRequest,
) -> (
    BadRequest
    | Forbidden
    | InternalServerError
    | NotFound
    | SmsVerificationCreateResponse
    | TooManyRequests
    | Unauthorized
    | UnprocessableEntity
    | None
):
    """Resend SMS verification code

     Resends the SMS verification code to the phone number on file.

    Args:
        environment_id (str):  Example: 95b11417-f18f-457f-8804-68e361f9164f.
        body (SmsVerificationRetryRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BadRequest | Forbidden | InternalServerError | NotFound | SmsVerificationCreateResponse | TooManyRequests | Unauthorized | UnprocessableEntity
    """

    return sync_detailed(
        environment_id=environment_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    environment_id: str,
    *,
    client: AuthenticatedClient,
    body: SmsVerificationRetryRequest,
) -> Response[
    BadRequest
    | Forbidden
    | InternalServerError
    | NotFound
    | SmsVerificationCreateResponse
    | TooManyRequests
    | Unauthorized
    | UnprocessableEntity
]:
    """Resend SMS verification code

     Resends the SMS verification code to the phone number on file.

    Args:
        environment_id (str):  Example: 95b11417-f18f-457f-8804-68e361f9164f.
        body (SmsVerificationRetryRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BadRequest | Forbidden | InternalServerError | NotFound | SmsVerificationCreateResponse | TooManyRequests | Unauthorized | UnprocessableEntity]
    """

    kwargs = _get_kwargs(
        environment_id=environment_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    environment_id: str,
    *,
    client: AuthenticatedClient,
    body: SmsVerificationRetryRequest,
) -> (
    BadRequest
    | Forbidden
    | InternalServerError
    | NotFound
    | SmsVerificationCreateResponse
    | TooManyRequests
    | Unauthorized
    | UnprocessableEntity
    | None
):
    """Resend SMS verification code

     Resends the SMS verification code to the phone number on file.

    Args:
        environment_id (str):  Example: 95b11417-f18f-457f-8804-68e361f9164f.
        body (SmsVerificationRetryRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BadRequest | Forbidden | InternalServerError | NotFound | SmsVerificationCreateResponse | TooManyRequests | Unauthorized | UnprocessableEntity
    """

    return (
        await asyncio_detailed(
            environment_id=environment_id,
            client=client,
            body=body,
        )
    ).parsed
