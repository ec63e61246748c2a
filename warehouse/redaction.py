"""Keeps configured secrets out of everything the job prints.

The job's stdout and stderr are wrapped so that any configured secret value (API
tokens, keys, passwords) is replaced by `***` whoever writes it: our messages, dlt,
dbt or a traceback under `--verbose`.
"""

from __future__ import annotations

from typing import TextIO

MASK = "***"


class RedactingStream:
    """A text stream that masks the given secret values before writing."""

    def __init__(self, stream: TextIO, secrets: list[str]) -> None:
        self._stream = stream
        # longest first, so a secret containing another is masked whole
        self._secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def write(self, text: str) -> int:
        self._stream.write(redact(text, self._secrets))
        return len(text)

    def add_secrets(self, secrets: list[str]) -> None:
        self._secrets = sorted(
            set(self._secrets) | {s for s in secrets if s}, key=len, reverse=True
        )

    def scrub(self, text: str) -> str:
        """`text` with this stream's secrets masked (for text stored, not printed)."""
        return redact(text, self._secrets)

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


def redact(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, MASK)
    return text
