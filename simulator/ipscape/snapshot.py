"""Saving a generated ipSCAPE world to a file and loading it back, kept item bytes
included, so a benchmark generates and renders a large world once.

The catalog (campaigns, people) and the vocabulary codes are written as references, not
copies: the generator compares them by identity, and a loaded world must keep
generating new days as the clock moves.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import Any

from simulator.ipscape import vocabulary
from simulator.ipscape.catalog import CAMPAIGNS, PEOPLE
from simulator.ipscape.vocabulary import Code
from simulator.ipscape.world import IpscapeWorld

FORMAT = "ipscape-world-1"  # change when a saved world would no longer load as it was


def _constants() -> list[object]:
    """Every catalog and vocabulary object a record may refer to, in a fixed order."""
    found: list[object] = [*CAMPAIGNS, *PEOPLE]

    def collect(value: Any) -> None:
        if isinstance(value, Code):
            found.append(value)
        elif isinstance(value, tuple | list | frozenset):
            for part in value:
                collect(part)
        elif isinstance(value, dict):
            for part in value.values():
                collect(part)

    for name in sorted(vars(vocabulary)):
        collect(getattr(vocabulary, name))
    return found


class _WorldPickler(pickle.Pickler):
    def __init__(self, file: Any) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self._ids = {id(constant): index for index, constant in enumerate(_constants())}

    def persistent_id(self, obj: Any) -> int | None:
        return self._ids.get(id(obj))


class _WorldUnpickler(pickle.Unpickler):
    def __init__(self, file: Any) -> None:
        super().__init__(file)
        self._constants = _constants()

    def persistent_load(self, pid: Any) -> object:
        return self._constants[pid]


def save_world(world: IpscapeWorld, path: Path) -> None:
    """Write the world to `path` (atomically: a partial file is never left there)."""
    partial = path.with_name(f"{path.name}.partial")
    with partial.open("wb") as file:
        pickle.dump(FORMAT, file)
        _WorldPickler(file).dump(world)
    os.replace(partial, path)


def load_world(path: Path) -> IpscapeWorld:
    """A world saved by `save_world`; ValueError when it was saved in another format."""
    with path.open("rb") as file:
        if pickle.load(file) != FORMAT:
            raise ValueError(f"{path} holds a world saved in another format")
        world = _WorldUnpickler(file).load()
    if not isinstance(world, IpscapeWorld):
        raise ValueError(f"{path} holds no ipSCAPE world")
    return world
