"""No configured secret shows up anywhere the job writes, on any path it can take.

Distinctive secret values are configured for the three sources (the ipSCAPE API token,
the QVoice username, password and domain, the CloudAgent API key and callback secret,
which ends the callback URL the job sends to the vendor). The command line runs as cron
would start it, a separate process, mostly with `--verbose` (logs and tracebacks),
through every failure path the simulator can drive and a successful night. Then
stdout, stderr, every file under the job's home and warehouse folder (exports, dbt
logs, dlt pipeline folders, landed callbacks; Parquet and gzip read back, callback
bodies decoded) and every column of every table of the DuckDB file are searched for
each secret value, and for any JWT-shaped token the vendors issued.
"""

from __future__ import annotations

import base64
import gzip
import json
import os
import re
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from dlt.common.versioned_state import decompress_state

from simulator import (
    CloudAgentConfig,
    CloudAgentWorld,
    IpscapeWorld,
    QVoiceConfig,
    QVoiceWorld,
    SimulatorConfig,
    SimulatorServer,
)

CLI = str(Path(sys.executable).with_name("dialer-warehouse"))

IPSCAPE_TOKEN = "ipscape-token-7Hq2Lx9Vw4"
QVOICE_USERNAME = "qvoice-user-Bm5Rt8Ks1"
QVOICE_PASSWORD = "qvoice-pass-Zt3Np6Wd0"
QVOICE_DOMAIN = "qvoice-domain-Jc4Fy7Ge2"
CLOUDAGENT_KEY = "cloudagent-key-Ux6Pa1Hn8"
CALLBACK_SECRET = "callback-secret-Ro9Ye3Mb5"
WRONG_IPSCAPE_TOKEN = "wrong-ipscape-token-Qa1Sd4Fg7"
WRONG_QVOICE_PASSWORD = "wrong-qvoice-pass-Hj2Kl5Zx8"
WRONG_CLOUDAGENT_KEY = "wrong-cloudagent-key-Cv3Bn6Mq9"
SECRETS = (
    IPSCAPE_TOKEN,
    QVOICE_USERNAME,
    QVOICE_PASSWORD,
    QVOICE_DOMAIN,
    CLOUDAGENT_KEY,
    CALLBACK_SECRET,
    WRONG_IPSCAPE_TOKEN,
    WRONG_QVOICE_PASSWORD,
    WRONG_CLOUDAGENT_KEY,
)
# tokens the vendors issue at login (QVoice) or on request (CloudAgent) are JWT-shaped
VENDOR_TOKEN = re.compile(r"eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]{8,}")

IPSCAPE_DIALLER = "/v3.0/calls/dialler"
QVOICE_HISTORY = "/api/v2/reports/campaigns/leads/history"
CLOUDAGENT_DIAL_STATUS = "/endpoint/dailer/data/preview/download"
SLOW_PAGE_SECONDS = 3.0


@dataclass(frozen=True)
class CliRun:
    """One run of the command line: how it ended and what it said."""

    args: tuple[str, ...]
    exit_code: int
    stdout: str
    stderr: str


@dataclass
class Night:
    home: Path
    database: Path
    runs: dict[str, CliRun]


def run(env: dict, *args: str, **settings: str) -> CliRun:
    result = subprocess.run(
        [CLI, *args],
        env=env | settings,
        cwd=env["HOME"],
        capture_output=True,
        text=True,
        timeout=180,
    )
    return CliRun(args, result.returncode, result.stdout, result.stderr)


