"""`dialer-warehouse demo`, as `make demo` runs it: three simulated vendors, twice."""

from __future__ import annotations

from pathlib import Path

from tests.support import query
from tests.test_cli import run


def test_demo_runs_twice_and_the_second_finds_nothing_new(tmp_path: Path) -> None:
    database = tmp_path / "demo" / "dialer.duckdb"
    first = run(tmp_path, "demo", "--warehouse", str(database))
    assert first.returncode == 0, first.stderr
    assert "Last loaded day per campaign:" in first.stdout
    # every campaign that dialled on ipSCAPE's last loaded day (Collections QLD does not
    # dial on Sundays), and the campaigns that dial every day among them
    last_day = query(
        database,
        "select distinct campaign_name from marts.dial_outcomes_daily "
        "where source_system = 'ipscape' and report_date = ("
        "select max(report_date) from marts.dial_outcomes_daily "
        "where source_system = 'ipscape')",
    )
    campaigns = {row["campaign_name"] for row in last_day}
    assert {"Sales Outbound", "Renewals WA", "Win-back"} <= campaigns
    for campaign in campaigns:
        assert campaign in first.stdout
    assert "qvoice_raw.leads_history" in first.stdout
    assert "Solar Leads" in first.stdout
    assert "cloudagent_raw.dial_status" in first.stdout
    assert "Loan_Offers" in first.stdout
    assert {p.name for p in (database.parent / "exports").iterdir()} == {
        "dial_outcomes_daily.parquet",
        "dispositions_daily.parquet",
        "agent_performance_daily.parquet",
        "unmapped_statuses.parquet",
        "lead_status_history.parquet",
        "data_quality.parquet",
    }
    second = run(tmp_path, "demo", "--warehouse", str(database))
    assert second.returncode == 0, second.stderr
    new_counts = [
        line.split()[-1]
        for line in second.stdout.splitlines()
        if "ipscape_raw." in line or "qvoice_raw.leads_history" in line
    ]
    assert new_counts and set(new_counts) == {"0"}
