"""The report as one self-contained HTML page: inline CSS, no scripts, every text escaped.

Each chart is laid out so its bars cannot drift from their labels (a bar and its label share a
grid cell or a grid row), and each is followed by a table of the same numbers.
"""

from __future__ import annotations

import html

from quiz.insight.report import QuestionStat, Report
from quiz.insight.report_text import (
    QUESTION_COLUMNS,
    detail_lines,
    exam_lines,
    fmt_score,
    fmt_time,
    headline,
    question_cells,
)
from quiz.model import plural

_CSS = """
*{box-sizing:border-box}
body{font-family:system-ui,sans-serif;margin:0;color:#222;background:#fff;line-height:1.4}
main{max-width:64em;margin:0 auto;padding:1em}
h1{font-size:1.4em;overflow-wrap:anywhere}h2{font-size:1.15em;margin-top:2em}h3{font-size:1em;overflow-wrap:anywhere}
p,li{overflow-wrap:anywhere}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;margin:.5em 0}
td,th{padding:.2em .6em;text-align:left;vertical-align:top}
td.wrap{overflow-wrap:anywhere;min-width:6em}
th{border-bottom:1px solid #999}tr:nth-child(even) td{background:#f4f4f4}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}td.num{white-space:nowrap}
.warn{color:#a33}.incomplete{color:#a33;white-space:nowrap}
figure{margin:1em 0}figcaption{font-size:.85em;color:#555;margin-top:.3em}
.hist{display:grid;grid-template-columns:repeat(10,minmax(0,1fr));gap:2px;max-width:40em}
.hist .col{display:flex;flex-direction:column;min-width:0}
.hist .area{height:9em;display:flex;flex-direction:column;justify-content:flex-end;
  border-bottom:1px solid #666}
.hist .bar{background:#2f855a;width:100%}
.hist .count{font-size:.75em;text-align:center}
.hist .label{font-size:.7em;text-align:center;overflow-wrap:anywhere;padding-top:.2em}
.hbars{display:grid;grid-template-columns:minmax(4em,12em) minmax(0,1fr);gap:.25em .5em;max-width:48em}
.hbars .name{font-size:.85em;overflow-wrap:anywhere;min-width:0}
.hbars .track{display:flex;flex-direction:column;gap:2px;min-width:0}
.hbars .line{display:flex;align-items:center;gap:.3em;font-size:.75em;min-width:0}
.hbars .bg{flex:1;background:#eee;height:.9em;min-width:0}
.hbars .fac{background:#2b6cb0;height:100%}.hbars .eff{background:#805ad5;height:100%}
.hbars .value{width:3.5em;text-align:right;font-variant-numeric:tabular-nums}
.key{font-size:.8em}.key i{display:inline-block;width:.8em;height:.8em;vertical-align:middle}
small{color:#666}
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _table(
    header: tuple[str, ...] | list[str],
    rows: list[list[str]],
    numeric: set[int],
    cls: str = "",
    wrap: frozenset[int] = frozenset({0}),
) -> str:
    """A table (cells escaped) in a scrolling box, so a wide table never widens the page.

    The ``wrap`` columns hold names (a learner's, a card id, a file) that may break anywhere, so a
    long one with no space cannot push the other columns out of view.
    """
    head = "".join(f"<th{' class=num' if i in numeric else ''}>{_e(h)}</th>" for i, h in enumerate(header))

    def cell(i: int) -> str:
        return " class=num" if i in numeric else " class=wrap" if i in wrap else ""

    body = "".join(
        "<tr>" + "".join(f"<td{cell(i)}>{_e(c)}</td>" for i, c in enumerate(row)) + "</tr>" for row in rows
    )
    return f'<div class="scroll"><table class="{cls}"><tr>{head}</tr>{body}</table></div>'


def _band(i: int) -> str:
    return f"{i * 10}–{i * 10 + 9 if i < 9 else 100}"


def _histogram(report: Report) -> list[str]:
    bins = report.distribution()
    top = max(bins) or 1
    parts = [
        '<section id="distribution"><h2>Score distribution</h2>',
        '<figure><div class="hist" role="img" aria-label="learners per score band">',
    ]
    for i, n in enumerate(bins):
        parts.append(
            f'<div class="col" data-bin="{i}"><div class="area"><span class="count">{n}</span>'
            f'<div class="bar" data-bin="{i}" style="height:{round(80 * n / top)}%"></div></div>'
            f'<span class="label" data-bin="{i}">{_band(i)}</span></div>'
        )
    parts.append(
        "</div><figcaption>Learners per band of score (percent of all questions)</figcaption></figure>"
    )
    parts.append(
        _table(["score (%)", "learners"], [[_band(i), str(n)] for i, n in enumerate(bins)], {1}, "data")
    )
    parts.append("</section>")
    return parts


def _bar(cls: str, value: float | None, label: str) -> str:
    width = 0.0 if value is None else max(0.0, min(100.0, value))
    shown = "-" if value is None else f"{value:.0f}%"
    return (
        f'<div class="line"><div class="bg" title="{label}"><div class="{cls}" style="width:{width:.1f}%">'
        f'</div></div><span class="value">{shown}</span></div>'
    )


def _question_chart(questions: list[QuestionStat]) -> list[str]:
    marked = [q for q in questions if q.figures is not None and not q.self_rated]
    if not marked:
        return []
    parts = [
        '<section id="facility"><h2>Facility and discriminative efficiency per question</h2>',
        '<p class="key"><i style="background:#2b6cb0"></i> facility index '
        '<i style="background:#805ad5"></i> discriminative efficiency</p>',
        '<figure><div class="hbars">',
    ]
    for q in marked:
        f = q.figures
        assert f is not None
        parts.append(
            f'<div class="name" data-q="{_e(q.card)}" title="{_e(q.prompt)}">{_e(q.card)}</div>'
            f'<div class="track" data-q="{_e(q.card)}">{_bar("fac", f.facility, "facility index")}'
            f"{_bar('eff', f.discriminative_efficiency, 'discriminative efficiency')}</div>"
        )
    parts.append("</div><figcaption>Percent; the numbers are in the table below.</figcaption></figure>")
    rows = [[q.card, question_cells(q)[3], question_cells(q)[6]] for q in marked]
    parts.append(_table(["card", "facility", "discriminative efficiency"], rows, {1, 2}, "data"))
    parts.append("</section>")
    return parts


def to_html(report: Report) -> str:
    """One self-contained HTML page (inline CSS, no scripts), charts with their tables; all text escaped."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Report: {_e(report.deck_title)}</title><style>{_CSS}</style></head><body><main>",
        f"<h1>{_e(report.deck_title)} <small>({_e(report.deck_id)})</small></h1>",
        f"<p>{_e(headline(report).split(' · ', 1)[1])}</p>",
    ]
    parts += [f'<p class="warn">{_e(w)}</p>' for w in report.warnings]
    parts.append('<section id="exam"><h2>The exam as a whole</h2>')
    parts.append(_table(["figure", "value"], [list(p) for p in exam_lines(report.exam)], {1}, "exam"))
    parts.append(
        "<p><small>Moodle's quiz statistics, over finished attempts; "
        "definitions in docs/report.md.</small></p></section>"
    )
    parts += _histogram(report)
    parts += _question_chart(list(report.questions))
    parts.append('<section id="learners"><h2>Learners</h2>')
    learner_rows = [
        [x.name, fmt_score(x), f"{x.percent:g}%", f"{x.asked} of {x.total}", fmt_time(x.duration_s), x.file]
        for x in report.learners
    ]
    parts.append(
        _table(
            ["name", "score", "percent", "answered", "time", "file"],
            learner_rows,
            {2, 3, 4},
            "learners",
            frozenset({0, 5}),
        )
    )
    parts.append('</section><section id="items"><h2>Questions</h2>')
    parts.append(
        _table(
            QUESTION_COLUMNS,
            [question_cells(q) for q in report.questions],
            set(range(1, len(QUESTION_COLUMNS))),
            "items",
        )
    )
    parts.append(f"<p><small>{_e(plural(len(report.questions), 'question'))}; first tries only.</small></p>")
    for q in report.questions:
        parts.append(f'<h3 id="q-{_e(q.card)}">{_e(q.card)}</h3><p>{_e(q.prompt)}</p><ul>')
        if not q.self_rated:  # a flashcard's line is the self-rated one below
            parts.append(f"<li>{_e(q.answered)} answered; right: {_e(question_cells(q)[2])}</li>")
        parts += [f"<li>{_e(d)}</li>" for d in detail_lines(q)]
        parts.append("</ul>")
    parts.append("</section></main></body></html>")
    return "\n".join(parts) + "\n"
