"""The quiz loop with fake ask/record/grade: order, shuffles, retries, exams, flashcards."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quiz.model import (
    Attempt,
    BoolCard,
    Card,
    ChoiceCard,
    Deck,
    FlashCard,
    MultiCard,
    Options,
    OrderCard,
    Outcome,
    Policy,
    Question,
    ShortCard,
    Verdict,
)
from quiz.practice import SelectionError, Session, select_cards, self_verdict, shown_order

LETTERS = "abcdefghijklmnopqrstuvwxyz"


def fake_grade(
    card: Card, typed: str, policy: Policy, *, shown: Sequence[str] | None = None, reject: Sequence[str] = ()
) -> Verdict:
    """Exact (case-insensitive) match; a letter picks from the shown choices."""
    expected = card.answer_text()
    given_ = typed.strip().lower()
    if shown is not None and len(given_) == 1 and given_ in LETTERS[: len(shown)]:
        given_ = shown[LETTERS.index(given_)].lower()
        return Verdict(
            given_ == expected.lower(), "letter", "", float(given_ == expected.lower()), 0, expected
        )
    ok = given_ == expected.lower()
    return Verdict(ok, "exact" if ok else "wrong", "", float(ok), 0, expected)


def deck(n: int = 6) -> Deck:
    """A deck of ``n`` short cards q1..qn answered a1..an, tagged odd/even."""
    cards: list[Card] = [
        ShortCard(id=f"q{i}", prompt=f"Question {i}?", answer=f"a{i}", tags=("odd" if i % 2 else "even",))
        for i in range(1, n + 1)
    ]
    return Deck(id="d", title="D", cards=tuple(cards))


class Clock:
    """A clock that moves one second per reading."""

    def __init__(self) -> None:
        self.t = datetime(2026, 1, 1, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        self.t += timedelta(seconds=1)
        return self.t


def answering(
    rule: Callable[[Question], str | None],
) -> tuple[Callable[[Question], str | None], list[Question]]:
    """An ask callable that answers with ``rule`` and remembers the questions."""
    seen: list[Question] = []

    def ask(q: Question) -> str | None:
        seen.append(q)
        return rule(q)

    return ask, seen


def right(q: Question) -> str:
    """The right answer to any test card."""
    return q.card.answer_text()


def make(
    d: Deck,
    options: Options,
    seed: int,
    ask: Callable[[Question], str | None],
    **kw: object,
) -> Session:
    """A session over ``d`` with the fake grader and clock."""
    return Session(d, options, random.Random(seed), ask=ask, now=Clock(), grade=fake_grade, **kw)  # type: ignore[arg-type]


def test_same_seed_same_order_and_different_seed_differs() -> None:
    """A seed fixes the order cards are asked in, so a session can be repeated."""
    d = deck(12)
    orders = []
    for seed in (7, 7, 8):
        ask, seen = answering(right)
        make(d, Options(), seed, ask).run()
        orders.append([q.card.id for q in seen])
    assert orders[0] == orders[1]
    assert orders[0] != orders[2]
    assert sorted(orders[0]) == sorted(c.id for c in d.cards)


def test_no_shuffle_keeps_file_order_and_choice_order() -> None:
    """--no-shuffle asks cards in file order and shows choices as written."""
    choice = ChoiceCard(id="c", prompt="Pick", choices=("x", "y", "z", "w"), answer="z")
    d = Deck(id="d", title="D", cards=(*deck(4).cards, choice))
    ask, seen = answering(right)
    make(d, Options(shuffle=False), 3, ask).run()
    assert [q.card.id for q in seen] == ["q1", "q2", "q3", "q4", "c"]
    assert seen[-1].shown == ("x", "y", "z", "w")


def test_same_seed_same_choice_shuffle() -> None:
    """The shown order of choices is fixed by the seed too."""
    choices = tuple(f"option {i}" for i in range(8))
    card = ChoiceCard(id="c", prompt="Pick", choices=choices, answer="option 3")
    a = shown_order(card, random.Random(5))
    b = shown_order(card, random.Random(5))
    assert a == b
    assert a is not None and sorted(a) == sorted(choices)
    assert any(shown_order(card, random.Random(s)) != choices for s in range(5))


def test_card_shuffle_false_keeps_choices_in_place() -> None:
    """A card with shuffle: false shows its choices in the written order whatever the seed."""
    card = ChoiceCard(id="c", prompt="Pick", choices=("1", "2", "3", "4"), answer="2", shuffle=False)
    assert all(shown_order(card, random.Random(s)) == ("1", "2", "3", "4") for s in range(20))


@given(st.integers(min_value=0, max_value=2**32), st.integers(min_value=0, max_value=7))
def test_letters_refer_to_the_shown_order(seed: int, right_index: int) -> None:
    """Typing the letter of the right answer as shown is graded right, whatever the shuffle."""
    choices = tuple(f"choice {i}" for i in range(8))
    card = ChoiceCard(id="c", prompt="Pick", choices=choices, answer=choices[right_index])
    d = Deck(id="d", title="D", cards=(card,))

    def by_letter(q: Question) -> str:
        assert q.shown is not None
        return LETTERS[q.shown.index(card.answer)]

    ask, _ = answering(by_letter)
    summary = make(d, Options(), seed, ask).run()
    assert summary.correct == 1


@given(
    st.integers(min_value=0, max_value=2**32),
    st.lists(st.text(min_size=1), min_size=2, max_size=6, unique=True),
)
def test_order_items_never_shown_in_the_right_order(seed: int, items: list[str]) -> None:
    """An order card never shows its items already in the answer's order (that would give it away)."""
    card = OrderCard(id="o", prompt="Order", items=tuple(items))
    shown = shown_order(card, random.Random(seed), shuffle=False)
    assert shown is not None
    assert sorted(shown) == sorted(items)
    assert list(shown) != items


