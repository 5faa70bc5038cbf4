"""``quiz --help`` and ``quiz --version`` stay fast: no heavy module is imported to show them."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

#: Modules that cost start-up time and are only needed inside commands. (json and
#: datetime are cheap, and click imports datetime itself.)
HEAVY = (
    "yaml",
    "fsrs",
    "rapidfuzz",
    "dateutil",
    "sqlite3",
    "_sqlite3",
    "rich",
    "anki",
    "csv",
    "random",
    "hashlib",
    "difflib",
    "unicodedata",
    "decimal",
    "pickle",
    "quiz.deckio",
    "quiz.model",
    "quiz.grading",
    "quiz.store",
    "quiz.practice.schedule",
    "quiz.practice",
    "quiz.ui.render",
)


def _loaded_after(code: str) -> list[str]:
    probe = code + "\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))\n"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    modules = json.loads(out.stdout.strip().splitlines()[-1])
    return sorted(m for m in modules if m in HEAVY or m.split(".")[0] in HEAVY[:8])


def test_importing_the_cli_imports_no_heavy_module() -> None:
    """``import quiz.cli`` (every command registered) pulls in none of the heavy libraries."""
    assert _loaded_after("import quiz.cli") == []


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["run", "--help"], ["study", "--help"]])
def test_help_and_version_import_no_heavy_module(args: list[str]) -> None:
    """Showing help or the version, as a fresh process does, imports none of the heavy libraries."""
    code = (
        "import contextlib, io\n"
        "from quiz.cli import cli\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    try:\n        cli.main({args!r}, prog_name='quiz', standalone_mode=False)\n"
        "    except SystemExit:\n        pass\n"
    )
    assert _loaded_after(code) == []


def test_quiz_help_process_imports_no_heavy_module() -> None:
    """A real ``python -m quiz --help`` process, traced with ``-X importtime``, imports no heavy module."""
    cmd = [sys.executable, "-X", "importtime", "-m", "quiz", "--help"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True)
    assert "Usage:" in out.stdout
    lines = out.stderr.splitlines()
    imported = {line.split("|")[-1].strip() for line in lines if line.startswith("import time:")}
    assert "quiz.cli" in imported
    assert sorted(m for m in imported if m in HEAVY or m.split(".")[0] in HEAVY[:8]) == []
