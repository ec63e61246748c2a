"""Column hints for raw tables."""

from dlt.common.schema.typing import TTableSchemaColumns


def typed_columns(**types: str) -> TTableSchemaColumns:
    """`name=data_type` pairs as dlt column hints (`bigint`, `text`, `timestamp`, ...)."""
    return {name: {"name": name, "data_type": data_type} for name, data_type in types.items()}
