"""Checks beyond "it loads": advice for authors, and each card's ``examples`` run through grading.

Warnings (:func:`lint`, :func:`lint_many`) never make a deck unusable; ``quiz check`` shows them
and fails on them only with ``--strict``. Errors (:func:`run_examples`) are examples that grading
treats the other way from what the author wrote.
"""

from __future__ import annotations

import gc
import itertools
import re
import unicodedata
import zlib
from array import array
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from operator import attrgetter

from quiz.errors import Problem
from quiz.model import Card, ChoiceCard, Deck, FlashCard, MultiCard, OrderCard, Policy

#: Two prompts at least this alike (rapidfuzz ratio of their normalised forms, 0-100) are near-duplicates.
DUPLICATE_RATIO = 90.0
#: How many of a text's rarest words it is indexed under when looking for near-duplicates.
RARE_WORDS = 3
#: From this many cards on, the near-duplicate search runs in a second process (where ``fork`` exists).
FORK_CARDS = 20_000

_DEFAULT_POLICY = Policy()
_LABEL = re.compile(r"\(?\s*([a-z]|\d{1,3})\s*[).:]?")


def _at(deck: Deck, card: Card, message: str, hint: str = "", line: int = 0, col: int = 0) -> Problem:
    return Problem(
        deck.path, line or card.line, col or card.col, f"card '{card.id}': {message}", hint, "warning"
    )


def lint(deck: Deck) -> list[Problem]:
    """Warnings (never errors) about one deck that loaded, near-duplicate prompts within it included."""
    return lint_many([deck])


def lint_many(decks: Sequence[Deck]) -> list[Problem]:
    """Warnings about every deck, plus near-duplicate prompts within and across the decks.

    Each finding is reported on the card written later (the later deck, or the later line).
    """
    return _findings(decks, examples=False)


def _findings(decks: Sequence[Deck], *, examples: bool) -> list[Problem]:
    """Warnings (and example errors with ``examples``); on a large set of decks the near-duplicate
    search runs in a forked child meanwhile, as it is about half the work."""
    with _gc_paused():
        near = _near_duplicates_async(decks)
        out: list[Problem] = []
        try:
            for deck in decks:
                if examples:
                    out.extend(run_examples(deck))
                out.extend(_card_warnings(deck))
        except BaseException:
            near(wanted=False)  # an interrupt or an error is on its way out: stop the search
            raise
        out.extend(near())
    return out


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while findings are built: they hold no cycles, and with
    100,000 cards the collector's rescans of everything allocated cost a third of the time."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _near_duplicates_async(
    decks: Sequence[Deck], terms: Sequence[Sequence[Terms]] | None = None
) -> Callable[..., list[Problem]]:
    """Start :func:`_near_duplicates`; call the result to get its findings.

    With ``FORK_CARDS`` cards or more, on a system with ``fork``, it runs in a child process
    (copy-on-write: nothing is copied up front) that sends back its few findings pickled.
    Forking a process that runs other threads could copy a lock one of them holds: stay in one.
    """
    from quiz import forked

    small = sum(len(d.cards) for d in decks) < FORK_CARDS
    if small or not forked.can_fork():
        found = _near_duplicates(decks, terms)
        return lambda wanted=True: found
    collect = forked.start(lambda: _near_duplicates(decks, terms))

    def findings(wanted: bool = True) -> list[Problem]:
        """The findings; with ``wanted`` False (an interrupt is on its way out), stop the search."""
        if not wanted:
            collect(cancel=True)
            return []
        found = collect()
        return _near_duplicates(decks, terms) if found is None else found  # the child failed: here

    return findings


def _card_warnings(deck: Deck) -> list[Problem]:
    out: list[Problem] = []
    for card in deck.cards:
        if card.id_generated:
            out.append(
                _at(
                    deck,
                    card,
                    "has no id; its id is derived from its type and prompt, "
                    "so editing the prompt resets its history",
                    f"add 'id: {card.id}' or a name of your own",
                )
            )
        if not card.explain.strip():
            out.append(_at(deck, card, "has no 'explain'", "add 'explain:' to say why the answer is right"))
        if not isinstance(card, FlashCard) and not (card.accept_examples or card.reject_examples):
            out.append(
                _at(
                    deck,
                    card,
                    "has no 'examples'",
                    "add 'examples: {accept: [...], reject: [...]}' so quiz check tests the grading",
                )
            )
        if not card.tags and not deck.tags:
            out.append(
                _at(
                    deck,
                    card,
                    "has no tags (and the deck has none)",
                    "add 'tags: [topic]' to the card or to the deck, for quiz run --tag and statistics",
                )
            )
        if isinstance(card, (ChoiceCard, MultiCard)):
            out.extend(_look_alikes(deck, card))
    return out


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


