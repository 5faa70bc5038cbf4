"""Result files: one learner's session as a self-describing JSON file an instructor can collect.

Written by ``quiz run --name NAME --results FILE`` (atomically: a temporary file in the
same directory, then ``os.replace``), read back and validated by :func:`load_result`.
Standard library only; see ``docs/quiz-sessions.md`` for the format.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from quiz import __version__
from quiz.errors import QuizError
from quiz.model import Deck, Outcome, Summary, question_text

FORMAT = "quiz-result"
VERSION = 1
#: Bounds on what a results file may hold: larger files and figures outside them are refused.
MAX_BYTES = 16_000_000
MAX_ANSWER_MS = 86_400_000  # a day on one question
MAX_DURATION_S = 7 * 86_400.0
MAX_QUESTIONS = 100_000


class ResultFileError(QuizError):
    """A result file cannot be written, or read back as a valid result."""


@dataclass(frozen=True)
class ResultAnswer:
    """One answer in a result file (``first`` is False for a ``--retry-wrong`` repeat)."""

    card: str
    type: str
    prompt: str
    shown: tuple[str, ...] | None
    typed: str
    correct: bool
    rule: str
    score: float
    time_ms: int
    expected: str = ""
    first: bool = True

    def to_dict(self) -> dict[str, Any]:
        """The answer as a JSON-ready mapping."""
        return {
            "card": self.card,
            "type": self.type,
            "prompt": self.prompt,
            "shown": list(self.shown) if self.shown is not None else None,
            "typed": self.typed,
            "correct": self.correct,
            "rule": self.rule,
            "score": self.score,
            "time_ms": self.time_ms,
            "expected": self.expected,
            "first": self.first,
        }


@dataclass(frozen=True)
class Result:
    """A learner's session on a deck; totals count first tries only."""

    learner: str
    deck_id: str
    deck_title: str
    deck_hash: str
    seed: int
    mode: str  # "quiz" | "exam"
    started_at: str  # UTC ISO-8601
    finished_at: str
    duration_s: float
    answers: tuple[ResultAnswer, ...]
    correct: int
    asked: int
    total: int
    score: float
    percent: float
    complete: bool = True
    pass_mark: float | None = None
    passed: bool | None = None
    quiz_version: str = __version__
    version: int = VERSION
    #: "in progress" (written after each answer), "finished", "interrupted" or "ended" (input ran
    #: out); "" in files written before results were kept as the exam goes.
    state: str = ""
    #: Every question of the exam in the order asked: (card id, choices or items as shown).
    plan: tuple[tuple[str, tuple[str, ...] | None], ...] = ()
    #: How the session picked its cards (``quiz run`` options), so ``--resume`` rebuilds it.
    options: dict[str, Any] = field(default_factory=dict)
    deck_path: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The whole result as the JSON object written to the file."""
        extra: dict[str, Any] = {}
        if self.state:
            extra["state"] = self.state
        if self.plan:
            extra["plan"] = [{"card": c, "shown": list(s) if s is not None else None} for c, s in self.plan]
        if self.options:
            extra["options"] = self.options
        if self.deck_path:
            extra["deck_file"] = self.deck_path
        return {
            "format": FORMAT,
            "version": self.version,
            "quiz_version": self.quiz_version,
            "learner": self.learner,
            "deck": {"id": self.deck_id, "title": self.deck_title, "hash": self.deck_hash},
            "seed": self.seed,
            "mode": self.mode,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "duration_s": self.duration_s,
            "complete": self.complete,
            "pass_mark": self.pass_mark,
            "passed": self.passed,
            "answers": [a.to_dict() for a in self.answers],
            "totals": {
                "correct": self.correct,
                "asked": self.asked,
                "total": self.total,
                "score": self.score,
                "percent": self.percent,
            },
            **extra,
        }


def utc_text(when: datetime) -> str:
    return when.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def answer_of(outcome: Outcome) -> ResultAnswer:
    """One answer of a session as the results file keeps it (a cloze prompt with its gaps blanked)."""
    card = outcome.question.card
    return ResultAnswer(
        card=card.id,
        type=card.kind.value,
        prompt=question_text(card),
        shown=outcome.question.shown,
        typed=outcome.typed,
        correct=outcome.verdict.correct,
        rule=outcome.verdict.rule,
        score=outcome.verdict.score,
        time_ms=outcome.time_ms,
        expected=outcome.verdict.expected or card.answer_text(),
        first=outcome.question.first,
    )


def from_summary(
    summary: Summary,
    *,
    learner: str,
    deck: Deck,
    seed: int,
    started_at: datetime,
    finished_at: datetime,
) -> Result:
    """The result of a finished (or ended) session."""
    answers = [answer_of(o) for o in summary.outcomes]
    return Result(
        learner=learner,
        deck_id=deck.id,
        deck_title=deck.title,
        deck_hash=deck.content_hash,
        seed=seed,
        mode="exam" if summary.exam else "quiz",
        started_at=utc_text(started_at),
        finished_at=utc_text(finished_at),
        duration_s=summary.duration_s,
        answers=tuple(answers),
        correct=summary.correct,
        asked=summary.asked,
        total=summary.total,
        score=summary.score,
        percent=summary.percent,
        complete=summary.complete,
        pass_mark=summary.pass_mark if summary.exam else None,
        passed=summary.passed,
    )


def check_writable(path: str | Path, *, inputs: tuple[str, ...] = (), force: bool = False) -> None:
    """Fail early (before a quiz starts) when ``path`` cannot be written as a result file.

    Refused too (:func:`quiz.files.check_output`): one of ``inputs`` (the deck), anything but a
    regular file (``/dev/full`` stays a device), and a deck or an existing results file unless ``force``.
    """
    from quiz.files import FileRefused, check_output, holds

    p = Path(path)
    parent = p.parent if str(p.parent) else Path(".")
    try:
        kind = holds(p)
        if kind == "a deck":  # never, even with --force: a deck is not a place for results
            raise FileRefused(f"'{path}' is a deck file; name the results file FILE.json")
        check_output(p, inputs=inputs, protect=kind, force=force)
    except FileRefused as err:
        if not os.path.isdir(p):
            raise ResultFileError(str(err)) from None
    if os.path.isdir(p):
        raise ResultFileError(
            f"{path}: is a directory (give a file name for the results, e.g. {p / 'result.json'})"
        )
    if not os.path.isdir(parent):
        raise ResultFileError(f"{path}: the directory {parent} does not exist (create it first)")
    if not os.access(parent, os.W_OK):
        raise ResultFileError(f"{path}: the directory {parent} is not writable (choose another place)")


def write_result(path: str | Path, result: Result, *, protect: str = "") -> None:
    """Write ``result`` to ``path`` atomically and durably (:func:`quiz.files.write_atomic`).

    A reader sees the old file or the whole new one; ``protect`` refuses to replace an
    existing file (see :func:`quiz.files.check_output`).
    """
    from quiz.files import FileRefused, write_atomic

    text = json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n"
    try:
        write_atomic(path, text, protect=protect)
    except FileRefused as err:
        raise ResultFileError(f"{err} (the answers are in the score database)") from None


# -- reading ----------------------------------------------------------------------------------
_ANSWER_FIELDS: dict[str, tuple[type, ...]] = {
    "card": (str,),
    "type": (str,),
    "prompt": (str,),
    "typed": (str,),
    "correct": (bool,),
    "rule": (str,),
    "score": (int, float),
    "time_ms": (int,),
}
_TOP_FIELDS: dict[str, tuple[type, ...]] = {
    "learner": (str,),
    "deck": (dict,),
    "seed": (int,),
    "mode": (str,),
    "started_at": (str,),
    "finished_at": (str,),
    "duration_s": (int, float),
    "answers": (list,),
    "totals": (dict,),
}
_TOTAL_FIELDS: dict[str, tuple[type, ...]] = {
    "correct": (int,),
    "asked": (int,),
    "total": (int,),
    "score": (int, float),
    "percent": (int, float),
}


_NULL = type(None)
#: Fields a results file may leave out (older files have none of them), and the JSON types each may hold.
_OPTIONAL_TOP: dict[str, tuple[type, ...]] = {
    "quiz_version": (str,),
    "complete": (bool,),
    "pass_mark": (int, float, _NULL),
    "passed": (bool, _NULL),
    "state": (str,),
    "plan": (list, _NULL),
    "options": (dict, _NULL),
    "deck_file": (str, _NULL),
}
_OPTIONAL_ANSWER: dict[str, tuple[type, ...]] = {"expected": (str,), "first": (bool,), "shown": (list, _NULL)}
#: The states a results file is written in (results_log), "" in files from before there were states.
_STATES = ("", "in progress", "finished", "interrupted", "ended")
_JSON_NAMES = {str: "a text", int: "a number", float: "a number", bool: "true or false", list: "a list"}
_JSON_NAMES.update({dict: "an object", _NULL: "null"})


def _json_kind(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return _JSON_NAMES.get(type(value), type(value).__name__)


def _check_optional(obj: dict[str, Any], spec: dict[str, tuple[type, ...]], where: str, fail: Any) -> None:
    """Each optional field present holds a JSON value of its type (``'plan' is true, not a list or null``)."""
    for key, types in spec.items():
        if key not in obj:
            continue
        value = obj[key]
        if (isinstance(value, bool) and bool not in types) or not isinstance(value, types):
            wanted = " or ".join(dict.fromkeys(_JSON_NAMES[t] for t in types))
            raise fail(f"{where}'{key}' is {_json_kind(value)}, not {wanted}")
        if isinstance(value, float) and not math.isfinite(value):
            raise fail(f"{where}'{key}' is not a finite number")


def _check(obj: dict[str, Any], spec: dict[str, tuple[type, ...]], where: str, fail: Any) -> None:
    for key, types in spec.items():
        if key not in obj:
            raise fail(f"{where}'{key}' is missing")
        value = obj[key]
        if isinstance(value, bool) and bool not in types:
            raise fail(f"{where}'{key}' has the wrong type")
        if not isinstance(value, types):
            raise fail(f"{where}'{key}' has the wrong type")
        if isinstance(value, float) and not math.isfinite(value):
            raise fail(f"{where}'{key}' is not a finite number")


def _check_ranges(data: dict[str, Any], answers: list[ResultAnswer], fail: Any) -> None:
    """Refuse figures no quiz writes: negative or absurd times, scores and totals."""
    for i, a in enumerate(answers, start=1):
        if not 0 <= a.time_ms <= MAX_ANSWER_MS:
            raise fail(f"answer {i}: a time of {a.time_ms} ms is out of range (0 to a day)")
        if not 0 <= a.score <= 1:
            raise fail(f"answer {i}: a score of {a.score:g} is out of range (0 to 1)")
    if not 0 <= data["duration_s"] <= MAX_DURATION_S:
        raise fail(f"a duration of {data['duration_s']:g} s is out of range (0 to a week)")
    totals = data["totals"]
    for key in ("correct", "asked", "total"):
        if not 0 <= totals[key] <= MAX_QUESTIONS:
            raise fail(f"totals: '{key}' = {totals[key]} is out of range (0 to {MAX_QUESTIONS:,})")
    if not 0 <= totals["percent"] <= 100:
        raise fail(f"totals: a percent of {totals['percent']:g} is out of range (0 to 100)")
    if data["seed"] < 0:
        raise fail("'seed' is negative")
    if data["mode"] not in ("quiz", "exam"):
        raise fail(f"'mode' is {json.dumps(data['mode'][:40])}; quiz writes \"quiz\" or \"exam\"")
    if not data["learner"].strip():
        raise fail("'learner' is empty; each result file names its learner (quiz run --name NAME)")
    try:
        datetime.fromisoformat(data["started_at"].replace("Z", "+00:00"))
    except ValueError:
        raise fail(
            f"'started_at' is {json.dumps(data['started_at'][:40])}, not a time (ISO 8601, e.g. "
            "2026-12-05T09:00:00+00:00)"
        ) from None


def load_result(path: str | Path) -> Result:
    """Read and validate a result file; :class:`ResultFileError` names the file and the problem.

    Checked: JSON, the format marker and version, every required field and its type, and
    that the totals agree with the answers (first tries only).
    """
    name = str(path)

    def fail(message: str) -> ResultFileError:
        return ResultFileError(f"{name}: {message} (not a valid quiz result file)")

    from quiz.files import FileRefused, JSONRefused, parse_json, read_regular, wide_unicode

    try:
        raw = read_regular(path, limit=MAX_BYTES, what="results file")
    except FileRefused as err:
        raise ResultFileError(f"{name}: cannot read the file ({err.reason})") from None
    if wide_unicode(raw):
        raise fail(f"the file is {wide_unicode(raw)}, not UTF-8; save it as UTF-8")
    try:
        data = parse_json(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise fail("not UTF-8 text") from None
    except json.JSONDecodeError as err:
        raise fail(f"not JSON ({err.msg} at line {err.lineno})") from None
    except JSONRefused as err:
        raise fail(str(err)) from None
    if not isinstance(data, dict):
        raise fail("not a JSON object")
    if data.get("format") != FORMAT:
        raise fail(f"'format' is not '{FORMAT}'")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise fail("'version' is missing")
    if version > VERSION:
        raise ResultFileError(f"{name}: written by a newer quiz (format version {version}); upgrade quiz")
    _check(data, _TOP_FIELDS, "", fail)
    _check_optional(data, _OPTIONAL_TOP, "", fail)
    if data.get("state", "") not in _STATES:
        raise fail(f"'state' is not one of: {', '.join(repr(s) for s in _STATES[1:])}")
    pass_mark = data.get("pass_mark")
    if pass_mark is not None and not 0 <= pass_mark <= 100:
        raise fail(f"a pass mark of {pass_mark:g} % is out of range (0-100)")
    deck = data["deck"]
    _check(deck, {"id": (str,), "title": (str,), "hash": (str,)}, "deck: ", fail)
    totals = data["totals"]
    _check(totals, _TOTAL_FIELDS, "totals: ", fail)
    answers: list[ResultAnswer] = []
    for i, a in enumerate(data["answers"], start=1):
        if not isinstance(a, dict):
            raise fail(f"answer {i} is not an object")
        _check(a, _ANSWER_FIELDS, f"answer {i}: ", fail)
        _check_optional(a, _OPTIONAL_ANSWER, f"answer {i}: ", fail)
        shown = a.get("shown")
        if shown is not None and not (isinstance(shown, list) and all(isinstance(s, str) for s in shown)):
            raise fail(f"answer {i}: 'shown' must be a list of texts or null")
        first = a.get("first", True)
        if not isinstance(first, bool):
            raise fail(f"answer {i}: 'first' has the wrong type")
        answers.append(
            ResultAnswer(
                card=a["card"],
                type=a["type"],
                prompt=a["prompt"],
                shown=tuple(shown) if shown is not None else None,
                typed=a["typed"],
                correct=a["correct"],
                rule=a["rule"],
                score=float(a["score"]),
                time_ms=a["time_ms"],
                expected=str(a.get("expected", "")),
                first=first,
            )
        )
    _check_ranges(data, answers, fail)
    firsts = [a for a in answers if a.first]
    correct = sum(a.correct for a in firsts)
    score = sum(a.score for a in firsts)
    if totals["correct"] != correct:
        raise fail(f"totals say {totals['correct']} correct but the answers have {correct}")
    if totals["asked"] != len(firsts):
        raise fail(f"totals say {totals['asked']} asked but the file has {len(firsts)} answers")
    if abs(float(totals["score"]) - score) > 1e-6:
        raise fail(f"totals say a score of {totals['score']:g} but the answers add up to {score:g}")
    if totals["total"] < totals["asked"]:
        raise fail("totals say fewer questions than were answered")
    passed = data.get("passed")
    state = data.get("state", "")
    if not isinstance(state, str):
        raise fail("'state' has the wrong type")
    plan = []
    for i, step in enumerate(data.get("plan") or [], start=1):
        shown_ok = isinstance(step, dict) and (
            step.get("shown") is None
            or (isinstance(step["shown"], list) and all(isinstance(s, str) for s in step["shown"]))
        )
        if not shown_ok or not isinstance(step.get("card"), str):
            raise fail(f"plan step {i} is not a card id with its choices")
        plan.append((step["card"], tuple(step["shown"]) if step.get("shown") is not None else None))
    options = data.get("options") or {}
    if not isinstance(options, dict):
        raise fail("'options' is not an object")
    return Result(
        learner=data["learner"],
        deck_id=deck["id"],
        deck_title=deck["title"],
        deck_hash=deck["hash"],
        seed=data["seed"],
        mode=data["mode"],
        started_at=data["started_at"],
        finished_at=data["finished_at"],
        duration_s=float(data["duration_s"]),
        answers=tuple(answers),
        correct=correct,
        asked=len(firsts),
        total=totals["total"],
        score=round(score, 6),
        percent=float(totals["percent"]),
        complete=bool(data.get("complete", True)),
        pass_mark=float(pass_mark) if isinstance(pass_mark, (int, float)) else None,
        passed=passed if isinstance(passed, bool) else None,
        quiz_version=str(data.get("quiz_version", "")),
        version=version,
        state=state,
        plan=tuple(plan),
        options=options,
        deck_path=str(data.get("deck_file", "")),
    )
