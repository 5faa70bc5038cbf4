"""A class's exam results → per-learner figures and Moodle's item analysis per question.

Pure: takes loaded :class:`~quiz.insight.results.Result` objects (and optionally the deck),
returns a :class:`Report`; ``report_text`` and ``report_html`` render it. Only first tries
count. The figures are defined in docs/report.md; answers are read with grading's own parse
(``report_answers``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from quiz.errors import QuizError
from quiz.insight.report_answers import LOOSE, Candidate, candidates_for, picked_options, picked_text
from quiz.insight.report_figures import ExamFigures, ItemFigures, all_item_figures, exam_figures
from quiz.insight.results import Result, ResultAnswer
from quiz.model import (
    AnyCard,
    Card,
    ChoiceCard,
    Deck,
    MultiCard,
    OrderCard,
    options_of,
    question_text,
    self_rated,
)

TOP_WRONG = 3
SELF_RATED = "card"  # the flashcard type: the learner says whether they knew it


class ReportError(QuizError):
    """The results cannot make one report (another deck's results, or several decks mixed)."""


@dataclass(frozen=True)
class LearnerStat:
    """One learner's result: ``percent`` is right answers over all the exam's questions."""

    name: str
    file: str
    correct: int
    asked: int
    total: int
    score: float
    percent: float
    duration_s: float
    complete: bool
    passed: bool | None


@dataclass(frozen=True)
class QuestionStat:
    """How the class did on one card (first tries only); ``figures`` is None for self-rated cards."""

    card: str
    type: str
    prompt: str
    answered: int
    correct: int
    avg_time_s: float | None
    figures: ItemFigures | None = None
    wrong: tuple[tuple[str, int], ...] = ()
    options: tuple[tuple[str, int], ...] | None = None  # choice/multi: each option and how often picked
    other: int = 0  # choice/multi answers that named no option
    candidates: tuple[Candidate, ...] = ()
    changed: str = ""  # how the card differs from the one some learners answered ("" = unchanged)

    @property
    def share(self) -> float | None:
        """The share of learners who answered it that got it right (None: nobody answered)."""
        return self.correct / self.answered if self.answered else None

    @property
    def self_rated(self) -> bool:
        """A flashcard: the learner said whether they knew it; nothing was marked."""
        return self.type == SELF_RATED


@dataclass(frozen=True)
class AnswerRow:
    """One learner's first answer to one question (a CSV row)."""

    learner: str
    file: str
    card: str
    type: str
    typed: str
    picked: str
    correct: bool
    score: float
    time_s: float


@dataclass(frozen=True)
class Report:
    """Everything ``quiz report`` shows."""

    deck_id: str
    deck_title: str
    learners: tuple[LearnerStat, ...]
    questions: tuple[QuestionStat, ...]
    rows: tuple[AnswerRow, ...] = field(repr=False)
    warnings: tuple[str, ...] = ()
    exam: ExamFigures = field(default_factory=lambda: exam_figures([], []))

    @property
    def incomplete(self) -> int:
        """How many learners did not answer every question."""
        return sum(not x.complete for x in self.learners)

    def distribution(self) -> list[int]:
        """How many learners scored 0-9 %, 10-19 %, …, 90-100 % (ten bins)."""
        bins = [0] * 10
        for learner in self.learners:
            bins[min(9, int(learner.percent // 10))] += 1
        return bins

    def to_dict(self) -> dict[str, Any]:
        """The report as a JSON-ready mapping (``quiz report --json``)."""
        from dataclasses import asdict

        return {
            "deck": {"id": self.deck_id, "title": self.deck_title},
            "warnings": list(self.warnings),
            "exam": asdict(self.exam),
            "learners": [
                {**asdict(x), "answered": x.asked, "incomplete": not x.complete} for x in self.learners
            ],
            "questions": [
                {
                    "card": q.card,
                    "type": q.type,
                    "prompt": q.prompt,
                    "self_rated": q.self_rated,
                    "answered": q.answered,
                    "correct": q.correct,
                    "share": q.share,
                    **(asdict(q.figures) if q.figures else dict.fromkeys(_FIGURE_KEYS)),
                    "avg_time_s": q.avg_time_s,
                    "wrong": [{"answer": a, "count": n} for a, n in q.wrong],
                    "options": None
                    if q.options is None
                    else [{"option": o, "count": n} for o, n in q.options],
                    "other": q.other,
                    "candidates": [{"typed": c.typed, "count": c.count, "why": c.why} for c in q.candidates],
                    "changed": q.changed or None,
                }
                for q in self.questions
            ],
            "distribution": self.distribution(),
        }


_FIGURE_KEYS = tuple(ItemFigures.__dataclass_fields__)


# -- which results, and which questions changed -------------------------------------------------
def _keep(
    results: Sequence[tuple[str, Result]], deck: Deck | None
) -> tuple[list[tuple[str, Result]], list[str]]:
    """The results of one deck, with a warning for each left out; ReportError if none is left."""
    warnings: list[str] = []
    if deck is None:
        ids: dict[str, list[str]] = {}
        for name, r in results:
            ids.setdefault(r.deck_id, []).append(name)
        if len(ids) > 1:
            which = "; ".join(
                f"'{d}' ({', '.join(names[:3])}{', …' if len(names) > 3 else ''})" for d, names in ids.items()
            )
            raise ReportError(
                f"the results are for {len(ids)} different decks: {which} "
                "(report one deck at a time: give --deck DECK, or only that deck's files)"
            )
        return list(results), warnings
    kept = [(n, r) for n, r in results if r.deck_id == deck.id]
    others = sorted({r.deck_id for _, r in results if r.deck_id != deck.id})
    if not kept:
        raise ReportError(
            f"none of the results is for deck '{deck.id}' ({deck.path or deck.id}): they are for "
            + ", ".join(f"'{d}'" for d in others)
            + " (give the deck those results were written for)"
        )
    for name, r in results:
        if r.deck_id != deck.id:
            warnings.append(f"{name}: results for deck '{r.deck_id}', not '{deck.id}': left out")
    return kept, warnings


def _prompt_of(card: Card) -> str:
    return " ".join(question_text(card).split())


def changes(card: AnyCard | None, answer: ResultAnswer) -> str:
    """How ``card`` (in the deck now) differs from the card ``answer`` was given to ("" if not)."""
    if card is None:
        return "no longer in the deck"
    what = []
    if card.kind.value != answer.type:
        what.append(f"type {answer.type} → {card.kind.value}")
    if _prompt_of(card) != " ".join(answer.prompt.split()):
        what.append("prompt")
    options = options_of(card)
    if answer.shown is not None and options is not None and sorted(answer.shown) != sorted(options):
        what.append("choices" if not isinstance(card, OrderCard) else "items")
    if answer.expected and answer.type == card.kind.value and answer.expected != card.answer_text():
        what.append(f"answer '{answer.expected}' → '{card.answer_text()}'")
    return ", ".join(what)


def _files(names: Sequence[str]) -> str:
    """One file's name, or the first three of several and how many: one warning for a group."""
    if len(names) == 1:
        return names[0]
    more = f" and {len(names) - 3} more" if len(names) > 3 else ""
    return f"{', '.join(names[:3])}{more} ({len(names)} files)"


def _whole_deck(r: Result) -> bool:
    """Whether ``r``'s exam asked every card of its deck (no --count, --tag or --card)."""
    o = r.options
    return bool(r.plan) and o.get("count") is None and not o.get("tags") and not o.get("card_ids")


def _added(group: Sequence[Result], deck: Deck) -> list[str]:
    """Cards of ``deck`` that no exam of ``group`` (one older version, whole deck asked) had in its plan."""
    if not all(_whole_deck(r) for r in group):
        return []
    planned = {card for r in group for card, _ in r.plan}
    exam = all(r.mode == "exam" for r in group)  # an exam asks no flashcard
    return [c.id for c in deck.cards if c.id not in planned and not (exam and self_rated(c))]


def _changed_cards(kept: Sequence[tuple[str, Result]], deck: Deck) -> tuple[dict[str, str], list[str]]:
    """For results of another version of ``deck``: each changed card's difference, and the warnings.

    Results of one older version are one group, with one warning of each kind (a class of 30
    gives three lines, not sixty): that they are of another version, the questions they
    answered that changed since, and the cards added since (when their exams asked every card).
    """
    changed: dict[str, str] = {}
    groups: dict[str, list[tuple[str, Result]]] = {}
    for name, r in kept:
        if deck.content_hash and r.deck_hash != deck.content_hash:
            groups.setdefault(r.deck_hash, []).append((name, r))
    warnings = []
    for group in groups.values():
        who = _files([name for name, _ in group])
        warnings.append(
            f"{who}: results from a different version of the deck "
            f"(its content hash differs from {deck.path or deck.id})"
        )
        mine: list[str] = []
        for _, r in group:
            for a in r.answers:
                if a.first and a.card not in changed:
                    why = changes(deck.card(a.card), a)
                    if why:
                        changed[a.card] = why
                if a.first and a.card in changed and a.card not in mine:
                    mine.append(a.card)
        if mine:
            which = ", ".join(f"{c} ({changed[c]})" for c in mine)
            warnings.append(f"{who}: answered questions that changed since: {which}")
        added = _added([r for _, r in group], deck)
        if added:
            warnings.append(f"{who}: questions added to the deck since (not asked): {', '.join(added)}")
    return changed, warnings


# -- building -----------------------------------------------------------------------------------
def build_report(results: Sequence[tuple[str, Result]], deck: Deck | None = None) -> Report:
    """The report of ``results`` (file name, result); ``deck`` gives prompts, order and alternates.

    Raises :class:`ReportError` when no result is for ``deck``, or (without ``deck``) when the
    results are for several decks. With ``deck``, results from another version of it are kept
    and the questions that changed are named.
    """
    kept, warnings = _keep(results, deck)
    changed: dict[str, str] = {}
    if deck is not None:
        changed, more = _changed_cards(kept, deck)
        warnings += more
    learners = tuple(
        LearnerStat(
            name=r.learner,
            file=name,
            correct=r.correct,
            asked=r.asked,
            total=r.total,
            score=r.score,
            percent=round(100.0 * r.correct / r.total, 1) if r.total else 0.0,
            duration_s=r.duration_s,
            complete=r.complete,
            passed=r.passed,
        )
        for name, r in kept
    )
    by_card: dict[str, list[tuple[str, Result, ResultAnswer]]] = {}
    for name, r in kept:
        for a in r.answers:
            if a.first:
                by_card.setdefault(a.card, []).append((name, r, a))
    order = list(by_card)
    if deck is not None:  # with the questions of the exams that nobody reached (0 answered)
        planned = {card for _, r in kept for card, _ in r.plan}
        in_deck = [c.id for c in deck.cards if c.id in by_card or c.id in planned]
        order = in_deck + [c for c in order if c not in in_deck]

    # Item analysis: finished attempts only (as Moodle), marked questions only (not self-rated).
    attempts = [
        {a.card: a.score for a in r.answers if a.first and a.type != SELF_RATED}
        for _, r in kept
        if r.complete
    ]
    marked = [c for c in order if any(c in a for a in attempts)]
    figures = all_item_figures(attempts, marked)

    questions: list[QuestionStat] = []
    rows: list[AnswerRow] = []
    for card_id in order:
        entries = by_card.get(card_id, [])
        card = deck.card(card_id) if deck is not None else None
        if not entries and card is not None:  # asked in no attempt yet: every exam stopped before it
            q = QuestionStat(card_id, card.kind.value, _prompt_of(card), 0, 0, None)
            questions.append(replace(q, changed=changed.get(card_id, "")))
            continue
        q = _question(card_id, card, deck, entries)
        questions.append(replace(q, figures=figures.get(card_id), changed=changed.get(card_id, "")))
        policy = deck.policy(card) if deck is not None and card is not None else LOOSE
        for name, r, a in entries:
            rows.append(
                AnswerRow(
                    r.learner,
                    name,
                    card_id,
                    q.type,
                    a.typed,
                    picked_text(a, policy),
                    a.correct,
                    a.score,
                    a.time_ms / 1000,
                )
            )
    ids = sorted({r.deck_id for _, r in kept})
    deck_id = deck.id if deck is not None else ", ".join(ids)
    title = deck.title if deck is not None else (kept[0][1].deck_title if kept else "")
    return Report(
        deck_id,
        title,
        learners,
        tuple(questions),
        tuple(rows),
        tuple(warnings),
        exam_figures(attempts, marked),
    )


def _question(
    card_id: str, card: Card | None, deck: Deck | None, entries: list[tuple[str, Result, ResultAnswer]]
) -> QuestionStat:
    from quiz.grading import normalize

    first = entries[0][2]
    kind = card.kind.value if card is not None and card.kind.value == first.type else first.type
    prompt = _prompt_of(card) if card is not None else first.prompt
    policy = deck.policy(card) if deck is not None and card is not None else LOOSE
    answers = [a for _, _, a in entries]
    avg = round(sum(a.time_ms for a in answers) / len(answers) / 1000, 3) if answers else None

    options: tuple[tuple[str, int], ...] | None = None
    other = 0
    wrong: Counter[str] = Counter()
    shown_as: dict[str, str] = {}
    if kind in ("choice", "multi"):
        if isinstance(card, (ChoiceCard, MultiCard)):
            names = list(card.choices)
        else:
            names = list(dict.fromkeys(s for a in answers for s in (a.shown or ())))
        counts: Counter[str] = Counter()
        for a in answers:
            picks = picked_options(a.typed, a.shown or names, kind == "multi", policy)
            counts.update(picks)
            if not picks:
                other += 1
            if not a.correct:
                label = ", ".join(picks) if picks else a.typed.strip()
                wrong[label] += 1
                shown_as.setdefault(label, label)
        options = tuple((name, counts[name]) for name in names)
    elif kind != SELF_RATED:  # a flashcard's "wrong answer" is only "n"
        for a in answers:
            if a.correct or not a.typed.strip():
                continue
            if kind == "order" and a.shown is not None:
                label = picked_text(a, policy)
                wrong[label] += 1
                shown_as.setdefault(label, label)
                continue
            key = normalize(a.typed, policy) or a.typed.strip()
            wrong[key] += 1
            shown_as.setdefault(key, " ".join(a.typed.split()))
    ranked = sorted(wrong.items(), key=lambda kv: -kv[1])[:TOP_WRONG]
    return QuestionStat(
        card=card_id,
        type=kind,
        prompt=" ".join(prompt.split()),
        answered=len(answers),
        correct=sum(a.correct for a in answers),
        avg_time_s=avg,
        wrong=tuple((shown_as[k], n) for k, n in ranked),
        options=options,
        other=other,
        candidates=tuple(candidates_for(card, answers)),
    )
