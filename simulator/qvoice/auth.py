"""QVoice login and access tokens, judged against the simulator clock.

`POST /api/v2/login` issues a JWT-shaped access token (`header.payload.signature`,
base64url JSON; payload `sub`, `iat`, `exp` in unix seconds on the simulator clock). A
token is refused once the clock reaches its `exp` or once it has served
`token_max_requests` requests. Thread-safe: tokens live here, in the world.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from dataclasses import dataclass
from typing import Any

from simulator.qvoice.config import QVoiceConfig
from simulator.qvoice.ids import hex_id

UNAUTHORIZED = 401
FORBIDDEN = 403


@dataclass
class _Grant:
    expires_at: int  # unix seconds: refused from this instant on
    served: int = 0  # authenticated requests answered so far


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


class TokenBook:
    """The access tokens issued so far and how much each has been used."""

    def __init__(self, config: QVoiceConfig) -> None:
        self._config = config
        self._secret = f"qvoice:{config.seed}:{config.domain}".encode()
        self._lock = threading.Lock()
        self._grants: dict[str, _Grant] = {}
        self._issued = 0

    def credentials_match(self, body: Any) -> bool:
        """Whether a login body names this tenant's user, password and domain."""
        if not isinstance(body, dict):
            return False
        config = self._config
        expected = (config.username, config.password, config.domain)
        sent = (body.get("username"), body.get("password"), body.get("domain"))
        return all(
            isinstance(value, str) and hmac.compare_digest(value.encode(), want.encode())
            for value, want in zip(sent, expected, strict=True)
        )

    def issue(self, clock: float) -> dict[str, Any]:
        """A login answer with a new access token issued at `clock` (unix seconds)."""
        issued_at = int(clock)
        expires_at = issued_at + self._config.token_ttl_seconds
        with self._lock:
            self._issued += 1
            claims = {
                "sub": self._config.username,
                "account_id": self._config.account_id,
                "iat": issued_at,
                "exp": expires_at,
                "jti": self._issued,
            }
            token = self._sign(claims)
            self._grants[token] = _Grant(expires_at)
        return {
            "user": {
                "id": hex_id("qvoice", "user", self._config.username),
                "username": self._config.username,
                "domain": self._config.domain,
                "account_id": self._config.account_id,
                "first_name": "Sim",
                "last_name": "User",
                "role": "admin",
            },
            "access_token": token,
            "refresh_token": hex_id("qvoice", "refresh", token),
        }

    def authorize(self, authorization: str, account_id: str | None, clock: float) -> int | None:
        """None when the request may be served (counting it against the token), else
        the refusal: 401 for a missing, unknown, expired or used-up token, 403 for a
        missing or wrong account."""
        scheme, _, token = authorization.partition(" ")
        token = token.strip()
        with self._lock:
            grant = self._grants.get(token) if scheme.lower() == "bearer" else None
            limit = self._config.token_max_requests
            if (
                grant is None
                or clock >= grant.expires_at
                or (limit is not None and grant.served >= limit)
            ):
                return UNAUTHORIZED
            if account_id is None or not hmac.compare_digest(
                account_id.encode(), self._config.account_id.encode()
            ):
                return FORBIDDEN
            grant.served += 1
        return None

    def _sign(self, claims: dict[str, Any]) -> str:
        header = _b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
        payload = _b64url(json.dumps(claims, separators=(",", ":")).encode())
        signature = hmac.new(self._secret, f"{header}.{payload}".encode(), hashlib.sha256)
        return f"{header}.{payload}.{_b64url(signature.digest())}"
