"""Bounded input and spreadsheet-safe CSV: one bad file never spoils the lot, no cell runs as a formula.

Results files and imports are read only when they are regular files under a size cap; JSON is
parsed with a depth and number-size limit; figures no quiz writes are refused per file; a
learner counted twice is named. CSV written for a spreadsheet neutralises formula cells.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from anki.collection import Collection, ImportCsvRequest
from click.testing import CliRunner
from conftest import REPO
from hypothesis import given, settings
from hypothesis import strategies as st
from test_hostile_outputs import make_results

from quiz.cli import cli
from quiz.csvsafe import csv_text, spreadsheet_cell
from quiz.formats.anki import export_anki
from quiz.insight.results import ResultFileError, load_result
from quiz.model import Deck, FlashCard, ShortCard

DECK = "us-russia-military-talks-2019"


def edited(source: Path, target: Path, change: dict[str, object]) -> Path:
    """A copy of a results file with dotted keys (``answers.0.time_ms``) set to new values."""
    data = json.loads(source.read_text(encoding="utf-8"))
    for key, value in change.items():
        *path, last = key.split(".")
        node = data
        for part in path:
            node = node[int(part)] if part.isdigit() else node[part]
        node[int(last) if last.isdigit() else last] = value
    target.write_text(json.dumps(data), encoding="utf-8")
    return target


BAD_RESULTS = {
    "deep": (lambda p: p.write_text("[" * 100_000 + "]" * 100_000), "nested more than 32 levels deep"),
    "digits": (
        lambda p: p.write_text('{"format": "quiz-result", "version": 1, "seed": ' + "9" * 5000 + "}"),
        "a number of 5,000 characters",
    ),
    "nan": (lambda p: p.write_text('{"format": "quiz-result", "version": NaN}'), "'NaN' is not a number"),
    "big": (lambda p: p.write_bytes(b" " * 16_000_001), "larger than 16,000,000 bytes"),
    "fifo": (lambda p: os.mkfifo(p), "cannot read the file (it is a FIFO (named pipe))"),
    "folder": (lambda p: p.mkdir(), "cannot read the file (it is a folder)"),
}
OUT_OF_RANGE = {
    "answers.0.time_ms": (-5, "a time of -5 ms is out of range"),
    "duration_s": (1e300, "a duration of 1e+300 s is out of range"),
    "totals.total": (10**9, "'total' = 1000000000 is out of range"),
    "totals.percent": (250, "a percent of 250 is out of range"),
    "answers.1.score": (-1, "a score of -1 is out of range"),
}


def test_report_names_each_bad_file_and_reports_the_rest(tmp_path: Path) -> None:
    """Deep, huge-number, NaN, oversized, FIFO, folder, out-of-range files: each skipped by name, exit 3."""
    good = make_results(tmp_path, "ada.json", "Ada")
    names = [str(good)]
    expected = {}
    for name, (make, why) in BAD_RESULTS.items():
        path = tmp_path / f"{name}.json"
        make(path)
        names.append(str(path))
        expected[str(path)] = why
    for n, (key, (value, why)) in enumerate(OUT_OF_RANGE.items()):
        path = edited(good, tmp_path / f"range{n}.json", {key: value, "learner": f"L{n}"})
        names.append(str(path))
        expected[str(path)] = why
    got = CliRunner().invoke(cli, ["report", *names, "--json"])
    assert got.exit_code == 3, got.output
    assert "Traceback" not in got.output
    for path, why in expected.items():
        assert any(
            line.startswith(f"skipped: {path}: ") and why in line for line in got.stderr.splitlines()
        ), (
            path,
            got.stderr,
        )
    assert [x["name"] for x in json.loads(got.stdout)["learners"]] == ["Ada"]


def test_dev_zero_as_a_report_or_import_input_is_refused_at_once(tmp_path: Path) -> None:
    """/dev/zero is refused before it is read (it would be read until memory ran out)."""
    for command, why in (("report", "skipped: /dev/zero: cannot read the file (it is a device)"),
                         ("import", "/dev/zero: cannot be read (it is a device)")):  # fmt: skip
        got = subprocess.run(
            [sys.executable, "-m", "quiz", command, "/dev/zero"],
            capture_output=True,
            text=True,
            timeout=20,
            cwd=REPO,
        )
        assert got.returncode == 1 and why in got.stderr, got.stderr


def test_the_same_learner_is_counted_once(tmp_path: Path) -> None:
    """A learner's second file (another name for them, or the same file twice) is skipped by name."""
    ada = make_results(tmp_path, "ada.json", "Ada Lovelace")
    again = edited(ada, tmp_path / "ada2.json", {"learner": "  ada   LOVELACE "})
    bob = make_results(tmp_path, "bob.json", "Bob")
    got = CliRunner().invoke(cli, ["report", str(ada), str(bob), str(again), str(ada), "--json"])
    assert got.exit_code == 3, got.output
    assert (
        f"skipped: {again}: learner '  ada   LOVELACE ' is already read from {ada} (counted once)"
        in got.stderr
    )
    assert f"skipped: {ada}: learner 'Ada Lovelace' is the same file again (counted once)" in got.stderr
    assert [x["name"] for x in json.loads(got.stdout)["learners"]] == ["Ada Lovelace", "Bob"]
    assert CliRunner().invoke(cli, ["report", str(ada), str(bob)]).exit_code == 0


