"""The bench's `git_commit`: a working tree counts as dirty when the measured code
differs from the commit, and not when only the bench's own `latest.json` does (each
run rewrites it). A real git repository in a temporary folder."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from bench.report import LATEST_RESULTS, git_commit


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True)
    return done.stdout.strip()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A one-commit repository holding a source file and the bench's latest.json."""
    git(tmp_path, "init", "--quiet")
    git(tmp_path, "config", "user.email", "bench@example.invalid")
    git(tmp_path, "config", "user.name", "bench")
    (tmp_path / "load.py").write_text("ROWS = 1\n")
    latest = tmp_path / LATEST_RESULTS
    latest.parent.mkdir(parents=True)
    latest.write_text('{"n": 1}\n')
    git(tmp_path, "add", ".")
    git(tmp_path, "-c", "commit.gpgsign=false", "commit", "--quiet", "-m", "first")
    return tmp_path


def test_a_clean_tree_is_its_commit_and_not_dirty(project: Path) -> None:
    assert git_commit(project) == (git(project, "rev-parse", "--short", "HEAD"), False)


def test_a_rewritten_latest_json_alone_is_not_dirty(project: Path) -> None:
    (project / LATEST_RESULTS).write_text('{"n": 2}\n')
    assert git_commit(project)[1] is False


def test_a_changed_source_file_is_dirty(project: Path) -> None:
    (project / LATEST_RESULTS).write_text('{"n": 2}\n')
    (project / "load.py").write_text("ROWS = 2\n")
    assert git_commit(project)[1] is True


def test_a_new_file_is_dirty(project: Path) -> None:
    (project / "extract.py").write_text("PAGES = 1\n")
    assert git_commit(project)[1] is True
