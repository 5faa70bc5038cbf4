"""A results file kept as the exam goes: valid after every answer, marked incomplete until the end.

``quiz run --exam --results FILE`` opens a :class:`ResultsLog` before the first question and
calls :meth:`ResultsLog.record` from the engine's per-answer ``after_record`` hook: each answer
rewrites the whole file through :func:`quiz.files.write_atomic` (a temporary file in the same
folder, synced, renamed, the folder synced), so Ctrl-C, a closed terminal, SIGTERM or kill -9
leave the file as it was after the last answer the learner saw acknowledged. The file says
``"state": "in progress"`` and ``"complete": false`` until :meth:`ResultsLog.finish`.

``quiz run --exam --resume FILE`` reads such a file back (:func:`resume_from`), rebuilds the same
session (same deck version, seed and options: the same questions in the same order, checked
against the file's ``plan``) and asks the questions not yet answered, appending to the same file.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from quiz.insight.results import (
    Result,
    ResultAnswer,
    ResultFileError,
    answer_of,
    load_result,
    utc_text,
    write_result,
)
from quiz.model import Deck, Ended, Options, Outcome, Question, Summary, Verdict

IN_PROGRESS = "in progress"
FINISHED = "finished"
INTERRUPTED = "interrupted"
ENDED = "ended"  # input ran out before the last question


def options_dict(options: Options) -> dict[str, Any]:
    """The options that choose and order an exam's questions, as stored in the results file."""
    return {
        "count": options.count,
        "tags": list(options.tags),
        "card_ids": list(options.card_ids),
        "shuffle": options.shuffle,
        "exam": options.exam,
        "pass_mark": options.pass_mark,
    }


def options_from(result: Result, base: Options) -> Options:
    """``base`` with the options stored in a results file (see :func:`options_dict`)."""
    from dataclasses import replace

    o = result.options
    try:
        return replace(
            base,
            count=o.get("count"),
            tags=tuple(o.get("tags", ())),
            card_ids=tuple(o.get("card_ids", ())),
            shuffle=bool(o.get("shuffle", True)),
            exam=bool(o.get("exam", result.mode == "exam")),
            pass_mark=float(o.get("pass_mark", 60.0)),
        )
    except (TypeError, ValueError):
        raise ResultFileError(f"the session options in the file are damaged: {o!r}") from None


class ResultsLog:
    """One learner's results file, rewritten atomically after every answer.

    ``questions`` is the whole exam as planned (on resume too: the questions already answered
    included); ``prior`` is the file being resumed.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        learner: str,
        deck: Deck,
        seed: int,
        options: Options,
        questions: Sequence[Question],
        started_at: datetime,
        prior: Result | None = None,
        force: bool = False,
    ) -> None:
        self.path = Path(path)
        self.learner = learner
        self.deck = deck
        self.seed = seed
        self.options = options
        self.questions = list(questions)
        self.by_id = {q.card.id: q for q in self.questions}
        self.answers: list[ResultAnswer] = list(prior.answers) if prior else []
        self.started_text = prior.started_at if prior else utc_text(started_at)
        self.base_duration = prior.duration_s if prior else 0.0
        self.session_start = started_at
        self.state = IN_PROGRESS
        if prior is None and not force and self.path.exists():
            raise ResultFileError(_taken(self.path))
        self._write(started_at, protect=prior is None and not force)

    # -- writing --------------------------------------------------------------------------------
    def result(self, now: datetime) -> Result:
        """The file's content as of ``now``: totals over first answers, of every planned question."""
        firsts = [a for a in self.answers if a.first]
        correct = sum(a.correct for a in firsts)
        total = len(self.questions)
        duration = round(self.base_duration + max(0.0, (now - self.session_start).total_seconds()), 3)
        exam = self.options.exam
        return Result(
            learner=self.learner,
            deck_id=self.deck.id,
            deck_title=self.deck.title,
            deck_hash=self.deck.content_hash,
            seed=self.seed,
            mode="exam" if exam else "quiz",
            started_at=self.started_text,
            finished_at=utc_text(now),
            duration_s=duration,
            answers=tuple(self.answers),
            correct=correct,
            asked=len(firsts),
            total=total,
            score=round(sum(a.score for a in firsts), 6),
            percent=round(100.0 * correct / len(firsts), 1) if firsts else 0.0,
            complete=len(firsts) >= total,
            pass_mark=self.options.pass_mark if exam else None,
            passed=(total > 0 and 100.0 * correct / total >= self.options.pass_mark) if exam else None,
            state=self.state,
            plan=tuple((q.card.id, q.shown) for q in self.questions),
            options=options_dict(self.options),
            deck_path=self.deck.path,
        )

    def _write(self, now: datetime, protect: bool = False) -> None:
        guard = "a results file (add --resume to continue it)" if protect else ""
        write_result(self.path, self.result(now), protect=guard)

    def record(self, outcome: Outcome, now: datetime) -> None:
        """Add one answer (from the engine's per-answer ``after_record`` hook) and rewrite the file."""
        self.answers.append(answer_of(outcome))
        self._write(now)

    def finish(self, ended: Ended, now: datetime) -> Result:
        """Write the last state: finished (every question answered), interrupted, or ended (input ran out)."""
        result = self.result(now)
        if result.complete:
            self.state = FINISHED
        else:
            self.state = INTERRUPTED if ended == Ended.INTERRUPTED else ENDED
        self._write(now)
        return self.result(now)

    # -- the whole exam, for the summary the learner sees --------------------------------------
    def summary(self, part: Summary) -> Summary:
        """``part`` (this sitting's summary) widened to the whole exam, answers before a resume included."""
        if len(part.outcomes) == len(self.answers):
            return part
        earlier = self.answers[: len(self.answers) - len(part.outcomes)]
        outcomes = []
        for a in earlier:
            q = self.by_id[a.card]
            verdict = Verdict(a.correct, a.rule, "", a.score, 0, a.expected)
            outcomes.append(Outcome(q, a.typed, verdict, a.time_ms, ""))
        whole = [*outcomes, *part.outcomes]
        firsts = [o for o in whole if o.question.first]
        correct = sum(o.verdict.correct for o in firsts)
        total = len(self.questions)
        return Summary(
            total=total,
            asked=len(firsts),
            correct=correct,
            score=round(sum(o.verdict.score for o in firsts), 6),
            percent=round(100.0 * correct / len(firsts), 1) if firsts else 0.0,
            duration_s=round(self.base_duration + part.duration_s, 3),
            outcomes=tuple(whole),
            missed=tuple(o for o in firsts if not o.verdict.correct),
            ended=part.ended,
            exam=part.exam,
            pass_mark=part.pass_mark,
            passed=(total > 0 and 100.0 * correct / total >= part.pass_mark) if part.exam else None,
        )


