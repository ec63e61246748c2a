"""Test helpers: configure the job for a simulator, read the warehouse back, compare rows."""

from __future__ import annotations

import contextlib
import io
import logging
import math
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from warehouse.cli import main

MARTS = (
    "dial_outcomes_daily",
    "dispositions_daily",
    "agent_performance_daily",
    "unmapped_statuses",
    "lead_status_history",
    "data_quality",
)
# the marts the oracle recomputes from a simulator's ground truth
ORACLE_MARTS = MARTS[:4]
MART_KEYS = {
    "dial_outcomes_daily": ("source_system", "campaign_id", "report_date"),
    "dispositions_daily": ("source_system", "campaign_id", "report_date", "disposition"),
    "agent_performance_daily": ("source_system", "agent_id", "report_date"),
    "unmapped_statuses": ("source_system", "kind", "raw_value"),
    "lead_status_history": ("source_system", "lead_id", "valid_from"),
    "data_quality": ("source_system", "check_name", "table_name", "detail"),
}
SECRET_ENV_KEYS = ("API_TOKEN", "API_KEY", "PASSWORD", "USERNAME")


def configure_ipscape(
    monkeypatch: pytest.MonkeyPatch, base_url: str, api_token: str, start_date: date
) -> None:
    """Point the job at a simulator; quick retries so no test waits on a backoff."""
    monkeypatch.setenv("SOURCES__IPSCAPE__BASE_URL", base_url)
    monkeypatch.setenv("SOURCES__IPSCAPE__API_TOKEN", api_token)
    monkeypatch.setenv("SOURCES__IPSCAPE__START_DATE", start_date.isoformat())
    quick_retries(monkeypatch)


def configure_qvoice(monkeypatch: pytest.MonkeyPatch, base_url: str, config: object) -> None:
    """Point the job's QVoice source at a simulator world's credentials."""
    monkeypatch.setenv("SOURCES__QVOICE__BASE_URL", base_url)
    monkeypatch.setenv("SOURCES__QVOICE__USERNAME", config.username)
    monkeypatch.setenv("SOURCES__QVOICE__PASSWORD", config.password)
    monkeypatch.setenv("SOURCES__QVOICE__DOMAIN", config.domain)
    monkeypatch.setenv("SOURCES__QVOICE__ACCOUNT_ID", config.account_id)
    monkeypatch.setenv("SOURCES__QVOICE__START_DATE", config.start_date.isoformat())
    quick_retries(monkeypatch)


def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RUNTIME__REQUEST_MAX_ATTEMPTS", "3")
    monkeypatch.setenv("RUNTIME__REQUEST_BACKOFF_FACTOR", "0.01")
    monkeypatch.setenv("RUNTIME__REQUEST_MAX_RETRY_DELAY", "0.05")
    monkeypatch.setenv("RUNTIME__REQUEST_TIMEOUT", "10")


@contextlib.contextmanager
def job_log(level: int) -> Iterator[list[str]]:
    """The messages the job logs (`dialer_warehouse` logger) at `level` and above while
    the block runs."""
    messages: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(record.getMessage())

    logger, handler = logging.getLogger("dialer_warehouse"), Collect(level)
    was = logger.level
    logger.addHandler(handler)
    logger.setLevel(min(level, logger.getEffectiveLevel()))
    try:
        yield messages
    finally:
        logger.removeHandler(handler)
        logger.setLevel(was)


def run_cli(*args: str) -> tuple[int, str]:
    """`dialer-warehouse ARGS` in this process; returns the exit code and stdout."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(list(args))
    return code, out.getvalue()


def query(database: Path, sql: str, params: Iterable | None = None) -> list[dict]:
    """Rows as dicts, timestamps as aware UTC datetimes."""
    with duckdb.connect(str(database), read_only=True) as connection:
        connection.execute("set TimeZone = 'UTC'")
        result = connection.execute(sql, list(params or []))
        names = [column[0] for column in result.description]
        return [dict(zip(names, row, strict=True)) for row in result.fetchall()]


def mart_rows(database: Path, mart: str) -> list[dict]:
    """A mart's rows in the order of its grain."""
    return query(database, f"select * from marts.{mart} order by {', '.join(MART_KEYS[mart])}")


def column_names(database: Path, schema: str, table: str) -> list[str]:
    rows = query(
        database,
        "select column_name from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [schema, table],
    )
    return [row["column_name"] for row in rows]


def assert_rows_equal(actual: list[dict], expected: list[dict], keys: tuple[str, ...]) -> None:
    """Same keys, and every column equal (floats to 1e-9 relative)."""
    by_key_actual = {tuple(row[k] for k in keys): row for row in actual}
    by_key_expected = {tuple(row[k] for k in keys): row for row in expected}
    assert len(by_key_actual) == len(actual), "duplicate keys in the warehouse"
    missing = sorted(set(by_key_expected) - set(by_key_actual), key=str)
    extra = sorted(set(by_key_actual) - set(by_key_expected), key=str)
    assert not missing and not extra, f"missing {missing[:5]}, unexpected {extra[:5]}"
    mismatches = []
    for key, want in by_key_expected.items():
        got = by_key_actual[key]
        assert list(got) == list(want), f"columns differ: {list(got)} != {list(want)}"
        for column, wanted in want.items():
            if not _same(got[column], wanted):
                mismatches.append(f"{key} {column}: warehouse {got[column]!r} != oracle {wanted!r}")
    assert not mismatches, f"{len(mismatches)} differences, e.g.\n" + "\n".join(mismatches[:10])


def _same(got: object, wanted: object) -> bool:
    if isinstance(wanted, float) and isinstance(got, float):
        return math.isclose(got, wanted, rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(wanted, datetime) and isinstance(got, datetime):
        return got == wanted
    return type(got) is type(wanted) and got == wanted