def test_record_is_called_before_feedback_with_each_attempt() -> None:
    """Every answer is recorded before its verdict is shown, with the session and deck ids."""
    events: list[str] = []
    attempts: list[Attempt] = []

    def record(a: Attempt) -> None:
        events.append("record " + a.card_id)
        attempts.append(a)

    def feedback(o: Outcome) -> None:
        events.append("feedback " + o.question.card.id)

    ask, _ = answering(lambda q: "nope" if q.card.id == "q2" else right(q))
    summary = make(
        deck(3), Options(shuffle=False), 1, ask, record=record, feedback=feedback, session_id=42
    ).run()
    assert events == ["record q1", "feedback q1", "record q2", "feedback q2", "record q3", "feedback q3"]
    assert [(a.session_id, a.deck_id, a.card_id, a.typed, a.correct) for a in attempts] == [
        (42, "d", "q1", "a1", True),
        (42, "d", "q2", "nope", False),
        (42, "d", "q3", "a3", True),
    ]
    assert all(a.time_ms == 1000 and a.first for a in attempts)
    assert (summary.correct, summary.asked, summary.total) == (2, 3, 3)
    assert summary.percent == pytest.approx(66.7)
    assert [o.question.card.id for o in summary.missed] == ["q2"]


def test_retry_wrong_asks_missed_cards_until_right_and_counts_first_tries_only() -> None:
    """--retry-wrong repeats missed cards at the end; repeats are stored as not first and don't score."""
    tries: dict[str, int] = {}

    def rule(q: Question) -> str:
        tries[q.card.id] = tries.get(q.card.id, 0) + 1
        # q2 is right on the third try, q4 on the second; the rest at once.
        needed = {"q2": 3, "q4": 2}.get(q.card.id, 1)
        return right(q) if tries[q.card.id] >= needed else "?"

    attempts: list[Attempt] = []
    ask, seen = answering(rule)
    summary = make(deck(5), Options(shuffle=False, retry_wrong=True), 1, ask, record=attempts.append).run()
    assert [(q.card.id, q.round) for q in seen] == [
        ("q1", 0), ("q2", 0), ("q3", 0), ("q4", 0), ("q5", 0),
        ("q2", 1), ("q4", 1),
        ("q2", 2),
    ]  # fmt: skip
    assert [a.first for a in attempts] == [True] * 5 + [False] * 3
    assert (summary.correct, summary.asked, summary.total) == (3, 5, 5)
    assert summary.ended == "finished"


def test_without_retry_wrong_missed_cards_are_not_asked_again() -> None:
    """Without --retry-wrong each card is asked once."""
    ask, seen = answering(lambda q: "?")
    summary = make(deck(3), Options(), 1, ask).run()
    assert len(seen) == 3 and summary.correct == 0


