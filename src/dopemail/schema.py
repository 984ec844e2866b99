"""JSON Schema of the content model, for editors' completion and validation."""

from __future__ import annotations

from typing import Any

from .config import Settings
from .models import Entry, Issue

_MODELS = {"entry": Entry, "issue": Issue, "config": Settings}


def json_schema(what: str = "entry") -> dict[str, Any]:
    """The JSON Schema of an entry's front matter, an issue's, or dopemail.toml."""
    schema = _MODELS[what].model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
