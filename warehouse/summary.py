"""Plain-text summaries the CLI prints after a run."""

from __future__ import annotations

import duckdb

from warehouse.load import SourceLoad
from warehouse.paths import WarehouseLocation


def format_loads(loads: list[SourceLoad]) -> str:
    """Per raw table: rows loaded this run (new, or re-read and changed), and how many of
    them were new."""
    rows = [
        (
            f"{load.source}_raw.{table}",
            load.rows_by_table.get(table, 0),
            load.new_rows_by_table.get(table, 0),
        )
        for load in loads
        for table in sorted(set(load.rows_by_table) | set(load.new_rows_by_table))
    ]
    width = max([len(name) for name, _, _ in rows] + [len("raw table")])
    lines = [f"  {'raw table':<{width}} {'loaded':>10} {'new':>10}"]
    lines += [f"  {name:<{width}} {loaded:>10,} {new:>10,}" for name, loaded, new in rows]
    if len(lines) == 1:
        lines.append("  (no source loaded)")
    return "Rows loaded this run:\n" + "\n".join(lines)


def format_last_day(location: WarehouseLocation) -> str:
    """Per campaign, its last loaded local day: attempts, live-answer and abandon rates."""
    query = """
        with last_day as (
            select source_system, max(report_date) as report_date
            from marts.dial_outcomes_daily group by source_system
        )
        select d.source_system, d.campaign_id, d.campaign_name, d.report_date,
               d.attempts, d.live_answer_rate, d.abandon_rate
        from marts.dial_outcomes_daily as d
        join last_day using (source_system, report_date)
        order by d.source_system, d.campaign_id
    """
    with duckdb.connect(str(location.database), read_only=True) as connection:
        rows = connection.execute(query).fetchall()
    lines = ["Last loaded day per campaign:"]
    header = (
        f"  {'source':<10} {'campaign':<28} {'day':<10} {'attempts':>8} {'live':>7} {'abandon':>8}"
    )
    lines.append(header)
    for source, campaign_id, name, day, attempts, live_rate, abandon_rate in rows:
        label = (name or campaign_id)[:28]
        lines.append(
            f"  {source:<10} {label:<28} {day.isoformat():<10} {attempts:>8,} "
            f"{_percent(live_rate):>7} {_percent(abandon_rate):>8}"
        )
    if not rows:
        lines.append("  (no attempts in the warehouse yet)")
    return "\n".join(lines)


def _percent(rate: float | None) -> str:
    return "-" if rate is None else f"{rate:.1%}"
