"""Pages of a JSON feed parsed straight into Arrow tables, without per-record Python.

A page body `{"<data key>": [...], "metadata": {"nextUri": ...}}` is parsed by
`pyarrow.json` (C++, releases the GIL) into one table: one row per item, nested objects
flattened into columns named the way dlt names them (`timestamps.hangUp` becomes
`timestamps__hang_up`), lists kept as list columns (dlt stores them as JSON).

Named timestamp fields are read as text (pyarrow would otherwise guess a zone for naive
values) and parsed into UTC by `sources.common.arrow_checks`. A body whose items do not
share one type per field (a field that is a number in one record and text in another)
cannot become a table: the page is then handed over as Python records (`ParsedPage.
records`) and dlt's own normalizer keeps the odd values in a variant column.
"""

from __future__ import annotations

import io
import json
import os
import threading
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

import pyarrow as pa
import pyarrow.json as pa_json
from dlt.common.normalizers.naming.snake_case import NamingConvention
from requests import Response

from sources.common.rest import CheckedRESTClient, UnexpectedPayload, served_at
from sources.common.stored_pages import StoredPage, StoredPages

NAMING = NamingConvention()
UTC_MICROS = pa.timestamp("us", tz="UTC")


@dataclass
class ParsedPage:
    """One page: its items as a table (or as records when they do not fit one table),
    the link to the next page, the body for reading single records back, and when the
    vendor served it."""

    table: pa.Table | None
    next_link: str | None
    body: bytes
    data_key: str
    served_at: datetime | None = None  # the vendor's clock: the answer's `Date` header
    _records: list[dict] | None = field(default=None, repr=False)
    checked: Any = field(default=None, repr=False)  # a CheckedPage, when checked early
    url: str | None = None  # the request's URL, when its feed keeps stored pages
    digest: str | None = None  # the body's digest, when looking it up computed it
    # set when the page came back as stored (its rows are in the warehouse as they are):
    # it is not parsed, and carries no rows
    stored: StoredPage | None = None

    @property
    def records(self) -> list[dict]:
        """The items as the vendor sent them (parsed with `json`, only when needed)."""
        if self._records is None:
            self._records = json.loads(self.body)[self.data_key] or []
        return self._records

    @property
    def row_count(self) -> int:
        return self.table.num_rows if self.table is not None else len(self.records)


@dataclass(frozen=True)
class PageShape:
    """What a feed's pages look like: the items' key, where the next link is, and
    which nested fields (vendor paths like `timestamps.dialled`) are read as text."""

    data_key: str
    next_link_path: tuple[str, ...] = ("metadata", "nextUri")
    text_paths: tuple[str, ...] = ()

    def parse_options(self) -> pa_json.ParseOptions:
        return _parse_options(self.data_key, self.text_paths)


@cache
def _parse_options(data_key: str, text_paths: tuple[str, ...]) -> pa_json.ParseOptions:
    tree: dict[str, Any] = {}
    for path in text_paths:
        node = tree
        *parents, leaf = path.split(".")
        for parent in parents:
            node = node.setdefault(parent, {})
        node[leaf] = None

    def struct_of(node: dict[str, Any]) -> pa.StructType:
        return pa.struct(
            [
                (name, pa.string() if child is None else struct_of(child))
                for name, child in node.items()
            ]
        )

    schema = pa.schema([(data_key, pa.list_(struct_of(tree)))])
    return pa_json.ParseOptions(explicit_schema=schema, unexpected_field_behavior="infer")


def read_body(body: bytes, shape: PageShape) -> pa.Table:
    """A page body as pyarrow reads it: one row, the page's top-level keys as columns
    (the items a list of structs); one block, no threads of pyarrow's own (the window
    workers parse pages side by side). pa.ArrowInvalid when pyarrow cannot read it."""
    return pa_json.read_json(
        io.BytesIO(body.replace(b"\n", b" ")),  # one JSON object: one "line"
        read_options=pa_json.ReadOptions(use_threads=False, block_size=len(body) + 1),
        parse_options=shape.parse_options(),
    )