def _question_text(card: Card) -> str:
    """What a learner reads: the prompt, and the choices or items ("put these in order" alone says little)."""
    if isinstance(card, (ChoiceCard, MultiCard)):
        return " / ".join((card.prompt, *card.choices))
    if isinstance(card, OrderCard):
        return " / ".join((card.prompt, *sorted(card.items)))
    return card.prompt


_WORD = re.compile(r"\w+")
#: ASCII bytes that are not word characters (``\w``) as spaces, for splitting ASCII text into words in C.
_NON_WORD = bytes.maketrans(
    bytes(range(128)), bytes(c if chr(c).isalnum() or c == 95 else 32 for c in range(128))
)
_PAIR = 1 << 32
_ONE_WORD = 1 << 63  # word numbers have 31 bits: every pair is below this, every lone word above
_RANK = 1 << 66


def _words(text: str) -> list[str]:
    """A prompt's words for comparing prompts: casefolded, accents stripped (NFKD), punctuation gone.

    Much cheaper than grading's normalisation (100,000 prompts in a fraction of a second), and
    enough here: whether two questions read alike does not depend on a deck's grading policy.
    """
    text = text.casefold()
    if text.isascii():  # the words the regular expression finds, split in C
        return text.encode("ascii").translate(_NON_WORD).decode("ascii").split()
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return _WORD.findall(text)


def _pair_codes(ids: list[int]) -> set[int]:
    """A text's word pairs, each as one number below 2**63 (first word * 2**32 + second word),
    ordered as the pairs are; a text of one word is that word, above every pair."""
    if len(ids) < 2:
        return {_ONE_WORD + i for i in ids}
    return {a * _PAIR + b for a, b in itertools.pairwise(ids)}


#: Each card's question as compared and its word pairs, in card order (see :func:`index_terms`).
#: Compact: the pair codes of every card one after another in one array, and where each card's end.
Terms = tuple[list[str], "array[int]", "array[int]"]  # (array is not subscriptable at run time)


class _WordCodes(dict[str, int]):
    """Each word's number in the near-duplicate index: its CRC-32 halved, the same in every process
    (parts of a deck are indexed in two) and in every run (ties between equally rare word pairs
    are broken by these numbers, so the findings never vary). Two words that share a number
    only make the index compare a few more texts."""

    def __missing__(self, word: str) -> int:
        code = self[word] = zlib.crc32(word.encode("utf-8", "surrogatepass")) >> 1
        return code


def index_terms() -> Callable[[Deck], Terms]:
    """The per-card half of the near-duplicate search, to run on each part of a deck while it
    loads (``deckcache.load_parts``), so the two processes that parse a large deck share it:
    each card's question as compared (its words joined; '' when it has none) and its word pairs
    as :func:`_pair_codes`, all in one array of 64-bit numbers with each card's end in another."""
    number = _WordCodes().__getitem__  # kept from part to part (a copy in each process)

    def terms(deck: Deck) -> Terms:
        texts: list[str] = []
        codes = array("Q")
        ends = array("Q")
        for card in deck.cards:
            words = _words(_question_text(card))
            texts.append(" ".join(words))
            codes.extend(_pair_codes(list(map(number, words))))
            ends.append(len(codes))
        return texts, codes, ends

    return terms