def test_exam_hides_feedback_and_grades_pass_mark_over_all_questions() -> None:
    """In exam mode feedback is never shown during the session; pass/fail uses the pass mark."""
    shown: list[Outcome] = []
    ask, _ = answering(lambda q: right(q) if q.card.id in ("q1", "q2", "q3") else "?")
    summary = make(deck(5), Options(exam=True, pass_mark=60), 1, ask, feedback=shown.append).run()
    assert shown == []
    assert summary.exam and summary.passed is True
    assert len(summary.outcomes) == 5
    ask, _ = answering(lambda q: right(q) if q.card.id in ("q1", "q2") else "?")
    assert make(deck(5), Options(exam=True, pass_mark=60), 1, ask).run().passed is False


def test_exam_ended_early_counts_unanswered_questions_as_wrong() -> None:
    """An exam whose input ends early is graded out of all its questions."""
    answers = iter(["a1", "a2"])
    ask, _ = answering(lambda q: next(answers, None))
    summary = make(deck(4), Options(exam=True, shuffle=False, pass_mark=50), 1, ask).run()
    assert summary.ended == "end-of-input" and not summary.complete
    assert summary.percent == 100.0  # of the answered questions
    assert summary.passed is True  # 2 of 4 = 50%
    answers = iter(["a1"])
    ask, _ = answering(lambda q: next(answers, None))
    assert make(deck(4), Options(exam=True, shuffle=False, pass_mark=50), 1, ask).run().passed is False


def test_end_of_input_stops_cleanly_with_answers_so_far() -> None:
    """When ask returns None the session ends and the summary covers what was answered."""
    answers: Iterator[str] = iter(["a1", "wrong"])
    attempts: list[Attempt] = []
    ask, _ = answering(lambda q: next(answers, None))
    s = make(deck(5), Options(shuffle=False), 1, ask, record=attempts.append)
    summary = s.run()
    assert summary.ended == "end-of-input"
    assert (summary.asked, summary.total, summary.correct) == (2, 5, 1)
    assert len(attempts) == 2 and s.saved == 2


def test_an_exception_from_ask_keeps_the_answers_recorded_before() -> None:
    """An interrupt while asking propagates, and the summary still shows what was saved."""
    count = 0

    def ask(q: Question) -> str:
        nonlocal count
        count += 1
        if count == 3:
            raise KeyboardInterrupt
        return right(q)

    attempts: list[Attempt] = []
    s = make(deck(5), Options(), 1, ask, record=attempts.append)
    with pytest.raises(KeyboardInterrupt):
        s.run()
    assert len(attempts) == 2 and s.saved == 2
    assert s.summary().ended == "interrupted" and s.summary().correct == 2


def test_a_record_failure_does_not_count_the_answer_as_saved() -> None:
    """If recording fails, the error propagates and that answer is not counted as saved."""

    def record(a: Attempt) -> None:
        if a.card_id == "q2":
            raise OSError("disk full")

    ask, _ = answering(right)
    s = make(deck(3), Options(shuffle=False), 1, ask, record=record)
    with pytest.raises(OSError):
        s.run()
    assert s.saved == 1


def test_count_tag_and_card_filters() -> None:
    """--count cuts the list, --tag picks cards with any of the tags, --card names cards."""
    d = deck(8)
    rng = random.Random(1)
    assert len(select_cards(d, Options(count=3), rng)) == 3
    assert len(select_cards(d, Options(count=50), rng)) == 8
    odd = select_cards(d, Options(tags=("odd",), shuffle=False), rng)
    assert [c.id for c in odd] == ["q1", "q3", "q5", "q7"]
    both = select_cards(d, Options(tags=("odd", "even")), rng)
    assert len(both) == 8
    named = select_cards(d, Options(card_ids=("q2", "q4"), tags=("odd",), shuffle=False), rng)
    assert [c.id for c in named] == ["q1", "q2", "q3", "q4", "q5", "q7"]
    assert [c.id for c in select_cards(d, Options(card_ids=("q6",)), rng)] == ["q6"]


