"""A class's exam results → per-learner and per-question statistics, as text, JSON, CSV or HTML.

Pure: takes loaded :class:`~quiz.results.Result` objects (and optionally the deck), returns a
:class:`Report`; the renderers return text. Only first tries count. See docs/instructors.md.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from quiz.insight.results import Result, ResultAnswer
from quiz.model import Card, ChoiceCard, ClozeCard, Deck, MultiCard, Policy, ShortCard

#: A looser policy than any a deck can set: used to find rejected answers that look right.
LOOSE = Policy(unicode="nfkc", case="insensitive", accents="insensitive", punctuation="ignore",
               whitespace="collapse", articles="ignore", typos="auto")  # fmt: skip
TOP_WRONG = 3



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
class Candidate:
    """A rejected answer that looks right: a candidate for the card's ``accept:`` list."""

    typed: str
    count: int
    why: str


@dataclass(frozen=True)
class QuestionStat:
    """How the class did on one card (first tries only)."""

    card: str
    type: str
    prompt: str
    answered: int
    correct: int
    discrimination: float | None
    avg_time_s: float | None
    wrong: tuple[tuple[str, int], ...] = ()
    options: tuple[tuple[str, int], ...] | None = None  # choice/multi: each option and how often picked
    other: int = 0  # choice/multi answers that named no option
    candidates: tuple[Candidate, ...] = ()

    @property
    def share(self) -> float | None:
        """The share of learners who answered it that got it right (None: nobody answered)."""
        return self.correct / self.answered if self.answered else None


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

    def distribution(self) -> list[int]:
        """How many learners scored 0-9 %, 10-19 %, …, 90-100 % (ten bins)."""
        bins = [0] * 10
        for learner in self.learners:
            bins[min(9, int(learner.percent // 10))] += 1
        return bins

    def to_dict(self) -> dict[str, Any]:
        """The report as a JSON-ready mapping (``quiz report --json``)."""
        return {
            "deck": {"id": self.deck_id, "title": self.deck_title},
            "warnings": list(self.warnings),
            "learners": [
                {
                    "name": x.name,
                    "file": x.file,
                    "correct": x.correct,
                    "asked": x.asked,
                    "total": x.total,
                    "score": x.score,
                    "percent": x.percent,
                    "duration_s": x.duration_s,
                    "complete": x.complete,
                    "passed": x.passed,
                }
                for x in self.learners
            ],
            "questions": [
                {
                    "card": q.card,
                    "type": q.type,
                    "prompt": q.prompt,
                    "answered": q.answered,
                    "correct": q.correct,
                    "share": q.share,
                    "discrimination": q.discrimination,
                    "avg_time_s": q.avg_time_s,
                    "wrong": [{"answer": a, "count": n} for a, n in q.wrong],
                    "options": None
                    if q.options is None
                    else [{"option": o, "count": n} for o, n in q.options],
                    "other": q.other,
                    "candidates": [{"typed": c.typed, "count": c.count, "why": c.why} for c in q.candidates],
                }
                for q in self.questions
            ],
            "distribution": self.distribution(),
        }


# -- computations ------------------------------------------------------------------------------
def discrimination(rows: Sequence[tuple[float, bool]]) -> float | None:
    """Share right in the top third of learners (by total score) minus the bottom third.

    ``rows`` holds, for each learner who answered the question, their total score (any scale)
    and whether they got this question right. Each third is ``n // 3`` learners; ties at a
    boundary keep the order given. None with fewer than 3 learners.
    """
    n = len(rows)
    if n < 3:
        return None
    k = n // 3
    ranked = sorted(rows, key=lambda r: -r[0])
    top = sum(ok for _, ok in ranked[:k]) / k
    bottom = sum(ok for _, ok in ranked[-k:]) / k
    return round(top - bottom, 6)


def _option_index(piece: str, shown: Sequence[str], policy: Policy) -> int | None:
    from rapidfuzz.distance import OSA

    from quiz.grading import choice_label, normalize, typo_budget

    text = piece.strip()
    if not text:
        return None
    literal = {" ".join(s.split()).casefold(): i for i, s in enumerate(shown)}
    if " ".join(text.split()).casefold() in literal:
        return literal[" ".join(text.split()).casefold()]
    label = choice_label(text, len(shown))
    if label is not None:
        return label
    n = normalize(text, policy)
    norms = [normalize(s, policy) for s in shown]
    if n in norms:
        return norms.index(n)
    near = [(OSA.distance(n, s), i) for i, s in enumerate(norms) if s and typo_budget(s, policy) > 0]
    near = [(d, i) for d, i in near if d <= typo_budget(norms[i], policy)]
    near.sort()
    if near and (len(near) == 1 or near[0][0] < near[1][0]):
        return near[0][1]
    return None


def picked_options(typed: str, shown: Sequence[str], multi: bool, policy: Policy = LOOSE) -> list[str]:
    """The options a typed choice answer names: by letter, number or text, in the shown order given."""
    whole = _option_index(typed, shown, policy)
    if whole is not None:
        return [shown[whole]]
    if not multi:
        return []
    from quiz.grading import split_answer

    pieces = split_answer(typed, "multi")
    if len(pieces) == 1:
        pieces = pieces[0].split()
    picks: list[str] = []
    for piece in pieces:
        i = _option_index(piece, shown, policy)
        if i is not None and shown[i] not in picks:
            picks.append(shown[i])
    return picks


def ordered_items(typed: str, shown: Sequence[str], policy: Policy = LOOSE) -> list[str]:
    """The items an order answer names, in the typed order: by letter, number (``312``) or text."""
    from quiz.grading import choice_label, split_answer

    pieces = split_answer(typed.strip(), "order")
    if len(pieces) == 1:
        one = pieces[0]
        if one.isdigit() and len(one) == len(shown) and _option_index(one, shown, policy) is None:
            pieces = list(one)
        elif all(choice_label(w, len(shown)) is not None for w in one.split()):
            pieces = one.split()
    out = []
    for piece in pieces:
        i = _option_index(piece, shown, policy)
        out.append(shown[i] if i is not None else piece.strip())
    return out


def picked_text(answer: ResultAnswer, policy: Policy = LOOSE) -> str:
    """What a choice, multi or order answer names, as option texts (empty for other types)."""
    if answer.shown is None:
        return ""
    if answer.type in ("choice", "multi"):
        return ", ".join(picked_options(answer.typed, answer.shown, answer.type == "multi", policy))
    if answer.type == "order":
        return " → ".join(ordered_items(answer.typed, answer.shown, policy))
    return ""


def _why_close(typed: str, key: str) -> str | None:
    """Why a rejected ``typed`` looks like ``key``, or None."""
    from rapidfuzz.distance import OSA

    from quiz.grading import normalize, typo_budget

    t, k = normalize(typed, LOOSE), normalize(key, LOOSE)
    if not t or not k:
        return None
    if t == k:
        return f"the same as '{key}' under a looser policy"
    budget = typo_budget(k, LOOSE)
    if budget:
        d = OSA.distance(t, k, score_cutoff=budget + 1)
        if d <= budget + 1:
            return f"{d} edit{'s' if d != 1 else ''} from '{key}'"
    tw, kw = t.split(), k.split()
    if set(tw) < set(kw) and max(len(w) for w in tw) >= 4:
        return f"part of '{key}'"
    if set(kw) < set(tw) and max(len(w) for w in kw) >= 4:
        return f"contains '{key}'"
    return None


def _gap_parts(typed: str, count: int) -> list[str]:
    if count == 1:
        return [typed]
    if ";" not in typed and len(typed.split(",")) == count:
        return typed.split(",")
    return typed.split(";")


def _keys(card: Card | None, answer: ResultAnswer) -> list[list[str]]:
    """The accepted texts of each gap (one 'gap' for a short card): from the deck, else the key."""
    if isinstance(card, ShortCard):
        return [[card.answer, *card.accept]]
    if isinstance(card, ClozeCard):
        from quiz.model.cloze import gaps

        extra = dict(card.accept)
        return [[g.answer, *extra.get(g.number, ())] for g in gaps(card.prompt)]
    if answer.type == "cloze" and answer.expected:
        return [[part.strip()] for part in answer.expected.split(";")]
    return [[answer.expected]] if answer.expected else []


def candidates_for(card: Card | None, answers: Sequence[ResultAnswer]) -> list[Candidate]:
    """Rejected answers of a short or cloze question that are close to the key or an alternate."""
    found: dict[str, tuple[str, int, str]] = {}
    for a in answers:
        if a.correct or a.rule in ("listed-wrong", "empty") or a.type not in ("short", "cloze"):
            continue
        keys = _keys(card, a)
        if not keys:
            continue
        parts = _gap_parts(a.typed, len(keys))
        if len(parts) != len(keys):
            continue
        reasons = []
        for n, (part, accepted) in enumerate(zip(parts, keys, strict=True), start=1):
            if any(_same(part, k) for k in accepted):
                continue
            why = next((w for w in (_why_close(part, k) for k in accepted) if w), None)
            if why is None:
                continue
            reasons.append(f"gap {n}: {why}" if len(keys) > 1 else why)
        if not reasons:
            continue
        norm = " ".join(a.typed.split()).casefold()
        typed, count, why = found.get(norm, (a.typed.strip(), 0, "; ".join(reasons)))
        found[norm] = (typed, count + 1, why)
    ranked = sorted(found.values(), key=lambda c: -c[1])
    return [Candidate(t, n, w) for t, n, w in ranked]


def _same(typed: str, key: str) -> bool:
    from quiz.grading import normalize

    return normalize(typed, Policy()) == normalize(key, Policy())


def build_report(results: Sequence[tuple[str, Result]], deck: Deck | None = None) -> Report:
    """The report of ``results`` (file name, result); ``deck`` gives prompts, order and alternates.

    With ``deck``, results of another deck id are left out and results from another version of
    the deck (content hash) are kept with a warning.
    """
    warnings: list[str] = []
    kept: list[tuple[str, Result]] = []
    for name, result in results:
        if deck is not None and result.deck_id != deck.id:
            warnings.append(f"{name}: results for deck '{result.deck_id}', not '{deck.id}': left out")
            continue
        if deck is not None and deck.content_hash and result.deck_hash != deck.content_hash:
            warnings.append(
                f"{name}: results from a different version of the deck "
                f"(its content hash differs from {deck.path or deck.id})"
            )
        kept.append((name, result))
    ids = sorted({r.deck_id for _, r in kept})
    if len(ids) > 1:
        warnings.append(
            f"the results are from {len(ids)} decks: {', '.join(ids)} (give --deck to choose one)"
        )

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
    if deck is not None:
        in_deck = [c.id for c in deck.cards if c.id in by_card]
        order = in_deck + [c for c in order if c not in in_deck]

    questions: list[QuestionStat] = []
    rows: list[AnswerRow] = []
    for card_id in order:
        entries = by_card[card_id]
        card = deck.card(card_id) if deck is not None else None
        first = entries[0][2]
        questions.append(_question(card_id, card, deck, entries))
        policy = deck.policy(card) if deck is not None and card is not None else LOOSE
        for name, r, a in entries:
            picked = picked_text(a, policy)
            rows.append(AnswerRow(r.learner, name, card_id, first.type, a.typed, picked, a.correct, a.score,
                                  a.time_ms / 1000))  # fmt: skip
    deck_id = deck.id if deck is not None else (ids[0] if len(ids) == 1 else ", ".join(ids))
    title = deck.title if deck is not None else (kept[0][1].deck_title if kept else "")
    return Report(deck_id, title, learners, tuple(questions), tuple(rows), tuple(warnings))


def _question(
    card_id: str, card: Card | None, deck: Deck | None, entries: list[tuple[str, Result, ResultAnswer]]
) -> QuestionStat:
    from quiz.grading import normalize
    from quiz.model.cloze import blanked

    first = entries[0][2]
    kind = card.kind.value if card is not None else first.type
    prompt = first.prompt
    if card is not None:
        prompt = blanked(card.prompt) if isinstance(card, ClozeCard) else card.prompt
    policy = deck.policy(card) if deck is not None and card is not None else LOOSE
    answers = [a for _, _, a in entries]
    correct = sum(a.correct for a in answers)
    disc = discrimination([(r.score / r.total if r.total else 0.0, a.correct) for _, r, a in entries])
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
    elif kind != "card":  # a flashcard's wrong answer is only "n"
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
        correct=correct,
        discrimination=disc,
        avg_time_s=avg,
        wrong=tuple((shown_as[k], n) for k, n in ranked),
        options=options,
        other=other,
        candidates=tuple(candidates_for(card, answers)),
    )


# -- rendering ---------------------------------------------------------------------------------
def fmt_time(seconds: float | None) -> str:
    """``8.5s``, ``3m 05s``, ``1h 02m``; ``-`` for no time."""
    if seconds is None:
        return "-"
    if seconds < 60:
        return f"{seconds:.1f}s"
    s = round(seconds)
    if s < 3600:
        return f"{s // 60}m {s % 60:02d}s"
    return f"{s // 3600}h {s % 3600 // 60:02d}m"


def fmt_share(q: QuestionStat) -> str:
    """``2/3 67%``."""
    share = q.share
    return f"{q.correct}/{q.answered} {round(share * 100)}%" if share is not None else "-"


def fmt_disc(value: float | None) -> str:
    """``+0.50`` or ``n/a`` (fewer than 3 learners)."""
    return "n/a" if value is None else f"{value:+.2f}"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows, strict=True)]
    out = []
    for row in (header, *rows):
        out.append("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    return out


def text_lines(report: Report) -> list[str]:
    """The report as plain text tables (the default output of ``quiz report``)."""
    n = len(report.learners)
    lines = [f"{report.deck_title} ({report.deck_id}) · {n} learner{'s' if n != 1 else ''}", "", "Learners"]
    lines += _table(
        ["name", "score", "percent", "time", "file"],
        [
            [
                x.name,
                f"{x.correct}/{x.total}" + ("" if x.complete else f" ({x.asked} answered)"),
                f"{x.percent:g}%",
                fmt_time(x.duration_s),
                x.file,
            ]
            for x in report.learners
        ],
    )
    lines += ["", "Questions (first tries; discrimination: top third minus bottom third)"]
    lines += _table(
        ["card", "right", "discrimination", "avg time"],
        [
            [q.card, fmt_share(q), fmt_disc(q.discrimination), fmt_time(q.avg_time_s)]
            for q in report.questions
        ],
    )
    for q in report.questions:
        details = []
        if q.options is not None:
            picked = ", ".join(f"{o} {n}" for o, n in q.options)
            details.append(f"  picked: {picked}" + (f", none of them {q.other}" if q.other else ""))
        if q.wrong:
            details.append("  most common wrong answers: " + ", ".join(f"{a} ({n})" for a, n in q.wrong))
        for c in q.candidates:
            learners = f"{c.count} learner{'s' if c.count != 1 else ''}"
            details.append(f"  candidate for accept: '{c.typed}' ({learners}; {c.why})")
        lines += ["", f"{q.card}: {q.prompt}", *details]
    return lines


CSV_COLUMNS = ("learner", "file", "card", "type", "typed", "picked", "correct", "score", "time_s",
               "learner_correct", "learner_total", "learner_percent")  # fmt: skip


def to_csv(report: Report, *, raw: bool = False) -> str:
    """One row per learner and question answered (first tries), learner totals repeated on each row.

    Cells that a spreadsheet would run as formulas are neutralised unless ``raw`` (:mod:`quiz.csvsafe`).
    """
    from quiz.csvsafe import csv_text

    by_file = {x.file: x for x in report.learners}
    rows: list[list[object]] = [list(CSV_COLUMNS)]
    for r in report.rows:
        x = by_file[r.file]
        rows.append([r.learner, r.file, r.card, r.type, r.typed, r.picked, int(r.correct), f"{r.score:g}",
                    f"{r.time_s:.3f}", x.correct, x.total, f"{x.percent:g}"])  # fmt: skip
    return csv_text(rows, raw=raw)


_CSS = """
body{font-family:system-ui,sans-serif;margin:2em;max-width:60em;color:#222}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:2em}
table{border-collapse:collapse;margin:.5em 0}td,th{padding:.2em .6em;text-align:left;vertical-align:top}
th{border-bottom:1px solid #999}tr:nth-child(even) td{background:#f4f4f4}
.bar{background:#e5e5e5;width:14em;height:1em;position:relative}
.fill{background:#3a7bd5;height:100%}.fill.low{background:#d5533a}
.num{text-align:right;font-variant-numeric:tabular-nums}.warn{color:#a33}
.hist{display:flex;align-items:flex-end;gap:4px;height:10em;border-bottom:1px solid #999}
.col{background:#3a7bd5;width:3em}.labels{display:flex;gap:4px}.labels span{width:3em;font-size:.8em}
small{color:#666}
"""


def to_html(report: Report) -> str:
    """One self-contained HTML page (inline CSS, no scripts) with bar charts; all text escaped."""
    e = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Report: {e(report.deck_title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{e(report.deck_title)} <small>({e(report.deck_id)})</small></h1>",
        f"<p>{len(report.learners)} learners · {len(report.questions)} questions</p>",
    ]
    for warning in report.warnings:
        parts.append(f'<p class="warn">{e(warning)}</p>')
    parts.append("<h2>Share correct per question</h2><table>")
    parts.append("<tr><th>card</th><th>right</th><th></th><th>discrimination</th><th>avg time</th></tr>")
    for q in report.questions:
        pct = round((q.share or 0.0) * 100)
        low = " low" if pct < 50 else ""
        parts.append(
            f'<tr><td title="{e(q.prompt)}">{e(q.card)}</td><td class="num">{e(fmt_share(q))}</td>'
            f'<td><div class="bar"><div class="fill{low}" style="width:{pct}%"></div></div></td>'
            f'<td class="num">{fmt_disc(q.discrimination)}</td>'
            f'<td class="num">{fmt_time(q.avg_time_s)}</td></tr>'
        )
    parts.append("</table>")
    bins = report.distribution()
    top = max(bins) or 1
    parts.append('<h2>Score distribution</h2><div class="hist">')
    for i, n in enumerate(bins):
        label = f"{i * 10}-{i * 10 + 9 if i < 9 else 100}%"
        parts.append(f'<div class="col" style="height:{round(100 * n / top)}%" title="{label}: {n}"></div>')
    parts.append('</div><div class="labels">')
    parts.extend(f"<span>{i * 10}%<br>{n}</span>" for i, n in enumerate(bins))
    parts.append("</div>")
    parts.append("<h2>Learners</h2><table><tr><th>name</th><th>score</th><th>percent</th><th>time</th></tr>")
    for x in report.learners:
        parts.append(
            f"<tr><td>{e(x.name)}</td><td class='num'>{x.correct}/{x.total}</td>"
            f"<td class='num'>{x.percent:g}%</td><td class='num'>{fmt_time(x.duration_s)}</td></tr>"
        )
    parts.append("</table><h2>Questions</h2>")
    for q in report.questions:
        parts.append(f"<h3>{e(q.card)}</h3><p>{e(q.prompt)}</p><ul>")
        parts.append(f"<li>right: {e(fmt_share(q))}; discrimination {fmt_disc(q.discrimination)}</li>")
        if q.options is not None:
            picked = ", ".join(f"{e(o)}: {n}" for o, n in q.options)
            parts.append(
                f"<li>picked: {picked}" + (f", none of them: {q.other}" if q.other else "") + "</li>"
            )
        if q.wrong:
            wrong = ", ".join(f"{e(a)} ({n})" for a, n in q.wrong)
            parts.append(f"<li>most common wrong answers: {wrong}</li>")
        for c in q.candidates:
            parts.append(f"<li>candidate for accept: “{e(c.typed)}” ({c.count}; {e(c.why)})</li>")
        parts.append("</ul>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