def _near_duplicates(decks: Sequence[Deck], terms: Sequence[Sequence[Terms]] | None = None) -> list[Problem]:
    """Pairs of cards whose question texts (case, accents and punctuation aside) are alike.

    ``terms`` holds each deck's :func:`index_terms` (part by part) when they were made already.
    """
    from rapidfuzz import fuzz, process

    if terms is None:
        each = index_terms()
        terms = [[each(deck)] for deck in decks]
    entries: list[tuple[Deck, Card, str]] = []
    spans: list[tuple[array[int], int, int]] = []  # each entry's pair codes: codes[start:end]
    for deck, parts in zip(decks, terms, strict=True):
        if sum(len(texts) for texts, _, _ in parts) != len(deck.cards):
            raise ValueError(f"the near-duplicate terms of {deck.path} are not one per card")
        cards = iter(deck.cards)
        for texts, codes, ends in parts:
            start = 0
            # ``cards`` last: zip stops at the end of this part before taking a card of the next.
            for text, end, card in zip(texts, ends, cards, strict=False):
                if text:
                    entries.append((deck, card, text))
                    spans.append((codes, start, end))
                start = end
    # Blocking instead of all pairs: texts this alike share most of their word pairs, so two texts
    # are compared only when one of the few rarest word pairs of each is the same. That keeps a
    # 100,000-card check near linear instead of quadratic. A word pair's rank is its count and then
    # the pair in one number, so the rarest sort first and compare as ints (the counts are turned
    # into ranks in place: one table of every pair, not two).
    ranks = Counter(itertools.chain.from_iterable(codes for parts in terms for _, codes, _ in parts))
    for w, n in ranks.items():
        ranks[w] = n * _RANK + w
    rank = ranks.__getitem__
    shared = 2 * _RANK  # a word pair no other text has cannot make a pair
    postings: dict[int, list[int]] = {}
    for i, (codes, start, end) in enumerate(spans):
        ws = codes[start:end]
        keys = sorted(map(rank, ws))[:RARE_WORDS] if end - start > RARE_WORDS else map(rank, ws)  # rarest
        for w in keys:
            if w >= shared:
                postings.setdefault(w, []).append(i)
    # Each bucket is compared within itself by rapidfuzz in C (the score cutoff also rules out texts
    # whose lengths differ too much); a pair found in several buckets is reported once.
    found: dict[tuple[int, int], float] = {}
    for bucket in postings.values():
        if len(bucket) == 2:  # most buckets: one comparison, without extract's set-up
            i, j = bucket
            ratio = fuzz.ratio(entries[i][2], entries[j][2], processor=None, score_cutoff=DUPLICATE_RATIO)
            if ratio:
                found[(i, j)] = ratio
            continue
        texts = [entries[i][2] for i in bucket]
        for k in range(len(bucket) - 1):
            for _, ratio, at in process.extract(
                texts[k],
                texts[k + 1 :],
                scorer=fuzz.ratio,
                processor=None,
                score_cutoff=DUPLICATE_RATIO,
                limit=None,
            ):
                found[(bucket[k], bucket[k + 1 + at])] = ratio  # each bucket is in ascending order
    out: list[Problem] = []
    for (i, j), ratio in sorted(found.items()):
        deck, card, _ = entries[i]
        later_deck, later, _ = entries[j]
        out.append(
            _at(
                later_deck,
                later,
                f"the prompt nearly repeats card '{card.id}' at {deck.path}:{card.line} ({ratio:.0f}% alike)",
                "merge the two cards, or make them ask different things",
            )
        )
    return out


def run_examples(deck: Deck) -> list[Problem]:
    """Errors for every ``examples`` answer that grading treats the other way."""
    from quiz.grading import grade

    out: list[Problem] = []
    for card in deck.cards:
        policy = deck.policy(card)
        for example in card.accept_examples:
            verdict = grade(card, example.text, policy)
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


def check(deck: Deck) -> list[Problem]:
    """Every finding for a loaded deck: example errors and warnings, in file order."""
    return sorted(run_examples(deck) + lint(deck), key=lambda p: (p.line, p.col))


def check_many(decks: Sequence[Deck]) -> list[Problem]:
    """Every finding for several loaded decks: deck by deck, each in file order."""
    return [p for p, _ in check_many_rendered(decks, _no_text)]


def _no_text(problem: Problem) -> str:
    return ""


def check_many_rendered(
    decks: Sequence[Deck],
    render: Callable[[Problem], str],
    terms: Sequence[Sequence[Terms]] | None = None,
) -> list[tuple[Problem, str]]:
    """What :func:`check_many` finds, each with ``render(problem)``, in the same order.

    The findings made in this process are sorted and rendered while the near-duplicate search
    runs in its child; its few findings are then merged in where a stable sort would put them.
    ``terms`` are each deck's :func:`index_terms` when they were made while loading.
    """
    order = {deck.path: i for i, deck in enumerate(decks)}
    one = len(order)

    def key(p: Problem) -> tuple[int, int, int]:
        return (order.get(p.path, one), p.line, p.col)

    with _gc_paused():
        near = _near_duplicates_async(decks, terms)
        try:
            own: list[Problem] = []
            for deck in decks:
                own.extend(run_examples(deck))
                own.extend(_card_warnings(deck))
            if one == 1:  # every finding here is on that deck's path: the same order, keyed in C
                own.sort(key=attrgetter("line", "col"))
            else:
                own.sort(key=key)
            texts = list(map(render, own))
        except BaseException:
            near(wanted=False)  # an interrupt or an error is on its way out: stop the search
            raise
        found = near()
        found.sort(key=key)
        out: list[tuple[Problem, str]] = []
        at = 0
        for p in found:  # after every finding of its place or before it, as a stable sort would
            to = bisect_right(own, key(p), lo=at, key=key)
            out.extend(zip(own[at:to], texts[at:to], strict=True))
            out.append((p, render(p)))
            at = to
        out.extend(zip(own[at:], texts[at:], strict=True))
    return out
