"""How ``quiz run`` shows questions and reads answers: at a terminal, through a pipe, or as JSON lines."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

import click

from quiz.practice import DID_NOT_KNOW, KNEW, Learner
from quiz.ui.terminal import enable_line_editing, read_line, terminal_width

if TYPE_CHECKING:
    from quiz.model import Deck, Outcome, Question, Summary, Verdict


class QuizTerminal(Learner):
    """How questions are shown and answers read: terminal, plain pipe, or JSON lines."""

    def __init__(self, *, interactive: bool, as_json: bool, color: bool, plain: bool) -> None:
        self.interactive = interactive
        self.as_json = as_json
        self.color = color
        self.plain = plain
        self.width: int | None = None
        self._reasking: Question | None = None
        self.tty = sys.stdin.isatty()
        if interactive:
            self.width = terminal_width()
            enable_line_editing()

    # -- output --------------------------------------------------------------------------
    def out(self, text: str = "") -> None:
        """A line of human text (never in JSON mode)."""
        if not self.as_json:
            click.echo(text)

    def say_wrapped(self, text: str, indent: str = "") -> None:
        """A hint to the person at the terminal, wrapped to its width."""
        from quiz.ui.render import wrap

        for line in wrap(text, self.width, indent):
            click.echo(line)

    def event(self, data: dict[str, object]) -> None:
        """A JSON event line (JSON mode only)."""
        if self.as_json:
            click.echo(json.dumps(data, ensure_ascii=False))

    def note(self, text: str) -> None:
        """A message for the person, on stdout; on stderr in JSON mode."""
        click.echo(text, err=self.as_json)

    # -- input ---------------------------------------------------------------------------
    def read(self, prompt: str = "") -> str | None:
        """One answer; None at end of input."""
        return read_line(prompt, interactive=self.interactive)

    def echo(self, typed: str | None) -> str | None:
        """Through a pipe, show what was read, as a terminal would have."""
        if typed is not None:
            self.out("> " + typed)
        return typed

    # -- the session's callables ---------------------------------------------------------
    def show_question(self, q: Question) -> None:
        """Print (or emit) the question."""
        from quiz.ui.render import question_event, question_lines

        if self.as_json:
            self.event(question_event(q))
            return
        if not q.first and q.n == 1:
            self.out()
            missed = f"{q.total} question{'s' if q.total != 1 else ''}"
            self.out(f"Again, the {missed} you missed:")
        self.out()
        for line in question_lines(q, self.color, self.width):
            self.out(line)

    def reveal(self, q: Question) -> str | None:
        """Show a flashcard's front, wait for Enter at a terminal, then show its back."""
        from quiz.ui.render import FLASH_REVEAL, flash_reveal_lines, progress, reveal_event

        self.show_question(q)
        indent = " " * (len(progress(q)) + 2)
        if self.interactive and self.read(f"{indent}{FLASH_REVEAL} ") is None:
            return None
        if self.as_json:
            self.event(reveal_event(q))
        else:
            for line in flash_reveal_lines(q, self.color, self.width):
                self.out(line)
        return ""

    def ask(self, q: Question) -> str | None:
        """Show ``q`` (unless a flashcard, already shown by :meth:`reveal`) and read the answer."""
        from quiz.model import self_rated

        if not self_rated(q.card):
            if q is not self._reasking:
                self.show_question(q)
            self._reasking = None
            if not self.interactive:
                return self.echo(self.read())
            typed = self.read("> ")
            if typed is not None and not typed.strip():
                # An Enter pressed by mistake should not cost the question.
                self.say_wrapped("(nothing typed: type an answer, or press Enter again to skip it)", "  ")
                typed = self.read("> ")
            return typed
        if not self.interactive:
            return self.echo(self.read())
        while True:
            said = self.read("> ")
            if said is None or said.strip().lower() in KNEW + DID_NOT_KNOW:
                return said
            self.say_wrapped("Please answer y (I knew it) or n (I did not).")

    def unreadable(self, q: Question, typed: str, verdict: Verdict) -> None:
        """The answer could not be read: say which forms are, and ask the same question again."""
        from quiz.ui.render import unreadable_event, unreadable_lines

        self._reasking = q
        if self.as_json:
            self.event(unreadable_event(q, typed, verdict))
            return
        for line in unreadable_lines(verdict, self.width):
            self.out(line)

    def feedback(self, outcome: Outcome) -> None:
        """The verdict, right after the answer (not in exam mode)."""
        from quiz.ui.render import verdict_event, verdict_lines

        if self.as_json:
            self.event(verdict_event(outcome))
            return
        for line in verdict_lines(outcome, self.color, self.plain, width=self.width):
            self.out(line)

    def offer_override(self, outcome: Outcome) -> bool:
        """At a terminal, after a refusal: one key says "I was right" (Enter goes on)."""
        from quiz.ui.render import OVERRIDE_PROMPT, is_override

        if not self.tty:  # through a pipe one line stays one answer: no override prompt
            return False
        if self.as_json:  # a person at the terminal, JSON for a tool: the prompt goes to stderr
            click.echo(OVERRIDE_PROMPT, nl=False, err=True)
            return is_override(read_line(interactive=False))
        return is_override(self.read(OVERRIDE_PROMPT))

    def overridden(self, outcome: Outcome) -> None:
        """Confirm the override."""
        from quiz.ui.render import override_event, override_line

        if self.as_json:
            self.event(override_event(outcome))
        else:
            self.out(override_line(self.color))

    def start(
        self, deck: Deck, seed: int, session_id: int | None, total: int, exam: bool, pass_mark: float
    ) -> None:
        """The seed and the deck title, or the start event."""
        from quiz.ui.render import seed_line, session_header, start_event

        if self.as_json:
            self.event(start_event(deck, seed, session_id, total, exam))
            return
        self.out(seed_line(seed))
        self.out(session_header(deck, total, exam, pass_mark, self.color, self.width))

    def finish(self, summary: Summary, session_id: int | None) -> None:
        """The exam review (exam mode) and the summary."""
        from quiz.ui.render import exam_review_lines, summary_event, summary_lines, verdict_event

        if self.as_json:
            if summary.exam:
                for o in summary.outcomes:
                    self.event(verdict_event(o))
            self.event(summary_event(summary, session_id))
            return
        self.out()
        if summary.exam and summary.outcomes:
            self.out("Your answers:")
            self.out()
            for line in exam_review_lines(summary, self.color, self.plain, self.width):
                self.out(line)
        for line in summary_lines(summary, self.color, self.plain, self.width):
            self.out(line)
