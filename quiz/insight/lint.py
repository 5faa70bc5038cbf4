"""What ``quiz check`` finds beyond "it loads", at three levels of severity (as ruff and eslint have).

* **error**: an author's example that grading treats the other way (:func:`run_examples`); a deck
  that does not load has its errors from :mod:`quiz.deckio`.
* **warning**: a likely mistake: a card without an id (editing its prompt resets its history), a
  wrong choice that says the answer in other words, two cards that ask the same question
  (:mod:`quiz.insight.duplicates`).
* **advice**: style: a card without ``explain``, without ``examples``, without tags. Advice that
  applies to more than :data:`ADVICE_LISTED` cards of a deck is summarised in one finding with the
  count, unless every one is asked for.

The per-card work (examples, warnings, advice, the near-duplicate terms) runs on each part of a
deck in the process that parsed it (:func:`check_part` with ``quiz.deckio.load_parts``), so a large
deck is checked on both cores; only the near-duplicate grouping runs once, over every card.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import NamedTuple

from quiz.deckio import gc_held
from quiz.errors import Problem
from quiz.insight.duplicates import Terms, find, index_terms
from quiz.model import Card, ChoiceCard, Deck, FlashCard, MultiCard, PartialDate, Policy, ShortCard

ERROR, WARNING, ADVICE = "error", "warning", "advice"
#: Advice on more cards of one deck than this is one finding with the count.
ADVICE_LISTED = 3
#: Each kind of advice: what the card lacks, the hint (``{card}`` is the card's id), and the
#: summary's words.
ADVICE_KINDS: dict[str, tuple[str, str, str]] = {
    "id": (
        "has no id; its id is derived from its type and prompt, so editing the prompt resets its history",
        "add 'id: {card}' or a name of your own",
        "have no id (each is derived from its type and prompt, so editing a prompt resets its history)",
    ),
    "explain": (
        "has no 'explain'",
        "add 'explain:' to say why the answer is right",
        "have no 'explain'",
    ),
    "examples": (
        "has no 'examples'",
        "add 'examples: {accept: [...], reject: [...]}' so quiz check tests the grading",
        "have no 'examples'",
    ),
    "tags": (
        "has no tags (and the deck has none)",
        "add 'tags: [topic]' to the card or to the deck, for quiz run --tag and statistics",
        "have no tags (and the deck has none)",
    ),
}
#: How a summary says where the whole list is.
LIST_OPTION = "quiz check --advice lists each"

#: Grading's caches are emptied between two parts of a deck once they hold more results than this.
CACHED_RESULTS = 20_000
#: How many cards between two reports of progress running examples.
PROGRESS_EVERY = 200

_DEFAULT_POLICY = Policy()
_LABEL = re.compile(r"\(?\s*([a-z]|\d{1,3})\s*[).:]?")


class Advice(NamedTuple):
    """One piece of advice, compactly (a deck of 100,000 cards without 'explain' has as many)."""

    kind: str
    line: int
    col: int
    card: str


class Part(NamedTuple):
    """What :func:`check_part` finds on one part of a deck."""

    problems: list[Problem]  # example errors and warnings, in file order
    advice: list[Advice]  # in file order
    terms: Terms


class Inferred(NamedTuple):
    """A card written without ``type:``: the type it was given and why (``--explain-types``)."""

    path: str
    line: int
    col: int
    card: str
    type: str
    reason: str


def inferred_types(deck: Deck) -> list[Inferred]:
    """The cards of ``deck`` whose type was inferred, in file order (a reversed card is not written)."""
    return [
        Inferred(deck.path, c.line, c.col, c.id, c.kind.value, c.type_reason)
        for c in deck.cards
        if c.type_reason and not c.variant_of
    ]


def _at(deck: Deck, card: Card, message: str, hint: str = "") -> Problem:
    return Problem(deck.path, card.line, card.col, f"card '{card.id}': {message}", hint, WARNING)


def check_part(
    *, examples: bool = True, progress: Callable[[int, int], None] | None = None
) -> Callable[[Deck], Part]:
    """The per-card half of ``quiz check``, to run on each part of a deck where it was parsed:
    the examples (with ``examples``), the warnings and advice, and the near-duplicate terms.
    ``progress(done, total)``, if given, is told how many of a part's cards have had their
    examples run (in whichever process runs the part)."""
    terms = index_terms()

    def work(deck: Deck) -> Part:
        with gc_held():
            found = run_examples(deck, progress) if examples else []
            advice: list[Advice] = []
            found.extend(_card_warnings(deck, advice))
            found.sort(key=lambda p: (p.line, p.col))
            done = Part(found, advice, terms(deck))
        # What grading memoised for earlier parts' cards is seldom of use to later parts': let it go
        # now and then, so that checking a large deck holds a few parts' worth (50 MB less in each
        # process at 100k cards) at the cost of filling the caches again (about 1 % of the time).
        from quiz.grading import caches

        if caches.held() > CACHED_RESULTS:
            caches.forget()
        return done

    return work


def findings(
    decks: Sequence[Deck],
    parts: Sequence[Sequence[Part]] | None = None,
    *,
    examples: bool = True,
    every_advice: bool = False,
) -> list[Problem]:
    """Every finding for several loaded decks: deck by deck, each in file order; near-duplicates
    within and across the decks. ``parts`` holds each deck's :func:`check_part` results when they
    were made while loading (then the decks' cards are not read: they may have been dropped).
    Advice on many cards is summarised unless ``every_advice``."""
    if parts is None:
        each = check_part(examples=examples)
        parts = [[each(deck)] for deck in decks]
    by_deck: list[list[Problem]] = []
    for deck, deck_parts in zip(decks, parts, strict=True):
        own = [p for part in deck_parts for p in part.problems]
        own.extend(_advice(deck, [a for part in deck_parts for a in part.advice], every_advice))
        by_deck.append(own)
    with gc_held():
        groups = find(decks, [[part.terms for part in deck_parts] for deck_parts in parts])
    for group in groups:
        first, repeat, more = group.first, group.others[0], group.others[1:]
        also = ""
        if more:
            named = ", ".join(f"'{m.card}'" for m in more[:3])
            rest = f" and {len(more) - 3} more" if len(more) > 3 else ""
            also = f"; so do {named}{rest}"
        by_deck[repeat.deck].append(
            Problem(
                decks[repeat.deck].path,
                repeat.line,
                repeat.col,
                f"card '{repeat.card}': the prompt nearly repeats card '{first.card}' at "
                f"{decks[first.deck].path}:{first.line} ({group.ratio:.0f}% alike)"
                f" with the same answer{also}",
                "merge the cards, or make them ask different things",
                WARNING,
            )
        )
    out: list[Problem] = []
    for own in by_deck:
        own.sort(key=lambda p: (p.line, p.col))  # stable: on a card, the order it was found in
        out.extend(own)
    return out


def _advice(deck: Deck, advice: list[Advice], every: bool) -> list[Problem]:
    """The advice as findings: listed card by card, or summarised per kind when it is on many."""
    out: list[Problem] = []
    for kind, (message, hint, summary) in ADVICE_KINDS.items():
        mine = [a for a in advice if a.kind == kind]
        if every or len(mine) <= ADVICE_LISTED:
            out.extend(
                Problem(deck.path, a.line, a.col, f"card '{a.card}': {message}",
                        hint.replace("{card}", a.card), ADVICE)
                for a in mine
            )
        else:
            a = mine[0]
            out.append(
                Problem(
                    deck.path,
                    a.line,
                    a.col,
                    f"card '{a.card}' and {len(mine) - 1} more {summary}",
                    f"{hint.replace('{card}', '…')}; {LIST_OPTION}",
                    ADVICE,
                )
            )
    return out


def lint(deck: Deck) -> list[Problem]:
    """Warnings and advice (never errors) about one deck that loaded, each card's listed."""
    return lint_many([deck])


def lint_many(decks: Sequence[Deck]) -> list[Problem]:
    """Warnings and advice about every deck, near-duplicates within and across them included.

    A near-duplicate is reported on the second card of its group (the later deck, or the later line).
    """
    return findings(decks, examples=False, every_advice=True)


def check(deck: Deck) -> list[Problem]:
    """Every finding for a loaded deck (example errors, warnings, every advice), in file order."""
    return findings([deck], every_advice=True)


def _card_warnings(deck: Deck, advice: list[Advice]) -> list[Problem]:
    """The warnings about each card; its advice goes to ``advice``."""
    out: list[Problem] = []
    for card in deck.cards:
        if card.variant_of:
            continue  # made from a card by 'reverse: true': what is said of that card covers it
        if card.id_generated:
            advice.append(Advice("id", card.line, card.col, card.id))
        if not card.explain.strip():
            advice.append(Advice("explain", card.line, card.col, card.id))
        if not isinstance(card, FlashCard) and not (card.accept_examples or card.reject_examples):
            advice.append(Advice("examples", card.line, card.col, card.id))
        if not card.tags and not deck.tags:
            advice.append(Advice("tags", card.line, card.col, card.id))
        if isinstance(card, (ChoiceCard, MultiCard)):
            out.extend(_look_alikes(deck, card))
        if isinstance(card, ShortCard) and (date := _as_date(card.answer, deck.policy(card))):
            out.append(
                _at(
                    deck,
                    card,
                    f"the answer '{card.answer}' is a date, graded as text (a learner's "
                    f"'{date.human()}' is not read as the same date)",
                    f"make it a date card ('type: date', 'answer: {date.iso()}'), which accepts a date "
                    "written any common way",
                )
            )
    return out


def _as_date(text: str, policy: Policy) -> PartialDate | None:
    """``text`` read as a date with at least a year and a month, when it is written another way
    than ISO (an ISO date as text is the author's choice); else None."""
    from quiz.grading.dates import parse_date

    if re.fullmatch(r"\s*\d{4}(-\d{1,2}){0,2}\s*", text):
        return None
    found = parse_date(text, policy.date_order)
    return found if found is not None and found.year and found.month is not None else None


def _look_alikes(deck: Deck, card: ChoiceCard | MultiCard) -> list[Problem]:
    """Wrong choices that say the answer in other words: equal once normalised, or a typo away."""
    from rapidfuzz.distance import Levenshtein

    from quiz.grading import normalize, typo_budget

    policy = deck.policy(card)
    answers = (card.answer,) if isinstance(card, ChoiceCard) else card.answers
    alternates = [e.text for e in card.accept_examples if not _LABEL.fullmatch(e.text.strip().casefold())]
    default = _DEFAULT_POLICY
    keys = []
    for text in (*answers, *alternates):
        key = normalize(text, policy)
        if key:
            keys.append((text, key, max(typo_budget(key, policy), typo_budget(key, default))))
    out: list[Problem] = []
    for choice in card.choices:
        if choice in answers:
            continue
        n = normalize(choice, policy)
        if not n:
            continue
        for text, key, budget in keys:
            same = n == key
            if same or Levenshtein.distance(n, key, score_cutoff=budget) <= budget:
                what = "the answer" if text in answers else f"the accepted answer '{text}'"
                why = "the same once normalised" if same else "a typo away"
                out.append(
                    _at(
                        deck,
                        card,
                        f"choice '{choice}' looks like {what} ({why})",
                        "reword the wrong choice so that it is clearly different from the answer",
                    )
                )
                break
    return out


def run_examples(deck: Deck, progress: Callable[[int, int], None] | None = None) -> list[Problem]:
    """Errors for every ``examples`` answer that grading treats the other way; ``progress(done,
    total)``, if given, is told every :data:`PROGRESS_EVERY` cards how many have been run."""
    from quiz.grading import grade

    out: list[Problem] = []
    total = len(deck.cards)
    for n, card in enumerate(deck.cards):
        if progress is not None and not n % PROGRESS_EVERY:
            progress(n, total)
        policy = deck.policy(card)
        for example in card.accept_examples:
            verdict = grade(card, example.text, policy, explain=False)  # only rule is said
            if not verdict.correct:
                out.append(
                    Problem(
                        deck.path,
                        example.line or card.line,
                        example.col or card.col,
                        f"card '{card.id}': the example '{example.text}' should be accepted "
                        f"but is rejected ({verdict.rule})",
                        "add it to the card's alternates, or fix the example",
                    )
                )
        for example in card.reject_examples:
            verdict = grade(card, example.text, policy)
            if verdict.correct:
                note = verdict.note or verdict.rule
                out.append(
                    Problem(
                        deck.path,
                        example.line or card.line,
                        example.col or card.col,
                        f"card '{card.id}': the example '{example.text}' should be rejected "
                        f"but is accepted ({note})",
                        # A listed reject is never forgiven as a typo: it can only be accepted as
                        # the key (or an alternate) once normalised.
                        "it is an accepted answer once normalised: remove it, or make the card's"
                        " grading keep the difference (e.g. grading: {case: sensitive})",
                    )
                )
    return out