def _taken(path: Path) -> str:
    """Why an existing results file is not written over, and what to do instead."""
    try:
        old = load_result(path)
    except ResultFileError:
        return f"{path}: already exists (name another file for the results, or add --force to replace it)"
    if old.complete:
        held = f"{old.learner}'s finished exam ({old.correct}/{old.total})"
        return f"{path}: already exists and holds {held} (name another file, or add --force to replace it)"
    return (
        f"{path}: already exists and holds {old.learner}'s unfinished exam "
        f"({old.asked}/{old.total} answered): continue it with 'quiz run --resume {path}', "
        "name another file, or add --force to replace it"
    )


# -- resuming ------------------------------------------------------------------------------------
def resume_from(path: str | Path) -> Result:
    """The unfinished exam in ``path``, checked to be resumable; :class:`ResultFileError` says why not."""
    result = load_result(path)
    if result.complete:
        raise ResultFileError(
            f"{path}: this exam is finished ({result.asked}/{result.total} answered): nothing to resume"
        )
    if not result.plan or not result.options:
        raise ResultFileError(
            f"{path}: written by an older quiz without the exam's plan: it cannot be resumed"
        )
    return result


def check_same_deck(result: Result, deck: Deck, path: str | Path) -> None:
    """Refuse to resume on another deck, or on another version of it."""
    if result.deck_id != deck.id:
        raise ResultFileError(
            f"{path}: the exam is on deck '{result.deck_id}', not '{deck.id}' (give that deck)"
        )
    if deck.content_hash and result.deck_hash != deck.content_hash:
        raise ResultFileError(
            f"{path}: the deck {deck.path or deck.id} changed since this exam began (its content hash "
            "differs); resume with the deck as it was, or start a new exam"
        )


def answered_already(questions: Sequence[Question], result: Result, path: str | Path) -> int:
    """How many of the planned questions were answered before, after checking the rebuilt plan is the same.

    The questions are asked in order, so the answered ones are the first of the plan.
    """
    plan = [(q.card.id, q.shown) for q in questions]
    if plan != list(result.plan):
        raise ResultFileError(
            f"{path}: the deck no longer gives the same questions in the same order (was it edited?); "
            "start a new exam"
        )
    done = [a.card for a in result.answers if a.first]
    if done != [card for card, _ in result.plan[: len(done)]]:
        raise ResultFileError(f"{path}: the answers are not the first questions of the exam's plan")
    return len(done)
