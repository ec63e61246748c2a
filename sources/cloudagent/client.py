"""The CloudAgent HTTP client: a cached token and rate-limited dial-status requests.

The vendor answers errors as JSON bodies, often with HTTP 200: the body's `status`
decides, not only the HTTP code.
"""

from __future__ import annotations

import time
from datetime import datetime

from sources.cloudagent.settings import (
    DIAL_STATUS_PATH,
    SORT_BY_UPDATED_DATE,
    TOKEN_LIFETIME_SECONDS,
    TOKEN_PATH,
    TOKEN_RENEW_MARGIN_SECONDS,
    VENDOR_TIME_FORMAT,
)
from sources.common.rate_limiter import RateLimiter
from sources.common.rest import CheckedRESTClient

AUTHENTICATION_FAILED = "Authentication failed"


class VendorError(Exception):
    """An error answer from CloudAgent; `message` is the vendor's own text."""

    def __init__(self, endpoint: str, message: str, campaign: str | None = None) -> None:
        self.endpoint = endpoint
        self.message = message
        self.campaign = campaign
        where = f" for campaign {campaign!r}" if campaign else ""
        super().__init__(f"CloudAgent refused {endpoint}{where}: {message}")


class CloudAgentClient:
    """One account's token (generated once, reused for the run) and report requests."""

    def __init__(self, base_url: str, api_key: str, user_name: str, limiter: RateLimiter) -> None:
        self._rest = CheckedRESTClient(base_url=base_url.rstrip("/"))
        self._api_key = api_key
        self._user_name = user_name
        self._limiter = limiter
        self._token: str | None = None
        self._token_at = 0.0
        self.tokens_generated = 0

    def token(self) -> str:
        """The cached token; a new one only when it is about to expire (≤ 10 per hour)."""
        age = time.monotonic() - self._token_at
        if self._token is None or age > TOKEN_LIFETIME_SECONDS - TOKEN_RENEW_MARGIN_SECONDS:
            body = self._post(TOKEN_PATH, {"userName": self._user_name}, with_token=False)
            token = body.get("token")
            if not token:
                raise VendorError(TOKEN_PATH, body.get("message") or "no token in the answer")
            self._token, self._token_at = token, time.monotonic()
            self.tokens_generated += 1
        return self._token

    def request_dial_status(
        self, campaign: str, window_from: datetime, window_to: datetime, callback_url: str
    ) -> str:
        """Ask for one campaign's rows updated in [from, to] (naive account time); the uniqueId."""
        body = {
            "userName": self._user_name,
            "campaignName": campaign,
            "fromDate": window_from.strftime(VENDOR_TIME_FORMAT),
            "toDate": window_to.strftime(VENDOR_TIME_FORMAT),
            "sortby": SORT_BY_UPDATED_DATE,
            "status": "All",
            "dialstatus": "All",
            "dispositions": "All",
            "callBackUrl": callback_url,
        }
        # the vendor's messages may quote the callback URL, whose last segment is a secret
        secret = callback_url.rstrip("/").rsplit("/", 1)[-1]
        self._limiter.acquire()
        try:
            answer = self._post(DIAL_STATUS_PATH, body, True, self.token(), campaign, secret)
        except VendorError as error:
            if error.message != AUTHENTICATION_FAILED:
                raise
            # the token may have been invalidated (a newer one was generated elsewhere):
            # generate one more, once; a second refusal stands
            self._token = None
            self._limiter.acquire()
            answer = self._post(DIAL_STATUS_PATH, body, True, self.token(), campaign, secret)
        unique_id = answer.get("uniqueId")
        if not unique_id:
            raise VendorError(DIAL_STATUS_PATH, answer.get("message") or "no uniqueId", campaign)
        return str(unique_id)

    def _post(
        self,
        path: str,
        body: dict,
        with_token: bool,
        token: str | None = None,
        campaign: str | None = None,
        secret: str | None = None,
    ) -> dict:
        """POST and read the answer; an error body is a VendorError (its text with
        `secret` masked, so it never travels on into logs or traces)."""
        headers = {"apiKey": self._api_key}
        if with_token:
            headers["Authorization"] = f"Bearer {token}"
        response = self._rest.post(path, json=body, headers=headers)
        response.raise_for_status()
        try:
            answer = response.json()
        except ValueError as error:
            raise VendorError(
                path, f"answer is not JSON: {response.text[:80]!r}", campaign
            ) from error
        if not isinstance(answer, dict):
            raise VendorError(path, "answer is not a JSON object", campaign)
        if str(answer.get("status", "")).lower() == "error":
            message = str(answer.get("message") or "error")
            if secret:
                message = message.replace(secret, "***")
            raise VendorError(path, message, campaign)
        return answer