def parse_page(response: Response, shape: PageShape) -> ParsedPage:
    """The response as a ParsedPage; UnexpectedPayload when it is not a page at all."""
    body = response.content
    try:
        parsed = read_body(body, shape)
    except pa.ArrowInvalid:
        return _parsed_with_json(response, body, shape)
    if parsed.num_rows != 1:
        return _parsed_with_json(response, body, shape)
    items = parsed.column(shape.data_key)
    if items.null_count:  # absent and null look alike here: let `json` tell them apart
        return _parsed_with_json(response, body, shape)
    table = flat_table(items.chunk(0).flatten())
    next_link = _next_link(parsed, shape.next_link_path)
    return ParsedPage(table, next_link, body, shape.data_key, served_at(response))


def _parsed_with_json(response: Response, body: bytes, shape: PageShape) -> ParsedPage:
    """Python's `json` for a body pyarrow could not tabulate (mixed types, or not JSON)."""
    try:
        document = json.loads(body)
    except ValueError as error:
        raise UnexpectedPayload(response, "is not valid JSON") from error
    if not isinstance(document, dict) or shape.data_key not in document:
        raise UnexpectedPayload(response, f"has no '{shape.data_key}'")
    records = document[shape.data_key] or []
    if not isinstance(records, list):
        raise UnexpectedPayload(response, f"has '{shape.data_key}' that is not a list")
    node: Any = document
    for step in shape.next_link_path:
        node = node.get(step) if isinstance(node, dict) else None
    next_link = node if isinstance(node, str) and node else None
    return ParsedPage(None, next_link, body, shape.data_key, served_at(response), records)


def page_served_at(page: ParsedPage) -> datetime | None:
    return page.served_at


def _next_link(parsed: pa.Table, path: tuple[str, ...]) -> str | None:
    head, *rest = path
    if head not in parsed.column_names:
        return None
    value = parsed.column(head)[0].as_py()
    for step in rest:
        value = value.get(step) if isinstance(value, dict) else None
    return value if isinstance(value, str) and value else None


def flat_table(items: pa.StructArray) -> pa.Table:
    """Struct items as a table of leaf columns named as dlt names nested fields.

    Columns pyarrow typed `null` (no record had a value) are left out: they carry no data,
    and the columns the warehouse reads are declared on the resource anyway. Times
    pyarrow recognised itself (fields not named as text) are made UTC microseconds.
    """
    names, arrays = [], []

    def visit(array: pa.Array, prefix: str) -> None:
        if pa.types.is_struct(array.type):
            # flatten() carries a null parent object down to its children
            for child_type, child in zip(array.type, array.flatten(), strict=True):
                visit(child, f"{prefix}{NAMING.normalize_identifier(child_type.name)}__")
        elif pa.types.is_timestamp(array.type):  # a time pyarrow recognised on its own
            names.append(prefix[:-2])
            arrays.append(array.cast(UTC_MICROS))
        elif not pa.types.is_null(array.type):
            names.append(prefix[:-2])
            arrays.append(array)

    visit(items, "")
    return pa.Table.from_arrays(arrays, names=names)


# Parsing and checking pages is CPU work: more threads at it than cores only queue on
# the GIL (measured: a backfill's extract 21.7 s with 8 at it, 19.4 s with 2), while
# threads waiting on the vendor hold no slot.
PROCESSING_SLOTS = threading.BoundedSemaphore(os.cpu_count() or 2)


class ArrowPagesClient(CheckedRESTClient):
    """A RESTClient whose pages are ParsedPage objects (one per page, inside the list
    dlt's paginate yields), so dlt's paging, retries and hooks stay in charge.

    With `stored_pages` set (by the walk that uses the client), a page served again as
    stored is not parsed: it comes as an empty page with the remembered next link."""

    def __init__(self, *args: Any, shape: PageShape, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.shape = shape
        self.stored_pages: StoredPages | None = None

    def extract_response(self, response: Response, data_selector: Any) -> list[Any]:
        stored_pages = self.stored_pages
        if stored_pages is None:
            with PROCESSING_SLOTS:
                return [parse_page(response, self.shape)]
        url, body = response.url, response.content
        stored, digest = stored_pages.served_again(url, body)
        if stored is not None:
            page = ParsedPage(None, stored.next_link, b"", self.shape.data_key, _records=[])
            page.served_at, page.url, page.stored = served_at(response), url, stored
            return [page]
        with PROCESSING_SLOTS:
            page = parse_page(response, self.shape)
        page.url, page.digest = url, digest
        return [page]
