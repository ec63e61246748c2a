"""Generated benchmark worlds, kept in `bench/.cache/` (git-ignored) so only the first
run at an N pays for generating and rendering them.

A cached world is named by everything that decides its data (`WorldSpec.cache_name`)
and by a digest of the simulator's code, so a change to the generator or the items
invalidates it; when one is saved, the older worlds of the same kind and size (another
day, older code) are removed. `rm -rf bench/.cache` clears it all.
"""

from __future__ import annotations

import gc
import hashlib
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import simulator
from bench.worlds import WorldSpec
from simulator.ipscape import IpscapeWorld
from simulator.ipscape.snapshot import load_world, save_world

CACHE_DIR = Path(__file__).resolve().parent / ".cache"
SIMULATOR_DIR = Path(simulator.__file__).resolve().parent


def simulator_digest() -> str:
    """Short digest of the simulator's ipSCAPE code and config."""
    digest = hashlib.sha256()
    for path in sorted([SIMULATOR_DIR / "config.py", *(SIMULATOR_DIR / "ipscape").glob("*.py")]):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while millions of lasting objects are made (it would
    rescan them all, again and again, for nothing)."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def cached_world(spec: WorldSpec, cache_dir: Path = CACHE_DIR) -> IpscapeWorld:
    """The world of `spec`, its bulk feeds rendered at the backfill clock: loaded from
    the cache, else generated, rendered and saved there. Progress goes to stderr."""
    path = cache_dir / f"{spec.cache_name}-{simulator_digest()}.world"
    started = time.monotonic()
    with collector_paused():
        if path.exists():
            try:
                world = load_world(path)
                world.prerender()  # nothing to render: aligns the kept bytes
                _progress(f"loaded {path.name} in {time.monotonic() - started:.1f} s")
                return _frozen(world)
            except Exception as error:  # a partial or older file: make it again
                _progress(f"cannot load {path.name} ({error}); generating it again")
        _progress(f"generating world {spec.cache_name} (once; cached in {cache_dir})")
        world = IpscapeWorld(spec.config())
        _progress(f"generated in {time.monotonic() - started:.1f} s; rendering its items")
        world.prerender()
        _progress(f"rendered at {time.monotonic() - started:.1f} s; saving")
        cache_dir.mkdir(parents=True, exist_ok=True)
        for older in cache_dir.glob(f"{spec.size_name}-*.world"):
            older.unlink(missing_ok=True)
        save_world(world, path)
        _progress(f"saved at {time.monotonic() - started:.1f} s")
    return _frozen(world)


def _frozen(world: IpscapeWorld) -> IpscapeWorld:
    # the world lives until the process ends: keep the collector from scanning it
    gc.freeze()
    return world


def _progress(message: str) -> None:
    print(f"  [simulator] {message}", file=sys.stderr, flush=True)
