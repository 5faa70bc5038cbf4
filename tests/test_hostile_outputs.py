"""Every file quiz writes is written whole or not at all, and never over a file it must not replace.

Each writer runs in a real process under a file-size limit (RLIMIT_FSIZE) smaller than its new
output, the way a full disk stops a write half-way: the old file must be left byte for byte.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO

from quiz.cli import cli

DECK = "us-russia-military-talks-2019"
OLD = "the good old content\n"

#: Runs `quiz ARGS` with a file-size limit of LIMIT bytes (SIGXFSZ ignored, so a write fails with EFBIG).
LIMITED = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
sys.argv = ["quiz", *sys.argv[2:]]
from quiz.__main__ import main
main()
"""


def quiz_limited(
    cwd: Path, home: Path, limit: int, *args: str, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    """`quiz ARGS` in ``cwd`` under a file-size limit of ``limit`` bytes."""
    env = {**os.environ, "QUIZ_HOME": str(home), "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-c", LIMITED, str(limit), *args],
        cwd=cwd,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def make_results(folder: Path, name: str, learner: str) -> Path:
    """A real results file written by `quiz run --results` (three answers, each graded as typed)."""
    path = folder / name
    got = CliRunner().invoke(
        cli,
        [
            *("run", DECK, "--count", "3", "--seed", "1", "--no-save", "--reask", "0"),
            *("--name", learner, "--results", str(path)),
        ],
        input="x\ny\nz\n",
    )
    assert got.exit_code == 0, got.output
    return path


def write_deck(folder: Path) -> Path:
    """A small deck file in ``folder``."""
    path = folder / "small.yaml"
    path.write_text(
        "deck:\n  id: small\n  title: Small\ncards:\n"
        + "".join(
            f"  - id: c{n}\n    type: short\n    prompt: Question {n}?\n    answer: A{n}\n" for n in range(40)
        ),
        encoding="utf-8",
    )
    return path


WRITERS = {
    "export anki": ["export", "small.yaml", "-o", "out.txt"],
    "export csv": ["export", "small.yaml", "--format", "csv", "-o", "out.txt"],
    "export json": ["export", "small.yaml", "--format", "json", "-o", "out.txt"],
    "export gift": ["export", "small.yaml", "--format", "gift", "-o", "out.txt"],
    "export apkg": ["export", "small.yaml", "--format", "apkg", "-o", "out.txt"],
    "import": ["import", "notes.csv", "-o", "out.txt", "--force"],
    "new": ["new", "out.yaml", "--force"],
    "report --csv": ["report", "ada.json", "--csv", "out.txt"],
    "report --html": ["report", "ada.json", "--html", "out.txt"],
    "run --results": ["run", "small.yaml", "--no-save", "--name", "Ada", "--results", "out.json", "--force"],
}


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_a_full_disk_leaves_the_old_file_intact(tmp_path: Path, writer: str) -> None:
    """Under a size limit below the new output, every writer leaves the old file byte for byte, exit 1."""
    write_deck(tmp_path)
    (tmp_path / "notes.csv").write_text("".join(f"q{n},a{n}\n" for n in range(200)), encoding="utf-8")
    make_results(tmp_path, "ada.json", "Ada")
    args = WRITERS[writer]
    target = tmp_path / (
        "out.yaml" if writer == "new" else "out.json" if writer == "run --results" else "out.txt"
    )
    target.write_text(OLD, encoding="utf-8")
    stdin = "".join(f"A{n}\n" for n in range(40))
    got = quiz_limited(tmp_path, tmp_path / "home", 100, *args, stdin=stdin)
    assert got.returncode == 1, got.stderr
    assert target.read_text(encoding="utf-8") == OLD
    assert "size limit" in got.stderr and "Traceback" not in got.stderr
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_without_a_limit_the_same_writers_succeed(tmp_path: Path) -> None:
    """The limited runs fail for the limit alone: with room, each writer replaces the file."""
    write_deck(tmp_path)
    got = quiz_limited(tmp_path, tmp_path / "home", 10_000_000, "export", "small.yaml", "-o", "out.txt")
    assert got.returncode == 0, got.stderr
    assert (tmp_path / "out.txt").read_text(encoding="utf-8").count("Question") == 40


def test_report_csv_never_takes_a_results_file(tmp_path: Path) -> None:
    """`quiz report --csv *.json`: --csv swallows the first results file; it is refused and left alone."""
    ada = make_results(tmp_path, "ada.json", "Ada")
    bob = make_results(tmp_path, "bob.json", "Bob")
    before = ada.read_bytes()
    got = CliRunner().invoke(cli, ["report", "--csv", str(ada), str(bob)])
    assert got.exit_code == 1
    assert "looks like a results file" in got.stderr
    assert got.stdout == ""  # refused before anything was printed
    assert ada.read_bytes() == before


def test_report_outputs_never_replace_an_input_or_a_results_file(tmp_path: Path) -> None:
    """A report file named like a results file, or that is one under another name, is refused."""
    ada = make_results(tmp_path, "ada.json", "Ada")
    other = tmp_path / "other.csv"
    make_results(tmp_path, "bob.json", "Bob").rename(other)  # a results file with a .csv name
    for target in (other, tmp_path / "fresh.json"):
        before = other.read_bytes()
        got = CliRunner().invoke(cli, ["report", str(ada), "--html", str(target)])
        assert got.exit_code == 1, got.output
        assert other.read_bytes() == before
        assert not (tmp_path / "fresh.json").exists()


def test_results_never_replace_the_deck_or_another_result(tmp_path: Path) -> None:
    """--results naming the deck is refused; an existing results file needs --force."""
    deck = write_deck(tmp_path)
    before = deck.read_bytes()
    for args in ([str(deck)], [DECK, "--force"]):  # its own deck; any deck, even with --force
        got = CliRunner().invoke(cli, ["run", *args, "--name", "Ada", "--results", str(deck)], input="A0\n")
        assert got.exit_code == 1 and "is a deck file" in got.stderr
        assert deck.read_bytes() == before
    ada = make_results(tmp_path, "ada.json", "Ada")
    kept = ada.read_bytes()
    args = ["run", DECK, "--count", "1", "--no-save", "--name", "Bob", "--results", str(ada)]
    got = CliRunner().invoke(cli, args, input="x\n")
    assert got.exit_code == 1 and "add --force" in got.stderr
    assert ada.read_bytes() == kept
    got = CliRunner().invoke(cli, [*args, "--force"], input="x\n")
    assert got.exit_code == 0, got.output
    assert json.loads(ada.read_text(encoding="utf-8"))["learner"] == "Bob"


def test_export_never_replaces_its_deck(tmp_path: Path) -> None:
    """`quiz export deck.yaml -o deck.yaml` (any format) is refused and the deck kept."""
    deck = write_deck(tmp_path)
    before = deck.read_bytes()
    got = CliRunner().invoke(cli, ["export", str(deck), "--format", "json", "-o", str(deck)])
    assert got.exit_code == 1 and "an input of this command" in got.stderr
    assert deck.read_bytes() == before


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_outputs_that_are_not_regular_files_are_refused(tmp_path: Path, kind: str) -> None:
    """A FIFO or a device (/dev/full) as --results, -o or --csv stays what it was; nothing hangs."""
    if kind == "fifo":
        target = tmp_path / "pipe"
        os.mkfifo(target)
    else:
        target = Path("/dev/full")
    mode = target.stat().st_mode
    make_results(tmp_path, "ada.json", "Ada")
    (tmp_path / "notes.csv").write_text("q1,a1\n", encoding="utf-8")
    for args in (
        ["run", DECK, "--count", "1", "--no-save", "--name", "Ada", "--results", str(target), "--force"],
        ["export", DECK, "-o", str(target)],
        ["report", str(tmp_path / "ada.json"), "--csv", str(target)],
        ["import", str(tmp_path / "notes.csv"), "-o", str(target), "--force"],
    ):
        got = CliRunner().invoke(cli, args, input="x\n")
        assert got.exit_code == 1, (args, got.output)
        assert "not a regular file" in got.stderr
        assert target.stat().st_mode == mode and not stat.S_ISREG(target.stat().st_mode)