def test_a_megabyte_field_in_an_import_is_one_clear_line(tmp_path: Path) -> None:
    """A 1 MB field in a notes file is an error naming the file, not a traceback."""
    path = tmp_path / "notes.txt"
    path.write_text("front," + "x" * 1_000_000 + "\n", encoding="utf-8")
    got = CliRunner().invoke(cli, ["import", str(path), "-o", str(tmp_path / "out.yaml")])
    assert got.exit_code == 1
    assert got.stderr.startswith(f"Error: {path}: a field is too long")
    assert got.stderr.count("\n") == 1
    assert not (tmp_path / "out.yaml").exists()


LONG = "x" * 300
LONG_NAME_COMMANDS = [
    ["check", f"{LONG}.yaml"],
    ["show", f"{LONG}.yaml"],
    ["preview", f"{LONG}.yaml"],
    ["list", f"{LONG}.yaml"],
    ["run", f"{LONG}.yaml"],
    ["study", f"{LONG}.yaml"],
    ["stats", f"{LONG}.yaml"],
    ["history", f"{LONG}.yaml"],
    ["export", f"{LONG}.yaml"],
    ["export", DECK, "-o", f"{LONG}.txt"],
    ["import", f"{LONG}.csv"],
    ["new", f"{LONG}.yaml"],
    ["report", f"{LONG}.json"],
    ["run", DECK, "--name", "A", "--results", f"{LONG}.json"],
    ["--data-dir", LONG, "stats"],
]


@pytest.mark.parametrize("args", LONG_NAME_COMMANDS, ids=[" ".join(a)[:24] for a in LONG_NAME_COMMANDS])
def test_a_300_character_file_name_is_a_clear_error(args: list[str]) -> None:
    """A file name longer than the system allows is one line naming the reason, exit 1, in every command."""
    got = CliRunner().invoke(cli, args, input="")
    assert got.exit_code == 1, got.output
    assert "Traceback" not in got.output
    assert got.exception is None or isinstance(got.exception, SystemExit)
    assert "too long" in got.stderr, got.stderr


# -- CSV for spreadsheets ----------------------------------------------------------------------
#: Cells a spreadsheet would run: OWASP's starts (= + - @ tab CR), a DDE call among them.
FORMULAS = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "=cmd|' /C calc'!A0"]


