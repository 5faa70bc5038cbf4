"""Every string a learner sees: card summaries, questions, verdicts, session summaries, JSON events."""

from __future__ import annotations

import re

import click

from quiz.model import (
    AnyCard,
    BoolCard,
    ChoiceCard,
    ClozeCard,
    DateCard,
    Deck,
    Ended,
    FlashCard,
    Mode,
    MultiCard,
    NumberCard,
    OrderCard,
    Outcome,
    Question,
    Rule,
    ShortCard,
    Summary,
    Verdict,
    assert_never,
    letter,
    plural,
    question_text,
    self_rated,
)
from quiz.model.cloze import gaps


def _card_details(card: AnyCard) -> list[str]:
    """The lines of ``quiz show`` between the prompt and the explanation: choices, answer, alternates."""
    answer = card.answer_text()
    match card:
        case ChoiceCard() | MultiCard():
            choices = [f"     {letter(i)}) {choice}" for i, choice in enumerate(card.choices)]
            return [*choices, f"   answer: {answer}"]
        case OrderCard():
            return ["     items: " + " | ".join(sorted(card.items)), f"   answer: {answer}"]
        case FlashCard():
            return [f"   back: {answer}"]
        case ShortCard():
            return [f"   answer: {answer}", *(["   also: " + ", ".join(card.accept)] if card.accept else [])]
        case NumberCard():
            unit = "%" if card.tolerance_percent else ""
            within = [f"   within ±{card.tolerance:g}{unit}"] if card.tolerance else []
            return [f"   answer: {answer}", *within]
        case BoolCard() | DateCard() | ClozeCard():
            return [f"   answer: {answer}"]
        case _:
            assert_never(card)


def card_summary(card: AnyCard, number: int, color: bool = False) -> str:
    """A card with its answer, for ``quiz show``."""
    head = f"{number}. [{card.kind.value}] {card.id}"
    lines = [click.style(head, bold=True) if color else head]
    lines.append(f"   {question_text(card)}")
    lines.extend(_card_details(card))
    if card.explain:
        lines.append(f"   why: {card.explain}")
    if card.tags:
        lines.append("   tags: " + ", ".join(card.tags))
    return "\n".join(lines)


# -- quiz sessions ---------------------------------------------------------------------------
# Semantic styles: the one place colours are chosen. Only foreground colours and bold, which
# read well on dark and light terminals and survive ssh and tmux.
STYLES: dict[str, dict[str, object]] = {
    "title": {"bold": True},
    "progress": {"fg": "cyan"},
    "prompt": {"bold": True},
    "choice": {},
    "hint": {"fg": "cyan"},
    "right": {"fg": "green", "bold": True},
    "wrong": {"fg": "red", "bold": True},
    "partial": {"fg": "yellow", "bold": True},
    "note": {"fg": "yellow"},
    "answer": {"bold": True},
    "explain": {},
    "pass": {"fg": "green", "bold": True},
    "fail": {"fg": "red", "bold": True},
}


def styled(text: str, role: str, color: bool) -> str:
    """``text`` in the style named ``role`` when ``color`` is on, else unchanged."""
    if not color or not STYLES.get(role):
        return text
    return click.style(text, **STYLES[role])  # type: ignore[arg-type]


def seed_line(seed: int) -> str:
    """How to repeat a session: printed first."""
    return f"seed {seed} — repeat with --seed {seed}"


def session_header(
    deck: Deck, total: int, exam: bool, pass_mark: float, color: bool, width: int | None = None
) -> str:
    """The deck title and how many questions follow (on several lines when ``width`` is narrow)."""
    count = f"{total} question{'s' if total != 1 else ''}"
    mode = f" · exam, pass mark {pass_mark:g}%" if exam else ""
    lines = pack([deck.title, count + mode], width)
    if lines[0].startswith(deck.title):
        lines[0] = styled(deck.title, "title", color) + lines[0][len(deck.title) :]
    return "\n".join(lines)


def pack(parts: list[str], width: int | None, indent: str = "", sep: str = " · ") -> list[str]:
    """``parts`` joined by ``sep`` on as few lines of ``width`` as they fit (a part too long is wrapped)."""
    flat = [" ".join(p.split()) for p in parts]
    if not width:
        return [indent + sep.join(flat)]
    lines: list[str] = []
    line = ""
    for part in flat:
        joined = f"{line}{sep}{part}" if line else part
        if len(indent) + len(joined) <= width or not line:
            line = joined
            continue
        lines.append(line)
        line = part
    lines.append(line)
    out: list[str] = []
    for text in lines:  # a single part wider than the screen is wrapped at spaces
        out.extend(wrap(text, width, indent) if len(indent) + len(text) > width else [indent + text])
    return out


