"""`dialer-warehouse`: the command line of the nightly job.

    dialer-warehouse run [--source NAME]... [--warehouse PATH]
    dialer-warehouse load [--source NAME]... [--warehouse PATH]
    dialer-warehouse transform [--warehouse PATH] [--full-refresh]
    dialer-warehouse export [--warehouse PATH]
    dialer-warehouse demo [--warehouse PATH] [--advance-days N]
    dialer-warehouse callbacks serve [--listen HOST:PORT] [--warehouse PATH]
    dialer-warehouse status [--warehouse PATH] [--max-age-hours H]

Exit codes: 0 success; 1 a step failed; 2 bad configuration or usage; 3 another run
holds the warehouse; 4 another process held the DuckDB file past the wait; 5 (`status`)
a source is stale. Failures print one line on stderr (a traceback only with `--verbose`).
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import logging
import os
import sys
import threading
import time
import traceback

from warehouse.errors import JobError
from warehouse.leaving_readers import readers_may_leave
from warehouse.paths import WarehouseLocation, resolve_warehouse, use_project_config
from warehouse.redaction import RedactingStream
from warehouse.run_log import RunRecord, seconds_since


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dialer-warehouse",
        description="Load dialer platform feeds into DuckDB, build the marts, export them.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log steps; tracebacks")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, help_text: str, sources: bool = False) -> argparse.ArgumentParser:
        command = commands.add_parser(name, help=help_text, description=help_text)
        command.add_argument(
            "--warehouse",
            metavar="PATH",
            help="DuckDB file (default: $DIALER_WAREHOUSE_PATH, else warehouse/dialer.duckdb)",
        )
        if sources:
            command.add_argument(
                "--source",
                action="append",
                metavar="NAME",
                help="load only this source (repeatable); it must be configured",
            )
        return command

    add("run", "the nightly job: load every configured source, transform, export", True)
    add("load", "load the configured sources into their raw schemas", True)
    transform = add("transform", "build staging, core and marts with dbt")
    transform.add_argument("--full-refresh", action="store_true", help="rebuild every model")
    add("export", "write each mart to warehouse/exports/<mart>.parquet")
    demo = add("demo", "run the nightly job against the built-in vendor simulator")
    status = commands.add_parser(
        "status",
        help="the last runs and each source's freshness; exit 5 when a source is stale",
        description="the last runs and each source's freshness; exit 5 when a source is stale",
    )
    status.add_argument("--warehouse", metavar="PATH", help="as for run")
    status.add_argument(
        "--max-age-hours",
        type=float,
        default=36.0,
        metavar="H",
        help="a configured source whose newest record is older than this is stale (default 36)",
    )
    demo.add_argument(
        "--advance-days",
        type=int,
        default=0,
        metavar="N",
        help="move the simulator's clock N days past today (new data, late updates)",
    )
    callbacks = commands.add_parser(
        "callbacks", help="the CloudAgent callback receiver as a long-lived service"
    )
    callback_commands = callbacks.add_subparsers(dest="callbacks_command", required=True)
    serve = callback_commands.add_parser(
        "serve", help="receive CloudAgent callbacks and land them durably until stopped"
    )
    serve.add_argument("--warehouse", metavar="PATH", help="as for run (finds the landing folder)")
    serve.add_argument(
        "--listen",
        metavar="HOST:PORT",
        help="address to listen on (default: SOURCES__CLOUDAGENT__CALLBACK_LISTEN)",
    )
    return parser


def console() -> int:
    """The `dialer-warehouse` script: `main`, then the exit a finished command needs,
    without the interpreter's finalization.

    CPython's finalization collects and frees, module by module, every object a command
    left behind (dlt's schemas and configuration, pyarrow and DuckDB bindings, typing
    caches): 0.25 to 0.5 s of a no-op `run` that lasts ~3 s. A finished command has
    closed its DuckDB connections and files, so this exit runs what a normal one runs
    first (the `atexit` callbacks: logging's flush, `weakref.finalize`), flushes stdout
    and stderr, and ends the process (0.02 s). `gc.freeze` would skip the collections
    too, but DuckDB's bindings then report the objects they still see as leaked, on
    stderr. While another thread still runs (a normal exit would wait for it), the exit
    is the normal one. argparse's own exits (`--help`, a usage error) end the same way."""
    try:
        code = main()
    except SystemExit as stop:
        if not isinstance(stop.code, int | None):
            raise
        code = stop.code or 0
    if threading.active_count() > 1:
        return code
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe, a closed stream
            stream.flush()
    os._exit(code)


def main(argv: list[str] | None = None) -> int:
    with readers_may_leave():
        args = build_parser().parse_args(argv)
        from warehouse.process_memory import pandas_kept_out

        with pandas_kept_out():
            return _main(args)


def _main(args: argparse.Namespace) -> int:
    use_project_config()
    stdout, stderr = RedactingStream(sys.stdout, []), RedactingStream(sys.stderr, [])
    sys.stdout, sys.stderr = stdout, stderr
    logging.basicConfig(
        level=logging.INFO if args.verbose or stderr.isatty() else logging.WARNING,
        format="%(asctime)s %(levelname)s %(message)s",
        stream=stderr,
    )
    try:
        from warehouse.errors import EXIT_FAILED
        from warehouse.registry import SOURCES

        for spec in SOURCES.values():
            secrets = spec.secret_values()
            stdout.add_secrets(secrets)
            stderr.add_secrets(secrets)
        return _dispatch(args, stdout, stderr)
    except JobError as error:
        _fail(args, stderr, str(error))
        return error.exit_code
    except KeyboardInterrupt:
        _fail(args, stderr, "interrupted")
        return 130
    except Exception as error:
        _fail(args, stderr, f"unexpected {type(error).__name__}: {error}")
        return EXIT_FAILED
    finally:
        sys.stdout, sys.stderr = stdout._stream, stderr._stream


WRITING_COMMANDS = ("run", "load", "transform", "export", "demo")


def _dispatch(args: argparse.Namespace, stdout: RedactingStream, stderr: RedactingStream) -> int:
    location = resolve_warehouse(args.warehouse)
    if args.command == "status":
        from warehouse.status import print_status

        return print_status(location, args.max_age_hours, out=stdout)
    if args.command == "callbacks":
        from warehouse.callback_service import serve_callbacks

        serve_callbacks(location, args.listen, out=stdout)
        return 0
    from warehouse.file_access import wait_for_write_access
    from warehouse.run_lock import run_lock

    with run_lock(location, args.command):
        wait_for_write_access(location)
        _logged_run(location, args, stdout, stderr)
    return 0


def _logged_run(
    location: WarehouseLocation,
    args: argparse.Namespace,
    stdout: RedactingStream,
    stderr: RedactingStream,
) -> None:
    """Run one writing command with its row in `ops.runs` (started, then finished)."""
    from warehouse import run_log

    record = run_log.RunRecord(args.command)
    run_log.record_start(location, record)
    try:
        _run_command(location, args, record, stdout, stderr)
    except Exception as error:
        message = str(error) if isinstance(error, JobError) else f"{type(error).__name__}: {error}"
        run_log.record_end(location, record, stderr.scrub(message))
        raise
    run_log.record_end(location, record, None)


def _run_command(
    location: WarehouseLocation,
    args: argparse.Namespace,
    record: RunRecord,
    stdout: RedactingStream,
    stderr: RedactingStream,
) -> None:
    from warehouse import job, summary

    if args.command == "run":
        result = job.run_job(location, args.source, record)
        print(summary.format_loads(result.loads), file=stdout)
        if result.marts_current:
            print("Nothing new: marts and exports are current, left as they are", file=stdout)
        else:
            print(f"Exported {len(result.exports)} marts to {location.exports_dir}", file=stdout)
    elif args.command == "load":
        print(summary.format_loads(job.load_step(location, args.source, record)), file=stdout)
    elif args.command == "transform":
        job.transform_step(location, full_refresh=args.full_refresh, record=record)
        print(f"Transforms built in {location.database}", file=stdout)
    elif args.command == "export":
        started = time.monotonic()
        written = job.export_step(location)
        record.step_seconds["export"] = seconds_since(started)
        print(f"Exported {len(written)} marts to {location.exports_dir}", file=stdout)
    elif args.command == "demo":
        from warehouse.demo import run_demo

        run_demo(location, args.advance_days, stdout, [stderr, stdout], record)


def _fail(args: argparse.Namespace, stderr: RedactingStream, message: str) -> None:
    if args.verbose:
        traceback.print_exc(file=stderr)
    print(f"dialer-warehouse: {message}", file=stderr)


if __name__ == "__main__":
    sys.exit(console())
