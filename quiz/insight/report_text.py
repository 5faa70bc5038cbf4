"""The report as terminal text and as CSV (one row per learner and question answered)."""

from __future__ import annotations

from collections.abc import Sequence

from quiz.insight.report import LearnerStat, QuestionStat, Report
from quiz.insight.report_figures import ExamFigures
from quiz.model import plural


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
    """``2/3 67%`` (self-rated: ``2/3 knew it``)."""
    share = q.share
    if share is None:
        return "-"
    if q.self_rated:
        return f"{q.correct}/{q.answered} knew it"
    return f"{q.correct}/{q.answered} {round(share * 100)}%"


def fmt_pct(value: float | None) -> str:
    """A percent figure to one decimal, ``-`` when it cannot be computed."""
    return "-" if value is None else f"{value:.1f}%"


def fmt_num(value: float | None) -> str:
    """A plain figure (skewness, kurtosis) to two decimals, ``-`` when it cannot be computed."""
    return "-" if value is None else f"{value:.2f}"


def fmt_score(x: LearnerStat) -> str:
    """``7/9``; an unfinished attempt says so: ``3/9 (incomplete: 5 answered)``."""
    return f"{x.correct}/{x.total}" + ("" if x.complete else f" (incomplete: {x.asked} answered)")


def headline(report: Report) -> str:
    """``Deck (id) · 20 learners (2 incomplete) · 9 questions``."""
    n = len(report.learners)
    incomplete = f" ({report.incomplete} incomplete)" if report.incomplete else ""
    return f"{report.deck_title} ({report.deck_id}) · {plural(n, 'learner')}{incomplete} · " + plural(
        len(report.questions), "question"
    )


def exam_lines(figures: ExamFigures) -> list[tuple[str, str]]:
    """The test statistics as (name, value) pairs, in Moodle's order."""
    return [
        ("attempts analysed", f"{figures.attempts} finished"),
        ("mean", fmt_pct(figures.mean)),
        ("median", fmt_pct(figures.median)),
        ("standard deviation", fmt_pct(figures.sd)),
        ("skewness", fmt_num(figures.skewness)),
        ("kurtosis", fmt_num(figures.kurtosis)),
        ("internal consistency (Cronbach's alpha)", fmt_pct(figures.cic)),
        ("error ratio", fmt_pct(figures.error_ratio)),
        ("standard error", fmt_pct(figures.standard_error)),
    ]


QUESTION_COLUMNS = (
    "card",
    "answered",
    "right",
    "facility",
    "SD",
    "discrimination",
    "efficiency",
    "weight",
    "avg time",
)


def question_cells(q: QuestionStat) -> list[str]:
    """One row of the per-question table (self-rated cards have no item figures)."""
    f = q.figures
    if q.self_rated or f is None:
        figures = ["self-rated" if q.self_rated else "-", "-", "-", "-", "-"]
    else:
        figures = [
            fmt_pct(f.facility),
            fmt_pct(f.sd),
            fmt_pct(f.discrimination_index),
            fmt_pct(f.discriminative_efficiency),
            fmt_pct(f.effective_weight),
        ]
    return [q.card, str(q.answered), fmt_share(q), *figures, fmt_time(q.avg_time_s)]


def detail_lines(q: QuestionStat) -> list[str]:
    """What the class typed: options picked, common wrong answers, accept candidates, changes."""
    details = []
    if not q.answered:
        details.append("answered by nobody: every attempt stopped before it")
    if q.changed:
        details.append(f"changed since some answers were given: {q.changed}")
    if q.self_rated:
        details.append(f"self-rated flashcard: {q.correct} of {q.answered} said they knew it (not marked)")
    if q.options is not None:
        picked = ", ".join(f"{o} {n}" for o, n in q.options)
        details.append(f"picked: {picked}" + (f", none of them {q.other}" if q.other else ""))
    if q.wrong:
        details.append("most common wrong answers: " + ", ".join(f"{a} ({n})" for a, n in q.wrong))
    for c in q.candidates:
        details.append(f"candidate for accept: '{c.typed}' ({plural(c.count, 'learner')}; {c.why})")
    return details


#: The columns of :data:`QUESTION_COLUMNS` in the terminal's two question tables.
_COUNTS = (0, 1, 2, 8)
_FIGURES = (0, 3, 4, 5, 6, 7)


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows, strict=True)]
    out = []
    for row in (header, *rows):
        out.append("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    return out


def text_lines(report: Report) -> list[str]:
    """The report as plain text tables (the default output of ``quiz report``)."""
    lines = [headline(report), "", "Exam (Moodle's quiz statistics; see docs/report.md)"]
    lines += _table(["figure", "value"], exam_lines(report.exam))
    lines += ["", "Learners"]
    lines += _table(
        ["name", "score", "percent", "answered", "time", "file"],
        [
            [x.name, fmt_score(x), f"{x.percent:g}%", f"{x.asked}/{x.total}", fmt_time(x.duration_s), x.file]
            for x in report.learners
        ],
    )
    # Two tables, so that each fits an 80-column terminal: the counts, then Moodle's item analysis.
    cells = [question_cells(q) for q in report.questions]
    lines += ["", "Questions (first tries)"]
    lines += _table([QUESTION_COLUMNS[i] for i in _COUNTS], [[row[i] for i in _COUNTS] for row in cells])
    lines += ["", "Item analysis (Moodle's; over finished attempts, in percent)"]
    lines += _table([QUESTION_COLUMNS[i] for i in _FIGURES], [[row[i] for i in _FIGURES] for row in cells])
    for q in report.questions:
        lines += ["", f"{q.card}: {q.prompt}", *(f"  {d}" for d in detail_lines(q))]
    return lines


CSV_COLUMNS = (
    "learner",
    "file",
    "card",
    "type",
    "typed",
    "picked",
    "correct",
    "score",
    "time_s",
    "learner_correct",
    "learner_total",
    "learner_percent",
    "learner_answered",
    "learner_complete",
)


def to_csv(report: Report, *, raw: bool = False) -> str:
    """One row per learner and question answered (first tries), learner totals repeated on each row.

    Cells that a spreadsheet would run as formulas are neutralised unless ``raw`` (:mod:`quiz.csvsafe`).
    """
    from quiz.csvsafe import csv_text

    by_file = {x.file: x for x in report.learners}
    rows: list[list[object]] = [list(CSV_COLUMNS)]
    for r in report.rows:
        x = by_file[r.file]
        rows.append(
            [
                r.learner,
                r.file,
                r.card,
                r.type,
                r.typed,
                r.picked,
                int(r.correct),
                f"{r.score:g}",
                f"{r.time_s:.3f}",
                x.correct,
                x.total,
                f"{x.percent:g}",
                x.asked,
                int(x.complete),
            ]
        )
    return csv_text(rows, raw=raw)