@given(seed=st.integers(0, 2**32), count=st.integers(1, 30), size=st.integers(1, 40))
def test_count_draws_distinct_cards_the_same_for_the_same_seed(seed: int, count: int, size: int) -> None:
    """--count N asks N different cards of the deck (all when fewer), the same ones for the same seed."""
    d = deck(size)
    first = [c.id for c in select_cards(d, Options(count=count), random.Random(seed))]
    again = [c.id for c in select_cards(d, Options(count=count), random.Random(seed))]
    assert first == again
    assert len(first) == len(set(first)) == min(count, size)
    assert set(first) <= {c.id for c in d.cards}
    in_order = [c.id for c in select_cards(d, Options(count=count, shuffle=False), random.Random(seed))]
    assert in_order == [c.id for c in d.cards][:count]


def test_unknown_card_id_names_close_ids() -> None:
    """--card with an id the deck lacks is an error that suggests the close ids."""
    with pytest.raises(SelectionError, match=r"no card 'q9x'.*'q9'"):
        select_cards(deck(9), Options(card_ids=("q9x",)), random.Random(1))


def test_tag_matching_nothing_lists_the_deck_tags() -> None:
    """--tag that matches no card is an error listing the tags that exist."""
    with pytest.raises(SelectionError, match=r"tagged 'nope'.*even, odd"):
        select_cards(deck(3), Options(tags=("nope",)), random.Random(1))


def test_flashcards_reveal_then_learner_says_whether_they_knew_it() -> None:
    """A flashcard is revealed first, then counted right when the learner says they knew it."""
    cards = (
        FlashCard(id="f1", prompt="front 1", back="back 1"),
        FlashCard(id="f2", prompt="front 2", back="back 2"),
        FlashCard(id="f3", prompt="front 3", back="back 3"),
    )
    d = Deck(id="d", title="D", cards=cards)
    calls: list[str] = []

    def reveal(q: Question) -> bool:
        calls.append("reveal " + q.card.id)
        return True

    said = {"f1": "yes", "f2": "n", "f3": "maybe"}

    def ask(q: Question) -> str:
        calls.append("ask " + q.card.id)
        return said[q.card.id]

    summary = Session(d, Options(shuffle=False), random.Random(1), ask=ask, now=Clock(), reveal=reveal).run()
    assert calls == ["reveal f1", "ask f1", "reveal f2", "ask f2", "reveal f3", "ask f3"]
    assert [o.verdict.rule for o in summary.outcomes] == ["known", "unknown", "unclear"]
    assert summary.correct == 1


@pytest.mark.parametrize(
    ("typed", "known"), [("y", True), ("YES", True), ("1", True), (" n ", False), ("no", False), ("0", False)]
)
def test_flashcard_self_grading_words(typed: str, known: bool) -> None:
    """y/yes/1 mean known and n/no/0 mean not known."""
    v = self_verdict(FlashCard(id="f", prompt="front", back="back"), typed)
    assert v.correct is known and v.expected == "back"


def test_end_of_input_at_a_flashcard_reveal_ends_the_session() -> None:
    """If input ends while waiting to reveal a flashcard, the session ends cleanly."""
    d = Deck(id="d", title="D", cards=(FlashCard(id="f", prompt="front", back="back"),))
    summary = Session(
        d, Options(), random.Random(1), ask=lambda q: "y", now=Clock(), reveal=lambda q: False
    ).run()
    assert summary.ended == "end-of-input" and summary.asked == 0


def test_grader_gets_the_shown_order_and_reject_examples() -> None:
    """The grader is given the choices as shown and the card's reject examples."""
    from quiz.model import Example

    card = MultiCard(
        id="m",
        prompt="Pick",
        choices=("a1", "b2", "c3"),
        answers=("a1", "c3"),
        reject_examples=(Example("b2"),),
    )
    got: list[tuple[Sequence[str] | None, Sequence[str]]] = []

    def grade(
        c: Card, typed: str, policy: Policy, *, shown: Sequence[str] | None = None, reject: Sequence[str] = ()
    ) -> Verdict:
        got.append((shown, reject))
        return Verdict(True, "exact", "", 1.0)

    ask, seen = answering(lambda q: "a, c")
    Session(
        Deck(id="d", title="D", cards=(card,)), Options(), random.Random(2), ask=ask, now=Clock(), grade=grade
    ).run()
    assert got == [(seen[0].shown, ("b2",))]