def wait_until_requested(server: SimulatorServer, path: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not any(r.path.endswith(path) for r in server.requests):
        assert time.monotonic() < deadline, f"{path} was never requested"
        time.sleep(0.02)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def night(tmp_path_factory: pytest.TempPathFactory) -> Night:
    ipscape_config = SimulatorConfig.for_days(
        2, attempts_per_campaign_day=5, api_token=IPSCAPE_TOKEN
    )
    qvoice_config = QVoiceConfig.for_days(
        2, username=QVOICE_USERNAME, password=QVOICE_PASSWORD, domain=QVOICE_DOMAIN
    )
    cloudagent_config = CloudAgentConfig.for_days(
        2, api_key=CLOUDAGENT_KEY, rate_limit_per_minute=1000, tokens_per_hour=1000
    )
    ipscape, qvoice = IpscapeWorld(ipscape_config), QVoiceWorld(qvoice_config)
    cloudagent = CloudAgentWorld(cloudagent_config)
    home = tmp_path_factory.mktemp("home")
    database = home / "wh" / "dialer.duckdb"
    runs: dict[str, CliRun] = {}
    with SimulatorServer(ipscape, qvoice=qvoice, cloudagent=cloudagent) as server:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SOURCES__", "RUNTIME__"))}
        env |= {
            "HOME": str(home),
            "DIALER_WAREHOUSE_PATH": str(database),
            "RUNTIME__REQUEST_MAX_ATTEMPTS": "2",
            "RUNTIME__REQUEST_BACKOFF_FACTOR": "0.01",
            "RUNTIME__REQUEST_MAX_RETRY_DELAY": "0.05",
            "RUNTIME__REQUEST_TIMEOUT": "5",
            "SOURCES__IPSCAPE__BASE_URL": server.base_url,
            "SOURCES__IPSCAPE__API_TOKEN": IPSCAPE_TOKEN,
            "SOURCES__IPSCAPE__START_DATE": ipscape_config.start_date.isoformat(),
            "SOURCES__QVOICE__BASE_URL": server.qvoice_base_url,
            "SOURCES__QVOICE__USERNAME": QVOICE_USERNAME,
            "SOURCES__QVOICE__PASSWORD": QVOICE_PASSWORD,
            "SOURCES__QVOICE__DOMAIN": QVOICE_DOMAIN,
            "SOURCES__QVOICE__ACCOUNT_ID": qvoice_config.account_id,
            "SOURCES__QVOICE__START_DATE": qvoice_config.start_date.isoformat(),
            "SOURCES__CLOUDAGENT__BASE_URL": server.cloudagent_base_url,
            "SOURCES__CLOUDAGENT__API_KEY": CLOUDAGENT_KEY,
            "SOURCES__CLOUDAGENT__USER_NAME": cloudagent_config.user_name,
            "SOURCES__CLOUDAGENT__CAMPAIGNS": "Loan_Offers,Card_Upsell,Renewal_Calls",
            "SOURCES__CLOUDAGENT__CALLBACK_SECRET": CALLBACK_SECRET,
            "SOURCES__CLOUDAGENT__CALLBACK_LISTEN": "127.0.0.1:0",
            "SOURCES__CLOUDAGENT__CALLBACK_WAIT_SECONDS": "10",
            "SOURCES__CLOUDAGENT__START_DATE": cloudagent_config.start_date.isoformat(),
        }
        faults = server.faults

        # a successful night (load, dbt, exports) with a bad record per paged feed
        attempts = ipscape.ground_truth().dialler_attempts
        bad_attempt = {"attemptId": 4242, "timestamps": {"dialled": "yesterday-ish"}}
        faults.add(
            IPSCAPE_DIALLER, replace_body={"metadata": {}, "items": [*attempts, bad_attempt]}
        )
        history = qvoice.ground_truth().leads_history
        bad_dial = dict(history[-1], call_id="bad-dial-1", timestamp="yesterday-ish")
        faults.add(QVOICE_HISTORY, replace_body={"data": [*history, bad_dial]})
        runs["successful_run_with_quarantined_records"] = run(env, "--verbose", "run")

        runs["wrong_credentials"] = run(
            env,
            "--verbose",
            "load",
            SOURCES__IPSCAPE__API_TOKEN=WRONG_IPSCAPE_TOKEN,
            SOURCES__QVOICE__PASSWORD=WRONG_QVOICE_PASSWORD,
            SOURCES__CLOUDAGENT__API_KEY=WRONG_CLOUDAGENT_KEY,
        )
        runs["wrong_credentials_without_verbose"] = run(
            env,
            "run",
            SOURCES__IPSCAPE__API_TOKEN=WRONG_IPSCAPE_TOKEN,
            SOURCES__QVOICE__PASSWORD=WRONG_QVOICE_PASSWORD,
            SOURCES__CLOUDAGENT__API_KEY=WRONG_CLOUDAGENT_KEY,
        )

        nowhere = f"http://127.0.0.1:{closed_port()}"
        runs["unreachable_api"] = run(
            env,
            "--verbose",
            "load",
            SOURCES__IPSCAPE__BASE_URL=f"{nowhere}/platform-api",
            SOURCES__QVOICE__BASE_URL=nowhere,
            SOURCES__CLOUDAGENT__BASE_URL=nowhere,
        )

        faults.add(IPSCAPE_DIALLER, status=503, times=None)
        faults.add(QVOICE_HISTORY, status=401, times=2)  # refused again after the re-login
        faults.add(CLOUDAGENT_DIAL_STATUS, status=503, times=None)
        runs["server_errors_past_retries_and_a_refused_token"] = run(env, "--verbose", "load")
        faults.clear()

        for path in (IPSCAPE_DIALLER, QVOICE_HISTORY, CLOUDAGENT_DIAL_STATUS):
            faults.add(path, truncate_body=True, times=None)
        runs["pages_that_are_not_valid_json"] = run(env, "--verbose", "load")
        faults.clear()

        # a vendor error that quotes the callback URL it was given
        echo = {
            "status": "error",
            "message": f"callBackUrl is not reachable: http://127.0.0.1:9/cloudagent/callback/"
            f"{CALLBACK_SECRET}",
        }
        faults.add(CLOUDAGENT_DIAL_STATUS, replace_body=echo, times=None)
        runs["vendor_error_quoting_the_callback_url"] = run(
            env, "--verbose", "load", "--source", "cloudagent"
        )
        faults.clear()

        server.clear_requests()
        faults.add(IPSCAPE_DIALLER, delay_seconds=SLOW_PAGE_SECONDS)
        holder = subprocess.Popen(
            [CLI, "load", "--source", "ipscape"],
            env=env,
            cwd=home,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        wait_until_requested(server, IPSCAPE_DIALLER)
        runs["a_run_while_another_holds_the_lock"] = run(env, "--verbose", "load")
        stdout, stderr = holder.communicate(timeout=120)
        runs["the_run_holding_the_lock"] = CliRun(
            ("load", "--source", "ipscape"), holder.returncode, stdout, stderr
        )
        faults.clear()

        reader = subprocess.Popen(
            [
                sys.executable,
                "-c",
                f"import duckdb, time; c = duckdb.connect({str(database)!r}, read_only=True); "
                "print('open', flush=True); time.sleep(60)",
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert reader.stdout.readline().strip() == "open"
            runs["a_reader_holding_the_file"] = run(
                env, "--verbose", "load", "--source", "ipscape", DIALER_WAREHOUSE_WAIT_SECONDS="1"
            )
        finally:
            reader.kill()
            reader.wait()

        runs["status"] = run(env, "status")
    return Night(home, database, runs)


# how each path must end, and what it must say to show the path was really taken
EXPECTED = {
    "successful_run_with_quarantined_records": (0, ["ipscape_raw._quarantine"]),
    "wrong_credentials": (
        1,
        [
            "ipscape: the API refused the credentials (HTTP 401",
            "qvoice: login refused (HTTP 400",
            "cloudagent: the API refused the credentials (Authentication failed)",
        ],
    ),
    "wrong_credentials_without_verbose": (1, ["ipscape: the API refused the credentials"]),
    "unreachable_api": (
        1,
        [
            "ipscape: API is unreachable",
            "qvoice: API is unreachable",
            "cloudagent: API is unreachable",
        ],
    ),
    "server_errors_past_retries_and_a_refused_token": (
        1,
        [
            "ipscape: HTTP 503",
            "qvoice: the API refused the credentials (HTTP 401",
            "cloudagent: HTTP 503",
        ],
    ),
    "pages_that_are_not_valid_json": (1, ["ipscape:", "qvoice:", "cloudagent:"]),
    "vendor_error_quoting_the_callback_url": (
        1,
        ["cloudagent: the vendor refused the callback URL", "/cloudagent/callback/***"],
    ),
    "a_run_while_another_holds_the_lock": (3, ["another run holds the warehouse since"]),
    "the_run_holding_the_lock": (0, ["ipscape_raw.dialler_attempts"]),
    "a_reader_holding_the_file": (4, ["held by another process"]),
    "status": (5, ["Recent runs:", "refused the credentials"]),
}


def found_secrets(text: str) -> list[str]:
    """The configured secret values in `text`, and any vendor token."""
    return [secret for secret in SECRETS if secret in text] + VENDOR_TOKEN.findall(text)


def file_texts(folder: Path) -> dict[str, str]:
    """Every file below `folder` as text: bytes as they are, plus Parquet values, gzip
    content and landed callback bodies decoded."""
    texts = {}
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        parts = [data.decode("utf-8", errors="replace")]
        if data[:2] == b"\x1f\x8b":
            parts.append(gzip.decompress(data).decode("utf-8", errors="replace"))
        if data[:4] == b"PAR1":
            parts.append(repr(pq.read_table(path).to_pylist()))
        if path.suffix == ".json" and b"body_base64" in data:
            envelope = json.loads(data)
            parts.append(base64.b64decode(envelope["body_base64"]).decode("utf-8", "replace"))
        texts[str(path.relative_to(folder))] = "\n".join(parts)
    return texts


def table_texts(database: Path) -> dict[str, str]:
    """Every table and view of every schema, all columns, as text (dlt's compressed
    pipeline state decompressed)."""
    texts = {}
    with duckdb.connect(str(database), read_only=True) as connection:
        relations = connection.execute(
            "select table_schema, table_name from information_schema.tables order by all"
        ).fetchall()
        for schema, name in relations:
            result = connection.execute(f'select * from "{schema}"."{name}"')
            columns = [column[0] for column in result.description]
            parts = []
            for row in result.fetchall():
                for column, value in zip(columns, row, strict=True):
                    text = (
                        value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
                    )
                    if name == "_dlt_pipeline_state" and column == "state" and value:
                        text += json.dumps(decompress_state(value), default=str)
                    parts.append(text)
            texts[f"{schema}.{name}"] = "\n".join(parts)
    return texts


@pytest.mark.parametrize("path", list(EXPECTED))
def test_each_path_ended_as_expected(night: Night, path: str) -> None:
    code, phrases = EXPECTED[path]
    result = night.runs[path]
    assert result.exit_code == code, result.stderr
    output = result.stdout + result.stderr
    missing = [phrase for phrase in phrases if phrase not in output]
    assert not missing, output


@pytest.mark.parametrize("path", list(EXPECTED))
def test_no_secret_in_stdout_or_stderr(night: Night, path: str) -> None:
    result = night.runs[path]
    assert found_secrets(result.stdout) == []
    assert found_secrets(result.stderr) == []


def test_verbose_runs_did_print_tracebacks_and_logs(night: Night) -> None:
    """The scan covered the most that `--verbose` prints, not only one-line errors."""
    verbose = night.runs["server_errors_past_retries_and_a_refused_token"].stderr
    assert "Traceback" in verbose
    assert " INFO " in night.runs["successful_run_with_quarantined_records"].stderr


def test_no_secret_in_any_file(night: Night) -> None:
    texts = file_texts(night.home)
    folder = night.database.parent
    for expected in ("exports", ".state", "landing"):
        assert (folder / expected).is_dir(), f"no {expected} folder: nothing was scanned there"
    assert any(name.endswith(".parquet") for name in texts)
    assert any("dbt-logs" in name for name in texts)
    assert any("pipelines" in name for name in texts)
    leaks = {name: found for name, text in texts.items() if (found := found_secrets(text))}
    assert leaks == {}


def test_no_secret_in_any_table(night: Night) -> None:
    texts = table_texts(night.database)
    for expected in ("ops.runs", "ipscape_raw._quarantine", "marts.data_quality"):
        assert texts.get(expected), f"{expected} is empty: nothing was scanned there"
    leaks = {name: found for name, text in texts.items() if (found := found_secrets(text))}
    assert leaks == {}


def test_the_scan_finds_a_planted_secret(tmp_path: Path) -> None:
    """The scanners read what they claim to: a secret in a VARCHAR column, in a Parquet
    file, in a gzip file and in a landed callback body is found."""
    database = tmp_path / "scan.duckdb"
    with duckdb.connect(str(database)) as connection:
        connection.execute("create schema planted")
        connection.execute("create table planted.t as select ? as note", [f"x{IPSCAPE_TOKEN}x"])
        connection.execute(f"copy planted.t to '{tmp_path / 'planted.parquet'}'")
    (tmp_path / "planted.gz").write_bytes(gzip.compress(QVOICE_PASSWORD.encode()))
    body = base64.b64encode(json.dumps({"url": f"/cb/{CALLBACK_SECRET}"}).encode()).decode()
    (tmp_path / "landed.json").write_text(json.dumps({"body_base64": body}))
    assert found_secrets(table_texts(database)["planted.t"]) == [IPSCAPE_TOKEN]
    files = file_texts(tmp_path)
    assert IPSCAPE_TOKEN in found_secrets(files["planted.parquet"])
    assert found_secrets(files["planted.gz"]) == [QVOICE_PASSWORD]
    assert found_secrets(files["landed.json"]) == [CALLBACK_SECRET]