def test_csv_export_neutralises_formula_cells_and_keeps_numbers(tmp_path: Path) -> None:
    """`quiz export --format csv`: formula cells get an apostrophe, -5 stays a number; --raw-csv is exact."""
    deck = tmp_path / "d.yaml"
    cards = "".join(
        f"  - id: c{n}\n    type: short\n    prompt: {json.dumps(text)}\n    answer: {json.dumps(answer)}\n"
        for n, (text, answer) in enumerate(
            [*((f, "ok") for f in FORMULAS), ("plain", "-5"), ("plain2", "+1.5")]
        )
    )
    deck.write_text("deck:\n  id: d\n  title: D\ncards:\n" + cards, encoding="utf-8")
    safe = CliRunner().invoke(cli, ["export", str(deck), "--format", "csv", "-o", "-"])
    rows = list(csv.reader(io.StringIO(safe.stdout, newline="")))
    assert [r[0] for r in rows[: len(FORMULAS)]] == ["'" + f for f in FORMULAS]
    assert rows[-2][1] == "-5" and rows[-1][1] == "+1.5"
    raw = CliRunner().invoke(cli, ["export", str(deck), "--format", "csv", "--raw-csv", "-o", "-"])
    assert [r[0] for r in csv.reader(io.StringIO(raw.stdout, newline=""))][: len(FORMULAS)] == FORMULAS


def test_every_carriage_return_is_quoted_so_rows_stay_whole() -> None:
    """Cells holding lone CRs: a reader splitting on CR or LF still sees 11 rows of 2 columns."""
    rows = [["question", "answer"]] + [[f"q{n}\rmore", f"a{n}\rb"] for n in range(10)]
    text = csv_text(rows)
    assert [len(r) for r in csv.reader(io.StringIO(text, newline=""))] == [2] * 11
    # a lone CR is only ever inside quotes: cutting the text at quotes leaves none outside
    assert all("\r" not in part for part in text.split('"')[::2])


def test_report_csv_neutralises_a_learner_named_like_a_formula(tmp_path: Path) -> None:
    """A learner named =HYPERLINK(...) and answers like @SUM reach `quiz report --csv` as text cells."""
    path = tmp_path / "eve.json"
    got = CliRunner().invoke(
        cli,
        ["run", DECK, "--count", "2", "--seed", "3", "--no-save", "--name", '=HYPERLINK("x","y")',
         "--results", str(path)],
        input="@SUM(1)\n-1+1\n",
    )  # fmt: skip
    assert got.exit_code == 0, got.output
    out = tmp_path / "class.csv"
    assert CliRunner().invoke(cli, ["report", str(path), "--csv", str(out)]).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"), newline="")))
    assert {r["learner"] for r in rows} == {'\'=HYPERLINK("x","y")'}
    assert [r["typed"] for r in rows] == ["'@SUM(1)", "'-1+1"]
    assert all(not cell.startswith(("=", "+", "@")) for r in rows for cell in r.values())
    raw = tmp_path / "raw.csv"
    assert CliRunner().invoke(cli, ["report", str(path), "--csv", str(raw), "--raw-csv"]).exit_code == 0
    assert [r["typed"] for r in csv.DictReader(io.StringIO(raw.read_text(encoding="utf-8")))] == [
        "@SUM(1)",
        "-1+1",
    ]


def test_spreadsheet_cell_rules() -> None:
    """The OWASP starts get an apostrophe; numbers, other text and non-strings are unchanged."""
    assert [spreadsheet_cell(v) for v in ["=1", "+a", "-a", "@a", "\ta", "\ra"]] == [
        "'=1", "'+a", "'-a", "'@a", "'\ta", "'\ra",
    ]  # fmt: skip
    assert [spreadsheet_cell(v) for v in ["-5", "+1.5", "-0.25", "1,200", "a=b", "", 3, None]] == [
        "-5", "+1.5", "-0.25", "1,200", "a=b", "", 3, None,
    ]  # fmt: skip


def test_the_anki_export_keeps_a_leading_equals_sign_exact(tmp_path: Path) -> None:
    """Anki stores a field starting with = + - @ as text (no formulas), so the Anki export is not changed."""
    deck = Deck(
        "eq",
        "Eq",
        (
            *(FlashCard(f"f{n}", text, back=text) for n, text in enumerate(FORMULAS[:4])),
            ShortCard("s", "=SUM(1,2)", answer="@x"),
        ),
    )
    text = export_anki(deck)
    assert all(f in text for f in ['=HYPERLINK(""http://x"",""y"")', "+1+1", "@SUM(A1)"])
    path = tmp_path / "eq.anki.txt"
    path.write_text(text, encoding="utf-8", newline="")
    col = Collection(str(tmp_path / "c.anki2"))
    try:
        meta = col.get_csv_metadata(str(path), None)
        col.import_csv(ImportCsvRequest(path=str(path), metadata=meta))
        fronts = sorted(col.get_note(nid).fields[0] for nid in col.find_notes(""))
    finally:
        col.close()
    assert fronts == sorted(['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)",
                             "=SUM(1,2)"])  # fmt: skip