def test_bool_card_has_no_shown_order() -> None:
    """Cards without choices or items have no shown order."""
    assert shown_order(BoolCard(id="b", prompt="p", answer=True), random.Random(1)) is None


def test_unknown_card_error_is_a_quiz_error() -> None:
    """Selection errors are user-fixable errors (the CLI turns them into usage errors)."""
    from quiz.errors import QuizError

    assert issubclass(SelectionError, QuizError)


def _old_select(d: Deck, options: Options, rng: random.Random) -> list[Card]:
    """``select_cards`` as it was before it drew positions: the reference a seed must still match."""
    if options.card_ids or options.tags:
        cards = [c for c in d.cards if c.id in set(options.card_ids) or set(options.tags) & set(c.tags)]
    else:
        cards = list(d.cards)
    if options.count is not None and options.count < len(cards):
        return rng.sample(cards, options.count) if options.shuffle else cards[: options.count]
    if options.shuffle:
        rng.shuffle(cards)
    return cards


def _lazy(d: Deck, block: int) -> Deck:
    """The same deck with its cards held as a LazyCards of ``block`` cards per block (pickled in memory)."""
    import pickle

    from quiz.model import LazyCards

    cards = list(d.cards)
    blocks = [pickle.dumps(cards[lo : lo + block]) for lo in range(0, len(cards), block)]
    lazy = LazyCards(d.card_ids(), d.card_tags(), blocks, block, lambda b: pickle.loads(b))
    return Deck(id=d.id, title=d.title, cards=lazy)


@given(
    seed=st.integers(0, 2**64),
    size=st.integers(1, 200),
    count=st.none() | st.integers(1, 250),
    tags=st.sampled_from([(), ("odd",), ("even",), ("odd", "even")]),
    named=st.lists(st.integers(1, 200), max_size=4),
    shuffle=st.booleans(),
    block=st.integers(1, 40),
)
def test_a_seed_picks_the_same_cards_as_before_and_from_a_cached_deck(
    seed: int,
    size: int,
    count: int | None,
    tags: tuple[str, ...],
    named: list[int],
    shuffle: bool,
    block: int,
) -> None:
    """--seed asks the same cards in the same order as before positions were drawn, lazy deck or not."""
    d = deck(size)
    ids = tuple(f"q{i}" for i in named if i <= size)
    options = Options(count=count, tags=tags, card_ids=ids, shuffle=shuffle)
    before = [c.id for c in _old_select(d, options, random.Random(seed))]
    for which in (d, _lazy(d, block)):
        if not before:  # a tag no card has: an error, as before
            with pytest.raises(SelectionError):
                select_cards(which, options, random.Random(seed))
            continue
        assert [c.id for c in select_cards(which, options, random.Random(seed))] == before


def test_a_lazy_deck_builds_only_the_blocks_of_the_cards_asked() -> None:
    """Drawing 1 card of 1,000 held in blocks of 100 builds one block; the card is the one drawn."""
    from quiz.model import LazyCards

    d = _lazy(deck(1000), 100)
    assert isinstance(d.cards, LazyCards)
    picked = select_cards(d, Options(count=1), random.Random(7))
    assert d.cards.blocks_built() == 1
    drawn = _old_select(deck(1000), Options(count=1), random.Random(7))
    assert [c.id for c in picked] == [c.id for c in drawn]
    select_cards(d, Options(tags=("odd",), count=3), random.Random(7))
    assert d.cards.blocks_built() <= 4


def test_unknown_card_and_tag_errors_are_the_same_on_a_lazy_deck() -> None:
    """A cached deck gives the same --card and --tag messages, without building any card."""
    from quiz.model import LazyCards

    d = _lazy(deck(9), 4)
    with pytest.raises(SelectionError, match=r"no card 'q9x'.*'q9'"):
        select_cards(d, Options(card_ids=("q9x",)), random.Random(1))
    with pytest.raises(SelectionError, match=r"tagged 'nope'.*even, odd"):
        select_cards(d, Options(tags=("nope",)), random.Random(1))
    assert isinstance(d.cards, LazyCards) and d.cards.blocks_built() == 0