def progress(q: Question) -> str:
    """``7/45`` (first tries; every study card, whose kind line says why) or ``again 2/3`` (retry rounds)."""
    return f"{q.n}/{q.total}" if q.first or q.kind else f"again {q.n}/{q.total}"


def question_prompt(q: Question) -> str:
    """The question text as shown: cloze gaps as [1], [2]; a flashcard's front."""
    return question_text(q.card)


_DATE_HINTS = {
    "year": "(a year)",
    "month": "(a month and year, e.g. March 2017)",
    "day": "(a full date, e.g. 18 December 2019)",
}


def answer_hint(q: Question) -> str:
    """The short line that says how to answer (empty when nothing needs saying)."""
    card = q.card
    match card:
        case ClozeCard():
            n = len(gaps(card.prompt))
            if n == 1:
                return "(fill the gap)"
            return f"(fill the {n} gaps; separate the answers with ';', e.g. x; y)"
        case MultiCard():
            return "(choose all that apply, e.g. a, c)"
        case ChoiceCard():
            return "(a letter or the answer)"
        case OrderCard():
            return "(give them in order, by letter or text, e.g. c, a, b)"
        case BoolCard():
            return "(true/false)"
        case NumberCard():
            return f"(a number, in {card.unit})" if card.unit else ""
        case DateCard():
            return _DATE_HINTS[card.answer.precision]
        case ShortCard() | FlashCard():
            return ""
        case _:
            assert_never(card)


def question_lines(q: Question, color: bool, width: int | None = None) -> list[str]:
    """The lines that ask ``q``: progress and prompt, the shown choices or items, the hint."""
    head = progress(q)
    indent = " " * (len(head) + 2)
    body = wrap(question_prompt(q), width, indent, "prompt", color)
    lines = [f"{styled(head, 'progress', color)}  {body[0][len(indent) :]}", *body[1:]]
    if q.shown is not None:
        for i, item in enumerate(q.shown):
            mark = letter(i) + ")"
            hanging = indent + " " * (len(mark) + 1)  # a long choice continues under its text
            text = wrap(item, width, hanging)
            lines.append(f"{indent}{styled(mark, 'choice', color)} {text[0][len(hanging) :]}")
            lines.extend(text[1:])
    hint = answer_hint(q)
    if hint:
        lines.extend(wrap(hint, width, indent, "hint", color))
    return lines


FLASH_REVEAL = "(press Enter to see the answer)"
FLASH_ASK = "Did you know it? (y/n) "


def flash_reveal_lines(q: Question, color: bool, width: int | None = None) -> list[str]:
    """A flashcard's back, once revealed, and the question whether it was known."""
    indent = " " * (len(progress(q)) + 2)
    assert self_rated(q.card)
    return [*wrap(f"Answer: {q.card.back}", width, indent, "answer", color), f"{indent}{FLASH_ASK.strip()}"]


def verdict_mark(outcome: Outcome, plain: bool) -> tuple[str, str]:
    """The verdict word (with ✓/✗ unless plain) and its style role."""
    v = outcome.verdict
    if v.correct:
        return ("Right" if plain else "✓ Right"), "right"
    if 0 < v.score < 1:
        share = f"{round(v.score * 100)}%"
        return (f"Partly right ({share}), counted wrong" if plain else f"✗ Partly right ({share})"), "partial"
    return ("Wrong" if plain else "✗ Wrong"), "wrong"


def verdict_label(correct: bool, rule: str, overridden: bool = False) -> str:
    """``right``, ``right (typo)``, ``wrong``, ``wrong (empty)``, ``right (overridden; graded wrong)``.

    The rule is named only when it says more than the word: never ``wrong (wrong)`` or ``right (exact)``.
    """
    if overridden:
        return f"right (overridden; graded {rule})"
    word = "right" if correct else "wrong"
    plain = Rule.EXACT if correct else Rule.WRONG
    return word if rule == plain else f"{word} ({rule})"


def wrap(text: str, width: int | None, indent: str, role: str = "", color: bool = False) -> list[str]:
    """``text`` on one line per paragraph, or wrapped to ``width`` with ``indent``; each line styled."""
    flat = " ".join(text.split())
    if not width:
        return [indent + styled(flat, role, color)]
    if _KEEP not in flat:  # a cloze gap ("[1: a name]") is kept on one line when it fits on one
        room = width - len(indent)
        flat = _GAP.sub(lambda m: m[0].replace(" ", _KEEP) if len(m[0]) <= room else m[0], flat)
    wrapped = click.wrap_text(flat, width, initial_indent=indent, subsequent_indent=indent)
    return [
        indent + styled(line[len(indent) :].replace(_KEEP, " "), role, color) for line in wrapped.splitlines()
    ]


