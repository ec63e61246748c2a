"""The durable landing area of CloudAgent callbacks: one file per accepted body.

A body is written to a temporary file, flushed and fsynced, then hard-linked to its
final name and the folder fsynced — all before the receiver answers 2xx, so nothing
accepted is lost by a crash after the answer. The final name comes from the body's
`uniqueId` (else from the body's hash), and `os.link` refuses an existing name: the
same `uniqueId` delivered twice is stored once, even by two receivers at once.

Layout: `pending/` holds bodies not yet loaded into the warehouse; after a successful
load they move to `loaded/` (kept for audit and replay).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path


@dataclass(frozen=True)
class LandedCallback:
    """One landed body: `unique_id` when it is JSON naming one, else None."""

    path: Path
    unique_id: str | None
    received_at: datetime
    content_type: str
    body: bytes


@dataclass(frozen=True)
class LandResult:
    stored: bool  # False: this body (its uniqueId) was already landed
    unique_id: str | None


class CallbackLanding:
    """A folder of landed callback bodies (safe for concurrent writers and readers)."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.pending_dir = self.directory / "pending"
        self.loaded_dir = self.directory / "loaded"
        for folder in (self.pending_dir, self.loaded_dir):
            folder.mkdir(parents=True, exist_ok=True)

    def land(self, body: bytes, content_type: str) -> LandResult:
        """Store `body` durably unless its uniqueId (or identical body) is already here."""
        unique_id = unique_id_of(body)
        digest = hashlib.sha256(unique_id.encode() if unique_id else body).hexdigest()[:40]
        name = f"{'uid' if unique_id else 'body'}-{digest}.json"
        if (self.loaded_dir / name).exists():
            return LandResult(False, unique_id)
        envelope = {
            "unique_id": unique_id,
            "received_at": datetime.now(UTC).isoformat(),
            "content_type": content_type,
            "body_base64": base64.b64encode(body).decode("ascii"),
        }
        handle, temporary = tempfile.mkstemp(prefix=".landing-", dir=self.pending_dir)
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(json.dumps(envelope).encode())
                file.flush()
                os.fsync(file.fileno())
            try:
                os.link(temporary, self.pending_dir / name)
            except FileExistsError:
                return LandResult(False, unique_id)
            _fsync_folder(self.pending_dir)
            return LandResult(True, unique_id)
        finally:
            os.unlink(temporary)

    def pending(self) -> list[LandedCallback]:
        """Landed bodies not yet loaded, oldest first."""
        landed = [self._read(path) for path in self.pending_dir.glob("*.json")]
        return sorted(landed, key=lambda callback: (callback.received_at, callback.path.name))

    def landed_unique_ids(self) -> set[str]:
        """uniqueIds landed and not yet loaded."""
        return {c.unique_id for c in self.pending() if c.unique_id}

    def archive(self, names: list[str]) -> None:
        """Move bodies whose rows are committed in the warehouse from `pending/` to `loaded/`."""
        for name in names:
            pending = self.pending_dir / name
            if pending.exists():
                os.replace(pending, self.loaded_dir / name)
        if names:
            _fsync_folder(self.loaded_dir)
            _fsync_folder(self.pending_dir)

    @staticmethod
    def _read(path: Path) -> LandedCallback:
        envelope = json.loads(path.read_bytes())
        return LandedCallback(
            path=path,
            unique_id=envelope.get("unique_id"),
            received_at=datetime.fromisoformat(envelope["received_at"]),
            content_type=envelope.get("content_type") or "",
            body=base64.b64decode(envelope["body_base64"]),
        )


def unique_id_of(body: bytes) -> str | None:
    """The `uniqueId` of a JSON object body, else None (not JSON, or no id)."""
    try:
        parsed = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    if isinstance(parsed, dict):
        unique_id = parsed.get("uniqueId") or parsed.get("transactionId")
        if isinstance(parsed.get("data"), str) and not unique_id:
            try:
                inner = json.loads(parsed["data"])
                unique_id = inner.get("uniqueId") if isinstance(inner, dict) else None
            except ValueError:
                unique_id = None
        return str(unique_id) if unique_id else None
    return None


def _fsync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
