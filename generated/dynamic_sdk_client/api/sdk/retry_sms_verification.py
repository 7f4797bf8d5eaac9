from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from dynamic_sdk_runtime.exceptions import documented_success
from dynamic_sdk_runtime.retry import RetryPolicy
from dynamic_sdk_runtime.rules import validate_parameters
from dynamic_sdk_runtime.transport import send, send_async

from ...client import AuthenticatedClient, Client
from ...constraints import PARAMETERS
from ...models.bad_request import BadRequest
from ...models.forbidden import Forbidden
from ...models.internal_server_error import InternalServerError
from ...models.not_found import NotFound
from ...models.sms_verification_create_response import SmsVerificationCreateResponse
from ...models.sms_verification_retry_request import SmsVerificationRetryRequest
from ...models.too_many_requests import TooManyRequests
from ...models.unauthorized import Unauthorized
from ...models.unprocessable_entity import UnprocessableEntity
from ...types import UNSET, Response


def _get_kwargs(
    environment_id: str,
    *,
    body: SmsVerificationRetryRequest,
) -> dict[str, Any]:
    validate_parameters(
        PARAMETERS["retry_sms_verification"],
        {
            "environmentId": environment_id,
        },
        unset=UNSET,
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

    if response.status_code == 201:
        response_201 = SmsVerificationCreateResponse.from_dict(response.json())

        return response_201

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

    return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[SmsVerificationCreateResponse]:
    return Response(
        parsed=cast(
            SmsVerificationCreateResponse,
            documented_success(response, lambda: _parse_response(client=client, response=response)),
        ),
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
    )


def sync_detailed(
    environment_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: SmsVerificationRetryRequest,
    timeout: httpx.Timeout | float | None = None,
    deadline: float | None = None,
    retry_policy: RetryPolicy | None = None,
) -> Response[SmsVerificationCreateResponse]:
    """Resend SMS verification code

     Resends the SMS verification code to the phone number on file.

    Args:
        environment_id (str):  Example: 95b11417-f18f-457f-8804-68e361f9164f.
        body (SmsVerificationRetryRequest):

    Raises:
        errors.ValidationError: If values break documented rules (nothing is sent).
        errors.APIStatusError: For any non-2xx status (a subclass per documented status).
        errors.ResponseValidationError: If a documented 2xx body is not its shape.
        errors.UnexpectedSuccessError: For an undocumented 2xx (the request reached the server).
        errors.APIConnectionError: If no response arrived after safe retries (APITimeoutError for
            timeouts and the deadline); see .may_have_reached_server.

    Returns:
        Response[SmsVerificationCreateResponse]
    """

    kwargs = _get_kwargs(
        environment_id=environment_id,
        body=body,
    )

    response = send(client, kwargs, timeout=timeout, deadline=deadline, retry_policy=retry_policy)

    return _build_response(client=client, response=response)


def sync(
    environment_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: SmsVerificationRetryRequest,
    timeout: httpx.Timeout | float | None = None,
    deadline: float | None = None,
    retry_policy: RetryPolicy | None = None,
) -> SmsVerificationCreateResponse:
    """Resend SMS verification code

     Resends the SMS verification code to the phone number on file.

    Args:
        environment_id (str):  Example: 95b11417-f18f-457f-8804-68e361f9164f.
        body (SmsVerificationRetryRequest):

    Raises:
        errors.ValidationError: If values break documented rules (nothing is sent).
        errors.APIStatusError: For any non-2xx status (a subclass per documented status).
        errors.ResponseValidationError: If a documented 2xx body is not its shape.
        errors.UnexpectedSuccessError: For an undocumented 2xx (the request reached the server).
        errors.APIConnectionError: If no response arrived after safe retries (APITimeoutError for
            timeouts and the deadline); see .may_have_reached_server.

    Returns:
        SmsVerificationCreateResponse
    """

    return sync_detailed(
        environment_id=environment_id,
        client=client,
        body=body,
        timeout=timeout,
        deadline=deadline,
        retry_policy=retry_policy,
    ).parsed


async def asyncio_detailed(
    environment_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: SmsVerificationRetryRequest,
    timeout: httpx.Timeout | float | None = None,
    deadline: float | None = None,
    retry_policy: RetryPolicy | None = None,
) -> Response[SmsVerificationCreateResponse]:
    """Resend SMS verification code

     Resends the SMS verification code to the phone number on file.

    Args:
        environment_id (str):  Example: 95b11417-f18f-457f-8804-68e361f9164f.
        body (SmsVerificationRetryRequest):

    Raises:
        errors.ValidationError: If values break documented rules (nothing is sent).
        errors.APIStatusError: For any non-2xx status (a subclass per documented status).
        errors.ResponseValidationError: If a documented 2xx body is not its shape.
        errors.UnexpectedSuccessError: For an undocumented 2xx (the request reached the server).
        errors.APIConnectionError: If no response arrived after safe retries (APITimeoutError for
            timeouts and the deadline); see .may_have_reached_server.

    Returns:
        Response[SmsVerificationCreateResponse]
    """

    kwargs = _get_kwargs(
        environment_id=environment_id,
        body=body,
    )

    response = await send_async(
        client, kwargs, timeout=timeout, deadline=deadline, retry_policy=retry_policy
    )

    return _build_response(client=client, response=response)


async def asyncio(
    environment_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: SmsVerificationRetryRequest,
    timeout: httpx.Timeout | float | None = None,
    deadline: float | None = None,
    retry_policy: RetryPolicy | None = None,
) -> SmsVerificationCreateResponse:
    """Resend SMS verification code

     Resends the SMS verification code to the phone number on file.

    Args:
        environment_id (str):  Example: 95b11417-f18f-457f-8804-68e361f9164f.
        body (SmsVerificationRetryRequest):

    Raises:
        errors.ValidationError: If values break documented rules (nothing is sent).
        errors.APIStatusError: For any non-2xx status (a subclass per documented status).
        errors.ResponseValidationError: If a documented 2xx body is not its shape.
        errors.UnexpectedSuccessError: For an undocumented 2xx (the request reached the server).
        errors.APIConnectionError: If no response arrived after safe retries (APITimeoutError for
            timeouts and the deadline); see .may_have_reached_server.

    Returns:
        SmsVerificationCreateResponse
    """

    return (
        await asyncio_detailed(
            environment_id=environment_id,
            client=client,
            body=body,
            timeout=timeout,
            deadline=deadline,
            retry_policy=retry_policy,
        )
    ).parsed
