"""JSON Schema pieces for the collections' fields."""

from __future__ import annotations

from typing import Any

TEXT: dict[str, Any] = {"type": "string"}
MAYBE_TEXT: dict[str, Any] = {"type": ["string", "null"]}
COUNT: dict[str, Any] = {"type": "integer", "minimum": 0}
FLAG: dict[str, Any] = {"type": "boolean"}
TIME: dict[str, Any] = {"type": "string", "format": "date-time"}
MAYBE_TIME: dict[str, Any] = {"type": ["string", "null"], "format": "date-time"}
TEXTS: dict[str, Any] = {"type": "array", "items": TEXT}


def one_of(*values: str) -> dict[str, Any]:
    return {"type": "string", "enum": list(values)}


def objects(properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": {"type": "object", "properties": properties}}
