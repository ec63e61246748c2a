"""A fingerprint of the code that turns a vendor's page bodies into rows.

A page a feed serves again byte for byte is taken as stored
(`sources.common.stored_pages`) only when its rows were made by the same code: after a
release that changes how a body is parsed, checked or fixed, the pages are parsed
again. The fingerprint is a digest of the source text of the packages that do that
work and of the versions of the libraries that parse (pyarrow) and normalize (dlt)
the rows. Any edit of those packages, a docstring's too, changes it; the next night
then parses its lag window once, as every night did before pages were stored.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import importlib.util
from pathlib import Path

LIBRARIES = ("pyarrow", "dlt")
FINGERPRINT_HEX_CHARS = 16


@functools.cache
def code_fingerprint(*packages: str) -> str:
    """The fingerprint of the named packages' source (every `.py` file under each,
    subpackages included) and of `LIBRARIES`' versions; computed once a process."""
    return fingerprint_of(tuple(_package_directory(package) for package in packages))


def fingerprint_of(directories: tuple[Path, ...]) -> str:
    """A digest of every `.py` file under `directories` (its path and length, then its
    bytes) and of `LIBRARIES`' versions."""
    digest = hashlib.sha256()
    for library in LIBRARIES:
        digest.update(f"{library}=={importlib.import_module(library).__version__}\n".encode())
    for directory in directories:
        for path in sorted(directory.rglob("*.py")):
            text = path.read_bytes()
            name = f"{directory.name}/{path.relative_to(directory).as_posix()}"
            digest.update(f"{name} {len(text)}\n".encode())
            digest.update(text)
    return digest.hexdigest()[:FINGERPRINT_HEX_CHARS]


def _package_directory(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ValueError(f"{package} is not a package of this installation")
    return Path(next(iter(spec.submodule_search_locations)))
