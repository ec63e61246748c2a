"""Pages a feed serves again exactly as when their rows were loaded: not parsed again.

Every night a cursor feed re-reads its lag window for late updates, and on a night with
nothing new every page of it comes back byte for byte as before. Such a page's rows are
in the warehouse as they are, so parsing, checking and comparing them again (most of a
quiet night's work) tells nothing. A page is "stored" when a run loaded its rows, or
found them held unchanged, with none set aside and none left out as a key seen twice;
the feed's dlt resource state keeps, per request URL, a digest of the body and the
page's next link, committed with the load like the incremental cursor. The next run
that gets the same URL and a body of the same digest takes the page as stored: no
rows, the remembered next link.

The digest covers the body and a context (the time zone, the raw table's columns and a
fingerprint of the code, `sources.common.code_fingerprint`, which decide the rows a body
becomes): when any of them changes, no page is stored. Only pages the next run may
re-read are kept: those with rows at most the lag older than the newest row of the run.
A restored warehouse brings back its own state, so its pages.

Grain: one object per feed run, shared by the feed's window workers (thread-safe).
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

STATE_KEY = "stored_pages"
# on a backfill, a page is worth remembering when its newest row is within the lag (and
# this margin) of the time the vendor served it: older pages are not re-read by the next run
MARGIN = timedelta(days=1)
DIGEST_HEX_CHARS = 32


@dataclass(frozen=True)
class StoredPage:
    """What the feed's state keeps of one page: its body's digest (with the context),
    its next link, and its newest cursor value (ISO 8601, UTC)."""

    digest: str
    next_link: str | None
    newest: str

    def as_state(self) -> list:
        return [self.digest, self.next_link, self.newest]


class StoredPages:
    """The stored pages of one feed: those of the last run (`previous`, from the
    feed's resource state) and those this run keeps for the next."""

    def __init__(
        self, previous: dict[str, list], context: str, lag: timedelta, every_page: bool = False
    ) -> None:
        self._context = context.encode()
        self._lag = lag
        self._every_page = every_page  # a night: every page it reads may be re-read
        self._previous = {url: StoredPage(*entry) for url, entry in previous.items()}
        self._kept: dict[str, StoredPage] = {}
        self._lock = threading.Lock()
        self.pages_served = 0  # pages with rows the walks got this run
        self.pages_reused = 0  # of those, pages served again as stored: not parsed

    def digest(self, body: bytes) -> str:
        return hashlib.sha256(self._context + body).hexdigest()[:DIGEST_HEX_CHARS]

    def served_again(self, url: str, body: bytes) -> tuple[StoredPage | None, str | None]:
        """The stored page when `url` was stored and `body` is the same, else None; and
        the body's digest when it was computed (the URL was stored), for `entry`."""
        stored = self._previous.get(url)
        if stored is None:
            return None, None
        digest = self.digest(body)
        return (stored if stored.digest == digest else None), digest

    def count(self, reused: bool) -> None:
        """Count a page with rows the walks got (`reused`: served again as stored)."""
        with self._lock:
            self.pages_served += 1
            self.pages_reused += reused

    def worth_keeping(self, newest: datetime, served_at: datetime | None) -> bool:
        """Whether a page whose newest row is `newest` may be re-read by the next run:
        on a night, any (it read the lag window); on a backfill, the pages of the last
        days before the vendor's clock (the others are older than the next night's
        lag window, unless the tenant has had no new row for days)."""
        return self._every_page or served_at is None or newest >= served_at - self._lag - MARGIN

    def entry(
        self, body: bytes, next_link: str | None, newest: datetime, digest: str | None = None
    ) -> StoredPage:
        """The page as kept; `digest` when `served_again` computed it already."""
        return StoredPage(digest or self.digest(body), next_link, newest.isoformat())

    def keep(self, url: str, page: StoredPage) -> None:
        """Keep a page whose rows are now in the warehouse as it serves them."""
        with self._lock:
            self._kept[url] = page

    def state(self) -> dict[str, list]:
        """The pages to keep in the feed's state: those the next run may re-read (rows
        at most the lag older than the newest row kept)."""
        with self._lock:
            kept = dict(self._kept)
        if not kept:
            return {}
        newest = max(datetime.fromisoformat(page.newest) for page in kept.values())
        since = newest - self._lag
        return {
            url: page.as_state()
            for url, page in sorted(kept.items())
            if datetime.fromisoformat(page.newest) >= since
        }
