"""The HTML report in a real browser (headless Chromium): self-contained, escaped, charts that line up.

A class of 24 learners takes a real exam (two of them with names that are HTML), ``quiz report
--html`` writes the page, and Chromium lays it out at 375 px (a phone) and 1280 px wide. The
test measures the layout with JavaScript sent over the DevTools protocol (the page itself has no
script) and checks screenshots of the charts against the measured boxes, pixel by pixel.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from browser import Browser, read_png
from classroom import ANSWERS, ORDER, make_class, take_exam
from click.testing import CliRunner

from quiz.cli import cli

HOSTILE = ('<img src=x onerror="alert(1)">', "</style><script>alert(2)</script>")
#: A name with no place to break it, and one whose bidi override would show "evil" as "live".
LONG = "W" * 150
RTL = "مريم ‮evil"
HIST_RGB = (0x2F, 0x85, 0x5A)
FACILITY_RGB = (0x2B, 0x6C, 0xB0)


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report page of a class of 24 plus two learners whose names and answers are HTML."""
    folder = tmp_path_factory.mktemp("class")
    with pytest.MonkeyPatch.context() as env:  # the autouse QUIZ_HOME fixture is per test, not per module
        env.setenv("QUIZ_HOME", str(folder / "quiz-home"))
        return _make_page(folder)


def _make_page(folder: Path) -> Path:
    """The class, the two hostile learners and the report page, in ``folder``."""
    deck, files = make_class(folder, size=24, incomplete=1)
    for i, name in enumerate((*HOSTILE, LONG, RTL)):
        typed = [ANSWERS[c][0] for c in ORDER]
        typed[0] = name  # the short answer too
        files.append(take_exam(deck, folder / f"hostile-{i}.json", name, typed))
    out = folder / "report.html"
    result = CliRunner().invoke(cli, ["report", *map(str, files), "--deck", str(deck), "--html", str(out)])
    assert result.exit_code == 0, result.output
    return out


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_page_is_self_contained_and_escaped(page: Path) -> None:
    """No script, no external resource, no event handler; the HTML names show as text."""
    source = page.read_text("utf-8")
    parser = _Tags()
    parser.feed(source)
    tags = {t for t, _ in parser.tags}
    assert not tags & {"script", "img", "iframe", "link", "object", "embed"}
    assert not any(k.startswith("on") for _, attrs in parser.tags for k in attrs)
    assert not any(k in ("src", "href", "srcset", "action") for _, attrs in parser.tags for k in attrs)
    css = source.split("<style>", 1)[1].split("</style>", 1)[0]
    assert not re.search(r"(?i)url\(|@import|https?:", css)
    assert source.count("<style>") == 1
    text = "".join(parser.text)
    for name in (*HOSTILE, LONG):
        assert name in text  # shown as the learner typed it, as text
    # the bidi override shown, not obeyed
    assert "\u202e" not in source and RTL.replace("\u202e", "\\u202e") in text


def _measure(browser: Browser) -> dict:  # type: ignore[type-arg]
    """The boxes the layout checks need, measured in the page by the browser."""
    return browser.evaluate(
        """(() => {
        const box = e => { const r = e.getBoundingClientRect();
            return {l: r.left + scrollX, r: r.right + scrollX, t: r.top + scrollY, b: r.bottom + scrollY}; };
        const inScroll = e => e.closest('.scroll') !== null && !e.classList.contains('scroll');
        const over = [...document.querySelectorAll('body *')]
            .filter(e => !inScroll(e) && e.getBoundingClientRect().right > innerWidth + 0.5)
            .map(e => e.tagName + '.' + e.className);
        return {
            width: innerWidth, scrollWidth: document.documentElement.scrollWidth, overflowing: over,
            scripts: document.scripts.length,
            learnersHidden: (e => e.scrollWidth > e.clientWidth + 1)(
                document.querySelector('#learners .scroll')),
            nameCells: [...document.querySelectorAll('#learners td:first-child')].map(e => box(e)),
            learnersBox: box(document.querySelector('#learners .scroll')),
            hidden: [...document.querySelectorAll('#exam .scroll, #distribution .scroll, #facility .scroll')]
                .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.closest('section').id),
            bars: [...document.querySelectorAll('.hist .bar')].map(e => ({bin: e.dataset.bin, ...box(e)})),
            labels: [...document.querySelectorAll('.hist .label')]
                .map(e => ({bin: e.dataset.bin, ...box(e)})),
            counts: [...document.querySelectorAll('.hist .count')].map(e => e.textContent),
            histTable: [...document.querySelectorAll('#distribution table tr')].slice(1)
                .map(tr => [...tr.cells].map(c => c.textContent)),
            names: [...document.querySelectorAll('.hbars .name')].map(e => ({q: e.dataset.q, ...box(e)})),
            tracks: [...document.querySelectorAll('.hbars .track')].map(e => ({q: e.dataset.q, ...box(e)})),
            fac: [...document.querySelectorAll('.hbars .fac')].map(e => box(e)),
            facValues: [...document.querySelectorAll('.hbars .track')]
                .map(e => e.querySelector('.value').textContent),
            facTable: [...document.querySelectorAll('#facility table tr')].slice(1)
                .map(tr => [...tr.cells].map(c => c.textContent)),
            hist: box(document.querySelector('.hist')), chart: box(document.querySelector('.hbars')),
        };
    })()"""
    )


