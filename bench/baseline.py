"""`python -m bench.baseline`: the baseline, a plain dlt pipeline with dlt's defaults
loading dialler attempts from a served world (run in its own process by the benchmark).

What a newcomer would write from dlt's docs: RESTClient pages followed by their
`metadata.nextUri` link, one dict per row, the default loader file format
(`insert_values` for DuckDB), merge on `attemptId`, incremental on
`timestamps.dialled`. Prints one JSON line: rows loaded and the seconds of
`pipeline.run` (imports and start-up left out, which flatters the baseline).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator
from typing import Any

import dlt
from dlt.sources.helpers.rest_client import RESTClient
from dlt.sources.helpers.rest_client.auth import BearerTokenAuth
from dlt.sources.helpers.rest_client.paginators import JSONLinkPaginator
from requests import Request


class ApiRootLinkPaginator(JSONLinkPaginator):
    """JSONLinkPaginator whose `/v3.0/...` links are below the API root, not the host."""

    def __init__(self, api_root: str) -> None:
        super().__init__(next_url_path="metadata.nextUri")
        self.api_root = api_root

    def update_request(self, request: Request) -> None:
        if self._next_reference and self._next_reference.startswith("/v3.0/"):
            self._next_reference = f"{self.api_root}{self._next_reference}"
        super().update_request(request)


def dialler_attempts_source(api_root: str, api_token: str, until: str) -> Any:
    client = RESTClient(base_url=api_root, auth=BearerTokenAuth(api_token))

    @dlt.resource(primary_key="attemptId", write_disposition="merge")
    def dialler_attempts(
        dialled: dlt.sources.incremental[str] = dlt.sources.incremental(
            "timestamps.dialled", initial_value="1970-01-01T00:00:00Z"
        ),
    ) -> Iterator[list[dict]]:
        params = {"dialledTimestampFrom": dialled.start_value, "dialledTimestampTo": until}
        yield from client.paginate(
            "v3.0/calls/dialler",
            params=params,
            paginator=ApiRootLinkPaginator(api_root),
            data_selector="items",
        )

    return dialler_attempts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.baseline", description=__doc__)
    parser.add_argument("--base-url", required=True, help="API root with /platform-api")
    parser.add_argument("--api-token", required=True)
    parser.add_argument("--until", required=True, help="dialledTimestampTo, ISO-8601 with Z")
    parser.add_argument("--database", required=True, help="DuckDB file to create")
    parser.add_argument("--pipelines-dir", required=True)
    args = parser.parse_args(argv)
    pipeline = dlt.pipeline(
        pipeline_name="bench_baseline",
        destination=dlt.destinations.duckdb(args.database),
        dataset_name="baseline_raw",
        pipelines_dir=args.pipelines_dir,
    )
    started = time.perf_counter()
    info = pipeline.run(dialler_attempts_source(args.base_url, args.api_token, args.until))
    seconds = time.perf_counter() - started
    info.raise_on_failed_jobs()
    rows = pipeline.last_trace.last_normalize_info.row_counts.get("dialler_attempts", 0)
    print(json.dumps({"rows": rows, "seconds": seconds}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
