from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from dynamic_sdk_runtime.exceptions import ResponseValidationError, response_error
from dynamic_sdk_runtime.retry import RetryPolicy
from dynamic_sdk_runtime.rules import validate_parameters
from dynamic_sdk_runtime.transport import send, send_async

from ...client import AuthenticatedClient, Client
from ...constraints import PATH_PARAMETERS
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
    validate_parameters(
        PATH_PARAMETERS["retry_sms_verification"],
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

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> SmsVerificationCreateResponse:
    if response.status_code == 200:
        try:
            response_200 = SmsVerificationCreateResponse.from_dict(response.json())

            return response_200

        except (ValueError, TypeError, AttributeError, KeyError) as exc:
            raise ResponseValidationError(
                f"HTTP {response.status_code} body is not the documented shape: {exc}",
                response=response,
            ) from None
    if response.status_code == 201:
        try:
            response_201 = SmsVerificationCreateResponse.from_dict(response.json())

            return response_201

        except (ValueError, TypeError, AttributeError, KeyError) as exc:
            raise ResponseValidationError(
                f"HTTP {response.status_code} body is not the documented shape: {exc}",
                response=response,
            ) from None
    if response.status_code == 400:

        def _parse_400() -> BadRequest:
            response_400 = BadRequest.from_dict(response.json())

            return response_400

        raise response_error(response, parse=_parse_400)
    if response.status_code == 401:

        def _parse_401() -> Unauthorized:
            response_401 = Unauthorized.from_dict(response.json())

            return response_401

        raise response_error(response, parse=_parse_401)
    if response.status_code == 403:

        def _parse_403() -> Forbidden:
            response_403 = Forbidden.from_dict(response.json())

            return response_403

        raise response_error(response, parse=_parse_403)
    if response.status_code == 404:

        def _parse_404() -> NotFound:
            response_404 = NotFound.from_dict(response.json())

            return response_404

        raise response_error(response, parse=_parse_404)
    if response.status_code == 413:

        def _parse_413() -> BadRequest:
            response_413 = BadRequest.from_dict(response.json())

            return response_413

        raise response_error(response, parse=_parse_413)
    if response.status_code == 415:

        def _parse_415() -> BadRequest:
            response_415 = BadRequest.from_dict(response.json())

            return response_415

        raise response_error(response, parse=_parse_415)
    if response.status_code == 422:

        def _parse_422() -> UnprocessableEntity:
            response_422 = UnprocessableEntity.from_dict(response.json())

            return response_422

        raise response_error(response, parse=_parse_422)
    if response.status_code == 429:

        def _parse_429() -> TooManyRequests:
            response_429 = TooManyRequests.from_dict(response.json())

            return response_429

        raise response_error(response, parse=_parse_429)
    if 500 <= response.status_code <= 599:

        def _parse_500() -> InternalServerError:
            response_5xx = InternalServerError.from_dict(response.json())

            return response_5xx

        raise response_error(response, parse=_parse_500)
    raise response_error(response)


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[SmsVerificationCreateResponse]:
    parsed = _parse_response(client=client, response=response)  # raises unless a documented 2xx
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=parsed,
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
        errors.APIConnectionError: If no response arrived after safe retries (APITimeoutError for timeouts and the deadline); see .may_have_reached_server.

    Returns:
        Response[SmsVerificationCreateResponse]
    """

    kwargs = _get_kwargs(
        environment_id=environment_id,
        body=body,
    )

    response = send(
        client.get_httpx_client(),
        kwargs,
        timeout=timeout,
        deadline=client.deadline if deadline is None else deadline,
        retry_policy=retry_policy,
    )

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
        errors.APIConnectionError: If no response arrived after safe retries (APITimeoutError for timeouts and the deadline); see .may_have_reached_server.

    Returns:
        SmsVerificationCreateResponse
    """

    parsed = sync_detailed(
        environment_id=environment_id,
        client=client,
        body=body,
        timeout=timeout,
        deadline=deadline,
        retry_policy=retry_policy,
    ).parsed
    return parsed


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
        errors.APIConnectionError: If no response arrived after safe retries (APITimeoutError for timeouts and the deadline); see .may_have_reached_server.

    Returns:
        Response[SmsVerificationCreateResponse]
    """

    kwargs = _get_kwargs(
        environment_id=environment_id,
        body=body,
    )

    response = await send_async(
        client.get_async_httpx_client(),
        kwargs,
        timeout=timeout,
        deadline=client.deadline if deadline is None else deadline,
        retry_policy=retry_policy,
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
        errors.APIConnectionError: If no response arrived after safe retries (APITimeoutError for timeouts and the deadline); see .may_have_reached_server.

    Returns:
        SmsVerificationCreateResponse
    """

    parsed = (
        await asyncio_detailed(
            environment_id=environment_id,
            client=client,
            body=body,
            timeout=timeout,
            deadline=deadline,
            retry_policy=retry_policy,
        )
    ).parsed
    return parsed
