"""The fingerprint of the code that makes rows of a page body: any edit of a package's
`.py` files changes it, anything else does not."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from sources.common.code_fingerprint import code_fingerprint, fingerprint_of

REPOSITORY = Path(__file__).resolve().parents[1]


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """A copy of `sources/ipscape`, its caches left out."""
    copy = tmp_path / "a" / "ipscape"
    shutil.copytree(
        REPOSITORY / "sources" / "ipscape", copy, ignore=shutil.ignore_patterns("__pycache__")
    )
    return copy


def append(relative: str, text: str) -> Callable[[Path], None]:
    def edit(package: Path) -> None:
        path = package / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a") as file:
            file.write(text)

    return edit


def test_the_same_source_elsewhere_has_the_same_fingerprint(package: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "b" / "ipscape"
    shutil.copytree(package, elsewhere)
    assert fingerprint_of((elsewhere,)) == fingerprint_of((package,))


@pytest.mark.parametrize(
    "edit",
    [
        append("records.py", "# a comment\n"),
        append("new_module.py", ""),
        append("sub/__init__.py", ""),
    ],
    ids=["a line more", "a new module", "a new subpackage"],
)
def test_an_edit_of_the_source_changes_the_fingerprint(
    package: Path, edit: Callable[[Path], None]
) -> None:
    before = fingerprint_of((package,))
    edit(package)
    assert fingerprint_of((package,)) != before


@pytest.mark.parametrize(
    "edit",
    [append("__pycache__/records.cpython-311.pyc", "\0"), append("notes.txt", "text")],
    ids=["bytecode", "another file"],
)
def test_files_other_than_the_source_leave_it(package: Path, edit: Callable[[Path], None]) -> None:
    before = fingerprint_of((package,))
    edit(package)
    assert fingerprint_of((package,)) == before


def test_a_module_moved_between_packages_changes_it(package: Path, tmp_path: Path) -> None:
    other = tmp_path / "a" / "common"
    other.mkdir()
    before = fingerprint_of((package, other))
    (package / "records.py").rename(other / "records.py")
    assert fingerprint_of((package, other)) != before


def test_packages_are_fingerprinted_from_where_they_are_imported() -> None:
    sources = REPOSITORY / "sources"
    assert code_fingerprint("sources.common", "sources.ipscape") == fingerprint_of(
        (sources / "common", sources / "ipscape")
    )


def test_a_name_that_is_no_package_is_refused() -> None:
    with pytest.raises(ValueError, match="is not a package of this installation"):
        code_fingerprint("sources.nothing")