@pytest.mark.parametrize("width", [375, 1280])
def test_charts_line_up_and_nothing_overflows(page: Path, width: int, tmp_path: Path) -> None:
    """At a phone's and a desktop's width: bars sit over their labels, beside their names, inside the page."""
    with Browser() as browser:
        browser.open(page, width)
        m = _measure(browser)
        hist_png = browser.screenshot(tmp_path / f"hist-{width}.png", ".hist")
        chart_png = browser.screenshot(tmp_path / f"chart-{width}.png", ".hbars")
        browser.screenshot(Path(str(page)[:-5] + f"-{width}.png"))  # kept for a person to look at
    assert m["width"] == width and m["scripts"] == 0
    assert m["scrollWidth"] <= width, "the page is wider than the window"
    assert m["overflowing"] == []
    assert m["hidden"] == [], "a chart's table or the exam figures need scrolling to be read"

    # Histogram: ten bars, each centred over its own label and ending above it; its table says the same.
    assert len(m["bars"]) == len(m["labels"]) == 10
    for bar, label in zip(m["bars"], m["labels"], strict=True):
        assert bar["bin"] == label["bin"]
        middle = (bar["l"] + bar["r"]) / 2
        assert label["l"] <= middle <= label["r"]
        assert abs((label["l"] + label["r"]) / 2 - middle) < 1
        assert bar["b"] <= label["t"]
    assert [row[1] for row in m["histTable"]] == m["counts"]
    assert sum(map(int, m["counts"])) == 28

    # A learner's name wraps inside its cell: no name widens the learner table past its box,
    # and at a desktop's width every column of it is in view without scrolling.
    box = m["learnersBox"]
    assert all(cell["r"] - cell["l"] <= (box["r"] - box["l"]) / 2 for cell in m["nameCells"])
    if width >= 1280:
        assert not m["learnersHidden"], "the learner table needs scrolling at a desktop's width"

    # Facility chart: each question's bars in the same row as its name, to its right; the table agrees.
    assert [n["q"] for n in m["names"]] == [t["q"] for t in m["tracks"]] == [r[0] for r in m["facTable"]]
    for name, track in zip(m["names"], m["tracks"], strict=True):
        assert track["l"] >= name["r"]
        assert track["t"] < name["b"] and name["t"] < track["b"]
    assert [v for v in m["facValues"]] == [f"{round(float(r[1].rstrip('%')))}%" for r in m["facTable"]]

    # The screenshots show the bars where the layout says they are.
    _check_pixels(hist_png, m["hist"], m["bars"], HIST_RGB)
    _check_pixels(chart_png, m["chart"], m["fac"], FACILITY_RGB)


def _check_pixels(png: Path, area: dict, bars: list[dict], rgb: tuple[int, int, int]) -> None:  # type: ignore[type-arg]
    """Every bar's middle is its colour in the screenshot, and no pixel of that colour is outside a bar."""
    width, height, rows = read_png(png)

    def colour(x: int, y: int) -> tuple[int, ...]:
        return tuple(rows[y][3 * x : 3 * x + 3])

    boxes = [(b["l"] - area["l"], b["r"] - area["l"], b["t"] - area["t"], b["b"] - area["t"]) for b in bars]
    drawn = [bx for bx in boxes if bx[1] - bx[0] >= 2 and bx[3] - bx[2] >= 2]
    assert drawn, "no bar was drawn"
    for left, right, top, bottom in drawn:
        assert colour(int((left + right) / 2), int((top + bottom) / 2)) == rgb
    for y in range(0, height, 2):
        for x in range(0, width, 2):
            if colour(x, y) == rgb:
                assert any(lf - 1 <= x <= rt + 1 and tp - 1 <= y <= bt + 1 for lf, rt, tp, bt in boxes), (
                    x,
                    y,
                )
