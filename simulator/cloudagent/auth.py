"""CloudAgent account checks and tokens, judged against the simulator clock.

`POST /ca_apis/caToken/generateToken` issues a JWT-shaped token (`header.payload.
signature`, base64url JSON; payload `sub`, `iat`, `exp` in unix seconds on the simulator
clock), valid `token_ttl_seconds`. At most `tokens_per_hour` are issued per rolling hour,
and a new token invalidates the previous one. Thread-safe.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from collections import deque
from typing import Any

from simulator.cloudagent.config import CloudAgentConfig

API_KEY_INVALID = "apiKey is invalid"
USER_NAME_INVALID = "userName is invalid"
AUTHENTICATION_FAILED = "Authentication failed"
TOKEN_LIMIT_EXCEEDED = "Token generation limit exceeded"
HOUR_SECONDS = 3600


def account_error(config: CloudAgentConfig, api_key: Any, user_name: Any) -> str | None:
    """The error message for a missing or wrong `apiKey` / `userName`, else None."""
    if not isinstance(api_key, str) or not api_key:
        return API_KEY_INVALID
    if not isinstance(user_name, str) or not user_name:
        return USER_NAME_INVALID
    if not (_same(api_key, config.api_key) and _same(user_name, config.user_name)):
        return AUTHENTICATION_FAILED
    return None


def _same(sent: str, expected: str) -> bool:
    return hmac.compare_digest(sent.encode(), expected.encode())


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


class TokenBook:
    """The account's current token and when the recent ones were issued."""

    def __init__(self, config: CloudAgentConfig) -> None:
        self._config = config
        self._secret = f"cloudagent:{config.seed}:{config.user_name}".encode()
        self._lock = threading.Lock()
        self._issued_at: deque[int] = deque()  # unix seconds, oldest first
        self._issued = 0
        self._current: str | None = None
        self._expires_at = 0

    def issue(self, clock: int) -> str | None:
        """A new token issued at `clock` (unix seconds), invalidating the previous one;
        None when `tokens_per_hour` were already issued in the hour before."""
        with self._lock:
            while self._issued_at and self._issued_at[0] <= clock - HOUR_SECONDS:
                self._issued_at.popleft()
            if len(self._issued_at) >= self._config.tokens_per_hour:
                return None
            self._issued_at.append(clock)
            self._issued += 1
            self._expires_at = clock + self._config.token_ttl_seconds
            self._current = self._sign(
                {
                    "sub": self._config.user_name,
                    "iat": clock,
                    "exp": self._expires_at,
                    "jti": self._issued,
                }
            )
            return self._current

    def accepts(self, authorization: str, clock: int) -> bool:
        """Whether `Authorization: Bearer <token>` names the current, unexpired token."""
        scheme, _, token = authorization.partition(" ")
        token = token.strip()
        with self._lock:
            return (
                scheme.lower() == "bearer"
                and self._current is not None
                and _same(token, self._current)
                and clock < self._expires_at
            )

    def _sign(self, claims: dict[str, Any]) -> str:
        header = _b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
        payload = _b64url(json.dumps(claims, separators=(",", ":")).encode())
        signature = hmac.new(self._secret, f"{header}.{payload}".encode(), hashlib.sha256)
        return f"{header}.{payload}.{_b64url(signature.digest())}"
