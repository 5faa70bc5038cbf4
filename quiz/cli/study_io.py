"""How ``quiz study`` shows cards and reads answers and ratings, at a terminal or through a pipe."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from quiz import clock
from quiz.practice import Learner
from quiz.ui import study as text
from quiz.ui.render import is_override, pack, styled, verdict_lines, wrap
from quiz.ui.terminal import enable_line_editing, read_line, terminal_width

if TYPE_CHECKING:
    from quiz.model import CardState, Outcome, Question, Verdict


def width() -> int | None:
    """Wrap questions to the terminal (None through a pipe: one line each)."""
    if not sys.stdin.isatty() or not sys.stdout.isatty():
        return None
    enable_line_editing()
    return terminal_width()


def _read_line(prompt: str) -> str | None:
    """One line from the learner (None at end of input); a pipe's line is echoed as a transcript."""
    if sys.stdin.isatty():
        return read_line(prompt, interactive=True)
    click.echo(prompt, nl=False)
    line = read_line(interactive=False)
    click.echo("" if line is None else line)
    return line


class StudyTerminal(Learner):
    """``quiz study`` at a terminal or through a pipe."""

    def __init__(self, *, color: bool, plain: bool, width: int | None) -> None:
        self.color = color
        self.plain = plain
        self.width = width
        self._reasking: Question | None = None
        self._rating: Question | None = None

    def _say(self, line: str, role: str = "") -> None:
        indent = line[: len(line) - len(line.lstrip(" "))]
        for part in wrap(line, self.width, indent):
            click.echo(indent + styled(part[len(indent) :], role, self.color))

    def _show(self, q: Question) -> str:
        from quiz.ui.render import progress, question_lines

        click.echo()
        self._say(f"{q.kind} · {q.card.id}", "hint")
        for line in question_lines(q, self.color, self.width):
            click.echo(line)
        return " " * (len(progress(q)) + 2)

    def ask(self, question: Question) -> str | None:
        """Show a typed card and read the answer."""
        self._rating = None
        if question is not self._reasking:
            self._show(question)
        self._reasking = None
        return _read_line("> ")

    def reveal(self, question: Question) -> str | None:
        """Show a flashcard's front; Enter shows its back."""
        self._rating = None
        indent = self._show(question)
        line = _read_line(f"{indent}(press Enter to see the answer) ")
        if line is not None and line.strip().lower() != "undo":
            back = f"Answer: {question.card.answer_text()}"
            for shown in wrap(back, self.width, indent, "answer", self.color):
                click.echo(shown)
        return line

    def unreadable(self, question: Question, typed: str, verdict: Verdict) -> None:
        """Say which forms are read; the card is asked again."""
        from quiz.ui.render import unreadable_lines

        self._reasking = question
        for line in unreadable_lines(verdict, self.width):
            click.echo(line)

    def _verdict(self, outcome: Outcome) -> None:
        for line in verdict_lines(outcome, self.color, self.plain, width=self.width):
            click.echo(line)

    def rate(
        self, question: Question, verdict: Verdict | None, suggested: int, preview: dict[int, str] | None
    ) -> str | None:
        """The verdict, the interval of each rating, and the rating line (Enter: the suggestion)."""
        from quiz.model import Outcome

        if question is self._rating:  # a rating line was refused: only the prompt again
            return _read_line(text.rating_prompt(suggested))
        self._rating = question
        if verdict is not None:
            self._verdict(Outcome(question, "", verdict, 0, ""))
        if preview is not None:
            parts = text.preview_parts(preview, verdict is not None and not verdict.correct)
            for line in pack(parts, self.width, "  "):
                click.echo("  " + styled(line[2:], "hint", self.color))
        return _read_line(text.rating_prompt(suggested))

    def say(self, message: str, *args: object) -> None:
        """One of the study messages."""
        self._say(text.message(message, *args))

    def feedback(self, outcome: Outcome) -> None:
        """Cram: the verdict of a typed answer, once it is saved."""
        from quiz.model import self_rated

        if not self_rated(outcome.question.card):
            self._verdict(outcome)

    def offer_override(self, outcome: Outcome) -> bool:
        """Cram at a terminal, after a refusal: one key says "I was right"."""
        from quiz.ui.render import OVERRIDE_PROMPT

        return sys.stdin.isatty() and is_override(_read_line(OVERRIDE_PROMPT))

    def overridden(self, outcome: Outcome) -> None:
        """Confirm the override."""
        from quiz.ui.render import override_line

        click.echo(override_line(self.color))

    def recorded(self, outcome: Outcome, state: CardState | None, leech: bool) -> None:
        """When the card is due next, and whether it just became a leech."""
        from quiz.practice import schedule

        if outcome.overridden and state is not None:
            self.overridden(outcome)
        if state is not None:
            answered = clock.parse_time(outcome.answered_at)
            due = schedule.due_at(state)
            if outcome.rating == schedule.AGAIN:
                self._say(text.again_line(due - answered), "hint")
            else:
                self._say(f"  Next review {text.when_text(due, answered)}.", "hint")
        if leech:
            self._say(text.leech_line(outcome.question.card.id), "note")