#: A cloze gap as a question shows it, and the character that holds its words together while wrapping.
_GAP = re.compile(r"\[\d+: [^\[\]]*\]")
_KEEP = "\ue000"


def keyed_answer(q: Question, expected: str) -> str:
    """The right answer with the letters it has in the shown order: ``b, a, c (x → y → z)``."""
    card = q.card
    if q.shown is None:
        return expected
    try:
        match card:
            case ChoiceCard():
                return f"{letter(q.shown.index(card.answer))}) {card.answer}"
            case MultiCard():  # letters in alphabetical order, each with its choice
                picked = sorted(q.shown.index(k) for k in card.answers)
                return ", ".join(letter(i) for i in picked) + f" ({', '.join(q.shown[i] for i in picked)})"
            case OrderCard():
                keys = card.items
            case ShortCard() | BoolCard() | NumberCard() | DateCard() | ClozeCard() | FlashCard():
                return expected
            case _:
                assert_never(card)
        return ", ".join(letter(q.shown.index(k)) for k in keys) + f" ({expected})"
    except ValueError:
        return expected


#: Rules by which a right answer was written differently from the key: the key is shown too.
SHOW_KEY_RULES = (Rule.ALTERNATE, Rule.TYPO, Rule.TOLERANCE, Rule.DATE_MORE_PRECISE)


def verdict_lines(
    outcome: Outcome, color: bool, plain: bool, indent: str = "  ", width: int | None = None
) -> list[str]:
    """The verdict, why it was accepted, the right answer and the card's explanation."""
    v = outcome.verdict
    card = outcome.question.card
    word, role = verdict_mark(outcome, plain)
    lines = wrap(f"{word} — {v.note}" if v.note else word, width, indent)
    lines[0] = lines[0].replace(word, styled(word, role, color), 1)
    expected = v.expected or card.answer_text()
    show_key = not v.correct or v.typos > 0 or v.rule in SHOW_KEY_RULES
    if not self_rated(card) and show_key:
        lines.extend(
            wrap(f"Answer: {keyed_answer(outcome.question, expected)}", width, indent, "answer", color)
        )
    if card.explain:
        lines.extend(wrap(card.explain, width, indent, "explain", color))
    return lines


def _duration(seconds: float) -> str:
    s = round(seconds)
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m {s % 60:02d}s"
    return f"{s // 3600}h {s % 3600 // 60:02d}m"


def summary_lines(summary: Summary, color: bool, plain: bool, width: int | None = None) -> list[str]:
    """The end of a session: score, percentage, time, the questions missed, exam pass/fail."""
    lines: list[str] = []
    if summary.ended == Ended.END_OF_INPUT and not summary.complete:
        lines.append(f"Input ended after {summary.asked} of {plural(summary.total, 'question')}.")
    score = f"{summary.correct}/{summary.asked} ({summary.percent:g}%)"
    scored = pack([f"Score: {score}", f"time {_duration(summary.duration_s)}"], width)
    scored[0] = styled("Score", "title", color) + scored[0][len("Score") :]
    lines.extend(scored)
    if summary.missed:
        lines.append("Missed:")
        for o in summary.missed:
            prefix = f"  - {o.question.card.id}: "
            room = max(20, (width or 80) - len(prefix))
            text = " ".join(question_prompt(o.question).split())
            if len(text) > room:
                text = text[: room - 1] + "…"
            lines.append(prefix + text)
            lines.extend(
                wrap(f"answer: {o.verdict.expected or o.question.card.answer_text()}", width, "    ")
            )
    if summary.exam:
        share = 100.0 * summary.correct / summary.total if summary.total else 0.0
        mark = f"{share:.0f}% of {plural(summary.total, 'question')}, pass mark {summary.pass_mark:g}%"
        word, role = ("PASSED", "pass") if summary.passed else ("FAILED", "fail")
        verdict = wrap(f"{word} ({mark})", width, "")
        verdict[0] = styled(word, role, color) + verdict[0][len(word) :]
        lines.extend(verdict)
    return lines


def exam_review_lines(summary: Summary, color: bool, plain: bool, width: int | None = None) -> list[str]:
    """After an exam: every question with what was typed, the verdict, answer and explanation."""
    lines: list[str] = []
    for o in summary.outcomes:
        q = o.question
        head = progress(q)
        body = wrap(question_prompt(q), width, " " * (len(head) + 2))
        lines.append(f"{styled(head, 'progress', color)}  {body[0].lstrip()}")
        lines.extend(body[1:])
        lines.extend(wrap(f"You answered: {o.typed}", width, "  "))
        lines.extend(verdict_lines(o, color, plain, width=width))
        lines.append("")
    return lines