def test_a_missed_study_card_comes_back_once_its_step_has_passed() -> None:
    """Study: a card rated again is asked before the rest of the queue once its step is over, not before."""
    from quiz.practice import Engine, Learner
    from quiz.practice.study import Item, StudyPlan

    t0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
    now = {"t": t0}
    d = deck(4)

    class Typist(Learner):
        """Answers q1 wrong once, everything else right; each answer takes 40 seconds."""

        def __init__(self) -> None:
            self.asked: list[str] = []

        def ask(self, question: Question) -> str | None:
            self.asked.append(question.card.id)
            now["t"] += timedelta(seconds=40)
            wrong = question.card.id == "q1" and self.asked.count("q1") == 1
            return "nope" if wrong else question.card.answer_text()

    typist = Typist()
    plan = StudyPlan(d, [Item(f"q{i}", "new") for i in range(1, 5)], seed=1, now=lambda: now["t"])
    Engine(d, plan, learner=typist, now=lambda: now["t"], grade=fake_grade).run()
    # q1's one-minute step is over after two more answers (80 s): it comes back before q4.
    assert typist.asked == ["q1", "q2", "q3", "q1", "q4"]


class _Overrider:
    """A learner who answers wrong and then says "I was right" (recording what was offered)."""

    def __init__(self) -> None:
        self.offered: list[str] = []

    def make(self) -> object:
        from quiz.practice import Learner

        outer = self

        class L(Learner):
            def ask(self, question: Question) -> str | None:
                return "nope"

            def offer_override(self, outcome: Outcome) -> bool:
                outer.offered.append(outcome.question.card.id)
                return True

        return L()


def test_an_override_counts_right_is_stored_and_is_not_retried() -> None:
    """'I was right' after a refusal: the store is told, the score counts it, no retry round asks it."""
    from quiz.practice import Recorder

    class Store(Recorder):
        def __init__(self) -> None:
            self.overridden: list[int] = []

        def override_last(self, session_id: int) -> None:
            self.overridden.append(session_id)

    learner, store = _Overrider(), Store()
    s = Session(deck(3), Options(retry_wrong=True), random.Random(1), now=Clock(), grade=fake_grade,
                learner=learner.make(), recorder=store, session_id=9)  # type: ignore[arg-type]  # fmt: skip
    summary = s.run()
    assert len(learner.offered) == 3 and store.overridden == [9, 9, 9]
    assert (summary.correct, summary.asked) == (3, 3)
    assert all(o.overridden and o.verdict.correct for o in summary.outcomes)


def test_an_exam_never_offers_an_override() -> None:
    """In an exam the instructor decides: no "I was right", however wrong the answers."""
    learner = _Overrider()
    s = Session(deck(3), Options(exam=True), random.Random(1), now=Clock(), grade=fake_grade,
                learner=learner.make())  # type: ignore[arg-type]  # fmt: skip
    summary = s.run()
    assert learner.offered == [] and summary.correct == 0


@given(st.lists(st.booleans(), min_size=1, max_size=40), st.integers(1, 5))
def test_a_study_session_ends_only_when_every_missed_card_was_recalled(
    answers: list[bool], cards: int
) -> None:
    """Whatever is missed, a study session goes on until each card's last answer is right (or input ends)."""
    from quiz.practice import Engine, Learner
    from quiz.practice.study import Item, StudyPlan

    t0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
    given_answers = iter(answers)
    d = deck(cards)

    class Learnerish(Learner):
        def ask(self, question: Question) -> str | None:
            right_ = next(given_answers, None)
            if right_ is None:
                return None
            return question.card.answer_text() if right_ else "nope"

    plan = StudyPlan(d, [Item(c.id, "new") for c in d.cards], seed=1, now=lambda: t0)
    engine = Engine(d, plan, learner=Learnerish(), now=lambda: t0, grade=fake_grade)
    summary = engine.run()
    last: dict[str, bool] = {}
    for o in summary.outcomes:
        last[o.question.card.id] = o.verdict.correct
    if summary.ended == "finished":
        assert set(last) == {c.id for c in d.cards} and all(last.values())
    else:  # input ran out first: what is left is exactly the cards not yet recalled or not yet asked
        assert plan.left == sum(1 for c in d.cards if not last.get(c.id, False))
    assert [o.rating for o in summary.outcomes] == [3 if o.verdict.correct else 1 for o in summary.outcomes]