IMPORTS = {
    "deep.json": ("[" * 100_000 + "]" * 100_000, "nested more than 64 levels deep"),
    "digits.json": ('{"deck": {"id": ' + "9" * 5000 + "}, \"cards\": []}", "a number of 5,000 characters"),
    "nan.json": ('{"deck": NaN}', "'NaN' is not a number"),
    "binary.txt": ("\x00\x01\x02\ufffe" * 100, ""),
}


@pytest.mark.parametrize("name", sorted(IMPORTS))
def test_a_hostile_import_is_one_clear_line(tmp_path: Path, name: str) -> None:
    """A JSON deck nested 100,000 deep or with a 5,000-digit number, NaN, or binary: one line, exit 1."""
    text, why = IMPORTS[name]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    got = CliRunner().invoke(cli, ["import", str(path), "-o", str(tmp_path / "out.yaml")])
    assert got.exit_code == 1, got.output
    assert got.stderr.startswith(f"Error: {path}") and why in got.stderr
    assert got.stderr.count("\n") == 1
    assert not (tmp_path / "out.yaml").exists()


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)


def _paths(node: object, prefix: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    """Every key path in a JSON value (dict keys and list indexes)."""
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _paths(value, (*prefix, i))
    return found


@pytest.fixture(scope="module")
def sample_result(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """A real results file's data, written by `quiz run --results`."""
    folder = tmp_path_factory.mktemp("sample")
    data = json.loads(make_results(folder, "ada.json", "Ada").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_a_damaged_results_file_is_read_or_refused_by_name(
    sample_result: dict[str, object], tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    """Any field of a real results file replaced by any JSON value: reported, or refused by name."""
    damaged = json.loads(json.dumps(sample_result))
    path = data.draw(st.sampled_from(_paths(damaged)))
    node = damaged
    for key in path[:-1]:
        node = node[key]  # type: ignore[index]
    node[path[-1]] = data.draw(JSON_VALUES)  # type: ignore[index]
    file = tmp_path_factory.mktemp("damaged") / "r.json"
    file.write_text(json.dumps(damaged), encoding="utf-8")
    try:
        result = load_result(file)
    except ResultFileError as err:
        assert str(err).startswith(f"{file}: ")
        return
    got = CliRunner().invoke(cli, ["report", str(file), "--json"])  # a file that loads is reported
    assert got.exit_code == 0, got.output
    assert json.loads(got.stdout)["learners"][0]["name"] == result.learner


IMPORT_TEXT = st.lists(
    st.sampled_from(["\t", ",", ";", '"', "\n", "\r", "#", "#separator:tab\n", "#html:true\n", "{{c1::", "}}",
                     "::", "{", "}", "=", "~", "#columns:a,b\n", "\x00", "[", "]", "x", "é"])
    | st.text(max_size=4),
    max_size=40,
).map("".join)  # fmt: skip


@settings(max_examples=120, deadline=None)
@given(text=IMPORT_TEXT, suffix=st.sampled_from([".txt", ".csv", ".gift", ".json"]))
def test_any_file_to_import_gives_a_deck_or_one_line(
    tmp_path_factory: pytest.TempPathFactory, text: str, suffix: str
) -> None:
    """Whatever a notes file, CSV, GIFT bank or JSON deck holds: a deck (exit 0) or one error line (1)."""
    path = tmp_path_factory.mktemp("import") / f"in{suffix}"
    path.write_text(text, encoding="utf-8", newline="")
    got = CliRunner().invoke(cli, ["import", str(path), "-o", "-"])
    assert got.exit_code in (0, 1), got.output
    assert got.exception is None or isinstance(got.exception, SystemExit), got.exception
    if got.exit_code == 1:
        assert got.stderr.startswith("Error: ") and got.stderr.count("\n") == 1, got.stderr