# -- JSON events (``quiz run --json``) --------------------------------------------------------
def start_event(deck: Deck, seed: int, session_id: int | None, total: int, exam: bool) -> dict[str, object]:
    """The first event of a ``--json`` session."""
    return {
        "event": "start",
        "deck": deck.id,
        "title": deck.title,
        "seed": seed,
        "session": session_id,
        "total": total,
        "mode": Mode.EXAM if exam else Mode.QUIZ,
    }


def question_event(q: Question) -> dict[str, object]:
    """One event per question asked, with the choices (or items) in the order shown."""
    card = q.card
    return {
        "event": "question",
        "n": q.n,
        "total": q.total,
        "retry": not q.first,
        "card": card.id,
        "type": card.kind.value,
        "prompt": question_prompt(q),
        "choices": list(q.shown) if q.shown is not None and not isinstance(card, OrderCard) else None,
        "items": list(q.shown) if q.shown is not None and isinstance(card, OrderCard) else None,
        "hint": answer_hint(q),
    }


def reveal_event(q: Question) -> dict[str, object]:
    """A flashcard's back, sent before its y/n answer is read."""
    assert self_rated(q.card)
    return {"event": "reveal", "card": q.card.id, "back": q.card.back}


def verdict_event(outcome: Outcome) -> dict[str, object]:
    """One event per answer graded."""
    v = outcome.verdict
    card = outcome.question.card
    return {
        "event": "verdict",
        "n": outcome.question.n,
        "retry": not outcome.question.first,
        "card": card.id,
        "typed": outcome.typed,
        "correct": v.correct,
        "rule": v.rule,
        "note": v.note,
        "score": v.score,
        "expected": v.expected or card.answer_text(),
        "explain": card.explain,
        "time_ms": outcome.time_ms,
    }


def summary_event(summary: Summary, session_id: int | None) -> dict[str, object]:
    """The last event: the score of first tries and the missed card ids."""
    return {
        "event": "summary",
        "session": session_id,
        "correct": summary.correct,
        "asked": summary.asked,
        "total": summary.total,
        "score": summary.score,
        "percent": summary.percent,
        "duration_s": summary.duration_s,
        "missed": [o.question.card.id for o in summary.missed],
        "ended": summary.ended,
        "complete": summary.complete,
        "exam": summary.exam,
        "pass_mark": summary.pass_mark if summary.exam else None,
        "passed": summary.passed,
    }


# -- answers asked again, overrides, interruptions ----------------------------------------------
OVERRIDE_KEY = "r"
OVERRIDE_PROMPT = "  (Enter: go on · r: I was right) "


def is_override(line: str | None) -> bool:
    """Whether the line read after a refusal says "I was right"."""
    return line is not None and line.strip().lower() == OVERRIDE_KEY


def override_line(color: bool) -> str:
    """Said once the learner overrode a refusal."""
    return "  " + styled("Counted as right (overridden by you).", "note", color)


def override_event(outcome: Outcome) -> dict[str, object]:
    """``--json``: the answer of question ``n`` was overridden and now counts as right."""
    return {
        "event": "override",
        "n": outcome.question.n,
        "retry": not outcome.question.first,
        "card": outcome.question.card.id,
        "typed": outcome.typed,
        "correct": True,
    }


def unreadable_lines(verdict: Verdict, width: int | None) -> list[str]:
    """An answer that could not be read: which forms are read (the verdict's note); it is asked again."""
    note = verdict.note or "that answer could not be read"
    return wrap(f"{note[:1].upper()}{note[1:]}. Try again.", width, "  ")


def unreadable_event(q: Question, typed: str, verdict: Verdict) -> dict[str, object]:
    """``--json``: the answer could not be read and is not graded; the same question is asked again."""
    return {
        "event": "unreadable",
        "n": q.n,
        "retry": not q.first,
        "card": q.card.id,
        "typed": typed,
        "note": verdict.note,
    }


def so_far_line(summary: Summary) -> str:
    """What an interrupted quiz had reached: the score so far (an exam: only how many were answered)."""
    answered = f"{summary.asked} of {summary.total} question{'s' if summary.total != 1 else ''} answered"
    if summary.exam:
        return f"{answered}; an exam that was not finished is not marked."
    return f"Score so far: {summary.correct}/{summary.asked} ({summary.percent:g}%) · {answered}."
