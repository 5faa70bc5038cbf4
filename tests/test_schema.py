"""docs/deck.schema.json: shipped decks and fixtures validate, and the schema agrees with the loader."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from conftest import DECKS, FIXTURES

from quiz.deckio import load, schema_path
from quiz.deckio.writer import deck_to_dict
from quiz.errors import DeckError

VALID = sorted((FIXTURES / "decks" / "valid").glob("*.yaml"))
INVALID = FIXTURES / "decks" / "invalid"

#: Invalid fixtures whose defect is a shape the schema can state (wrong type, unknown or missing key...).
SCHEMA_REJECTS = [
    "bad-date",
    "bad-date-month-13",
    "bad-deck-id",
    "bad-grading-value",
    "bad-number",
    "bad-tolerance",
    "cloze-without-deletion",
    "missing-answer",
    "missing-cards",
    "missing-deck",
    "missing-deck-id",
    "no-cards",
    "several-errors",
    "top-level-list",
    "top-level-scalar",
    "unknown-card-key-for-type",
    "unknown-card-type",
    "unknown-grading-key",
    "unknown-key",
    "unknown-top-level-key",
    "wrong-type-field",
    "wrong-type-tags",
]
#: Defects a JSON Schema cannot see: bytes and encodings, YAML syntax and tags, duplicates, cross-field rules.
LOADER_ONLY = [
    "alias-bomb",
    "binary",
    "choice-answer-not-in-choices",
    "cloze-accept-unknown-gap",
    "cloze-empty-deletion",
    "comments-only",
    "custom-tag",
    "duplicate-card-id",
    "duplicate-choice",
    "duplicate-id-broken-card",
    "duplicate-key",
    "duplicate-key-in-deck-meta",
    "empty",
    "merge-key",
    "multi-answer-not-in-choices",
    "over-indented-key",
    "not-utf8",
    "python-tag",
    "tab-indent",
    "utf16-bom",
    "yaml-syntax",
]


class EditorLoader(yaml.SafeLoader):
    """YAML as a language server reads it (YAML 1.2): dates stay text, only true/false are booleans."""


EditorLoader.yaml_implicit_resolvers = {
    first: [
        (tag, rx)
        for tag, rx in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
EditorLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    """The deck schema, itself checked against draft 2020-12."""
    schema = json.loads(schema_path().read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _data(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=EditorLoader)


def _errors(validator: jsonschema.Draft202012Validator, data: Any) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]


def test_schema_is_a_draft_2020_12_schema(validator: jsonschema.Draft202012Validator) -> None:
    """The schema names draft 2020-12 and describes every deck key for editors."""
    schema = validator.schema
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    deck_keys = schema["properties"]["deck"]["properties"]
    assert all("description" in v for v in deck_keys.values())
    for name in ("short", "choice", "multi", "bool", "number", "date", "cloze", "order", "card"):
        card = schema["$defs"][f"{name}Card"]
        assert card["additionalProperties"] is False
        assert all("description" in v for v in card["properties"].values())


def test_every_shipped_deck_validates(validator: jsonschema.Draft202012Validator) -> None:
    """Each deck in decks/ passes the schema."""
    files = sorted(DECKS.glob("*.yaml"))
    assert files
    for f in files:
        assert _errors(validator, _data(f)) == [], f


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_fixture_validates_and_loads(validator: jsonschema.Draft202012Validator, path: Path) -> None:
    """A valid fixture passes both the schema and the loader."""
    assert _errors(validator, _data(path)) == []
    assert load(path).cards


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_loaded_deck_written_back_validates(validator: jsonschema.Draft202012Validator, path: Path) -> None:
    """What quiz writes back out (deck_to_dict, also `quiz show --json`) passes the schema."""
    assert _errors(validator, deck_to_dict(load(path))) == []


@pytest.mark.parametrize("name", SCHEMA_REJECTS)
def test_schema_and_loader_both_reject(validator: jsonschema.Draft202012Validator, name: str) -> None:
    """An invalid fixture whose defect is a matter of shape fails the schema and the loader."""
    path = INVALID / f"{name}.yaml"
    assert _errors(validator, _data(path)) != []
    with pytest.raises(DeckError):
        load(path)


def test_every_invalid_fixture_is_classified() -> None:
    """Each invalid fixture is either checked against the schema or listed as beyond it."""
    names = sorted(p.stem for p in INVALID.glob("*.yaml"))
    assert sorted(SCHEMA_REJECTS + LOADER_ONLY) == names
