"""Item analysis with Moodle's quiz statistics definitions: pure arithmetic on marks.

Every formula is written out, with its source, in docs/report.md. The names follow Moodle's
``question/classes/statistics/questions/calculator.php`` (per question) and
``mod/quiz/report/statistics/classes/calculator.php`` (per test). A mark is a fraction of the
question's credit (0..1; partial credit for multi, cloze and order counts as its fraction), so a
question's maximum mark is 1 and a learner's total is the sum of their marks.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class ItemFigures:
    """One question's statistics over the attempts that were asked it (Moodle's names, in percent)."""

    attempts: int  # s: attempts that answered it
    facility: float | None  # 100 * mean mark / max mark
    sd: float | None  # 100 * sample standard deviation of the marks / max mark
    discrimination_index: float | None  # 100 * r(mark, rest of the test)
    discriminative_efficiency: float | None  # 100 * cov(mark, rest) / the largest cov their marks allow
    effective_weight: float | None  # 100 * sqrt(cov(mark, total)) / sum over questions of the same


@dataclass(frozen=True)
class ExamFigures:
    """The whole test's statistics over the attempts analysed (mean, median, SD in percent of the maximum)."""

    attempts: int
    questions: int
    mean: float | None
    median: float | None
    sd: float | None
    skewness: float | None
    kurtosis: float | None
    cic: float | None  # coefficient of internal consistency (Cronbach's alpha), percent
    error_ratio: float | None  # percent
    standard_error: float | None  # percent of the maximum, like sd


def _mean(xs: Sequence[float]) -> float:
    return sum(xs) / len(xs)


def _cov(xs: Sequence[float], ys: Sequence[float]) -> float:
    """The sample covariance (divisor s - 1), as Moodle's ``covariancesum / (s - 1)``."""
    mx, my = _mean(xs), _mean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / (len(xs) - 1)


def _item_sums(marks: Sequence[float], rest: Sequence[float]) -> tuple[float, float, float, float]:
    """var(mark), var(rest), cov(mark, rest) and the largest covariance: both sorted, paired in order."""
    return _cov(marks, marks), _cov(rest, rest), _cov(marks, rest), _cov(sorted(marks), sorted(rest))


def item_figures(
    attempts: Sequence[Mapping[str, float]], question: str, weight_total: float | None
) -> tuple[ItemFigures, float | None]:
    """``question``'s figures over the ``attempts`` (each a mapping question → mark) that hold it.

    Also returns ``cov(mark, total)`` (None below 2 attempts), whose square root over
    ``weight_total`` (the sum of those roots over the test's questions) is the effective weight;
    pass ``weight_total=None`` on the first pass to get the covariance alone.
    """
    rows = [a for a in attempts if question in a]
    s = len(rows)
    marks = [a[question] for a in rows]
    totals = [sum(a.values()) for a in rows]
    rest = [t - m for t, m in zip(totals, marks, strict=True)]
    facility = 100 * _mean(marks) if s else None
    if s < 2:
        return ItemFigures(s, facility, None, None, None, None), None
    var, var_rest, cov, cov_max = _item_sums(marks, rest)
    cov_total = _cov(marks, totals)
    disc = 100 * cov / math.sqrt(var * var_rest) if var * var_rest > 0 else None
    efficiency = 100 * cov / cov_max if cov_max else None
    weight = None
    if weight_total and cov_total >= 0:
        weight = 100 * math.sqrt(cov_total) / weight_total
    return ItemFigures(s, facility, 100 * math.sqrt(var), disc, efficiency, weight), cov_total


def all_item_figures(
    attempts: Sequence[Mapping[str, float]], questions: Sequence[str]
) -> dict[str, ItemFigures]:
    """Every question's figures; the effective weights share the sum of ``sqrt(cov(mark, total))``."""
    covs = [item_figures(attempts, q, None)[1] for q in questions]
    weight_total = sum(math.sqrt(c) for c in covs if c is not None and c >= 0)
    return {q: item_figures(attempts, q, weight_total)[0] for q in questions}


def median(xs: Sequence[float]) -> float:
    """The middle value; the mean of the two middle ones for an even count (Moodle's ``median``)."""
    ordered = sorted(xs)
    n = len(ordered)
    mid = n // 2
    return ordered[mid] if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def exam_figures(attempts: Sequence[Mapping[str, float]], questions: Sequence[str]) -> ExamFigures:
    """The test's figures over ``attempts``; percent figures are of each attempt's own maximum.

    The coefficient of internal consistency needs every attempt to hold every question
    (it compares the sum of the questions' variances with the variance of the totals), so it
    is None when learners were asked different questions.
    """
    s, p = len(attempts), len(questions)
    none = ExamFigures(s, p, None, None, None, None, None, None, None, None)
    if not s:
        return none
    percents = [100 * sum(a.values()) / len(a) if a else 0.0 for a in attempts]
    mean = _mean(percents)
    if s < 2:
        return ExamFigures(s, p, mean, median(percents), None, None, None, None, None, None)
    power2 = sum((x - mean) ** 2 for x in percents)
    power3 = sum((x - mean) ** 3 for x in percents)
    power4 = sum((x - mean) ** 4 for x in percents)
    sd = math.sqrt(power2 / (s - 1))
    skewness = kurtosis = cic = error_ratio = standard_error = None
    m2, m3, m4 = power2 / s, power3 / s, power4 / s
    k2 = s * m2 / (s - 1)
    if s > 2 and k2 > 0:
        k3 = s * s * m3 / ((s - 1) * (s - 2))
        skewness = k3 / k2**1.5
        if s > 3:
            k4 = s * s * ((s + 1) * m4 - 3 * (s - 1) * m2 * m2) / ((s - 1) * (s - 2) * (s - 3))
            kurtosis = k4 / (k2 * k2)
        same = all(set(a) == set(questions) for a in attempts)
        if p > 1 and same:
            totals = [sum(a.values()) for a in attempts]
            var_total = _cov(totals, totals)
            item_vars = sum(_cov(col, col) for col in ([a[q] for a in attempts] for q in questions))
            if var_total > 0:
                cic = 100 * p / (p - 1) * (1 - item_vars / var_total)
                if cic <= 100:
                    error_ratio = 100 * math.sqrt(1 - cic / 100)
                    standard_error = error_ratio * sd / 100
    return ExamFigures(s, p, mean, median(percents), sd, skewness, kurtosis, cic, error_ratio, standard_error)
