"""Login-then-bearer authentication for the Campaigns API v2.

One token serves the whole run. It is renewed before its JWT `exp` (measured from the
moment it was issued, so a skewed server clock does not matter) and, when the server
refuses it anyway (401), renewed and the same request sent again. A token refused on
its first use, right after the login that issued it, stands and fails the feed: the
API takes the login but refuses what it issues.

Thread-safe: concurrent window walks share one login. A refusal renews the token only
when the refused request carried the current one, so walks refused together log in
once; a resent request refused a token that other requests used meanwhile (spent or
expired) is renewed again, at most `MAX_RESENDS` times in all.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from typing import Any

import requests
from dlt.sources.helpers import requests as retrying_requests
from requests.auth import AuthBase

from sources.qvoice.settings import ACCOUNT_HEADER, LOGIN_PATH

RENEW_MARGIN_SECONDS = 60
MAX_RESENDS = 4
_RESENT = "_qvoice_resent_after_login"


class LoginError(Exception):
    """The login itself was refused: the credentials or the domain are wrong."""


class QVoiceLogin(AuthBase):
    """Adds `Authorization: Bearer <token>` and `X-Account-ID` to every request."""

    def __init__(
        self, base_url: str, username: str, password: str, domain: str, account_id: str
    ) -> None:
        self._login_url = base_url.rstrip("/") + LOGIN_PATH
        self._credentials = {"username": username, "password": password, "domain": domain}
        self._account_id = account_id
        self._token: str | None = None
        self._renew_at = float("inf")
        self._lock = threading.Lock()
        self._uses: dict[str, int] = {}  # requests sent with each token
        self.logins = 0

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self.token()}"
        request.headers[ACCOUNT_HEADER] = self._account_id
        request.register_hook("response", self._resend_after_login)
        return request

    def token(self) -> str:
        """The token for a request about to be sent (counted as a use of it)."""
        with self._lock:
            if self._token is None or time.monotonic() >= self._renew_at:
                self._login()
            self._uses[self._token] = self._uses.get(self._token, 0) + 1
            return self._token

    def _login(self) -> None:
        try:
            response = retrying_requests.post(self._login_url, json=self._credentials)
            response.raise_for_status()
        except requests.HTTPError as error:
            status = error.response.status_code if error.response is not None else "?"
            raise LoginError(f"login refused (HTTP {status} at POST {LOGIN_PATH})") from error
        token = response.json().get("access_token")
        if not token:
            raise LoginError(f"login answered without an access_token (POST {LOGIN_PATH})")
        self._token = token
        self.logins += 1
        lifetime = _jwt_lifetime_seconds(token)
        self._renew_at = (
            time.monotonic() + max(lifetime - RENEW_MARGIN_SECONDS, 0)
            if lifetime is not None
            else float("inf")
        )

    def _resend_after_login(self, response: requests.Response, **kwargs: Any) -> requests.Response:
        if response.status_code != 401 or getattr(response.request, _RESENT, False):
            return response
        refused = response
        for _ in range(MAX_RESENDS):
            token, renewed_here = self._token_instead_of(refused.request)
            retry = response.request.copy()
            retry.headers["Authorization"] = f"Bearer {token}"
            setattr(retry, _RESENT, True)
            refused.content  # noqa: B018 - read the body so the connection can be reused
            refused.close()
            resent = refused.connection.send(retry, **kwargs)
            resent.history.append(refused)
            resent.request = retry
            if resent.status_code != 401 or (renewed_here and self._first_use(token)):
                return resent
            refused = resent
        return refused

    def _token_instead_of(self, refused: requests.PreparedRequest) -> tuple[str, bool]:
        """The token to send a refused request with, and whether this call logged in
        for it: only when the refused token is still the current one."""
        with self._lock:
            renewed = refused.headers.get("Authorization") == f"Bearer {self._token}"
            if renewed:
                self._login()
            self._uses[self._token] = self._uses.get(self._token, 0) + 1
            return self._token, renewed

    def _first_use(self, token: str) -> bool:
        """Whether no request but one was sent with `token`."""
        with self._lock:
            return self._uses.get(token, 0) <= 1


def _jwt_lifetime_seconds(token: str) -> float | None:
    """`exp - iat` of a JWT (no signature check: only our own renewal depends on it)."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return float(claims["exp"]) - float(claims.get("iat", time.time()))
    except (IndexError, KeyError, TypeError, ValueError):
        return None
