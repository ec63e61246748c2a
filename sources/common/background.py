"""An iterator run ahead in a thread of its own, its items kept until they are asked for.

dlt extracts a source's resources one after the other (`next_item_mode = fifo`), and a
cursor feed spends most of its time waiting: on the vendor, on the other core, on its
own last batch. A feed started in the background when the first feed starts has
fetched, checked and written most of its pages by the time its resource asks for them.

Grain: one iterator; its items (Parquet files on disk, record lists) are held in memory
until taken, which is why only small items should be produced this way.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import Generic, TypeVar

T = TypeVar("T")
_DONE = object()


class InBackground(Generic[T]):
    """Iterates `items` in a daemon thread from the moment it is made; iterating this
    yields the same items in order, then raises the iterator's exception if it had one.
    `cancel` makes the thread stop after the item it is on."""

    def __init__(self, items: Iterator[T], name: str) -> None:
        self._queue: queue.Queue = queue.Queue()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(items,), name=name, daemon=True)
        self._thread.start()

    def _run(self, items: Iterator[T]) -> None:
        try:
            for item in items:
                if self._stop.is_set():
                    break
                self._queue.put((item, None))
        except BaseException as error:  # handed to the consumer, which raises it
            self._queue.put((_DONE, error))
            return
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()
        self._queue.put((_DONE, None))

    def __iter__(self) -> Iterator[T]:
        while True:
            item, error = self._queue.get()
            if item is _DONE:
                if error is not None:
                    raise error
                return
            yield item

    def cancel(self) -> None:
        self._stop.set()

    def join(self, timeout: float | None = None) -> None:
        """Wait for the thread to end (cancelled, or the iterator done)."""
        self._thread.join(timeout)
