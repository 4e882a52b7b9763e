"""Durations and cadences: what people write loads, and is written back canonically."""

import datetime as dt

import pytest

from workbench.spec.durations import Duration, find_vague


@pytest.mark.parametrize(
    "text, canonical",
    [
        ("15m", "15m"), ("4h", "4h"), ("1d", "1d"), ("2w", "2w"), ("3mo", "3mo"), ("7y", "7y"),
        ("PT15M", "15m"), ("P1Y", "1y"), ("P3M", "3mo"), ("P1D", "1d"), ("PT4H", "4h"), ("P7D", "1w"), ("35d", "35d"), ("P14D", "2w"),
        ("P1Y2M", "14mo"), ("PT1H30M", "90m"),
        ("hourly", "1h"), ("daily", "1d"), ("weekly", "1w"), ("monthly", "1mo"),
        ("quarterly", "3mo"), ("annually", "1y"), ("yearly", "1y"), ("semi-annually", "6mo"),
        ("continuous", "continuous"), ("every 2 weeks", "2w"), ("4 hours", "4h"), ("every day", "1d"),
        ("1.5h", "90m"), ("P1DT2H", "26h"), ("P3DT2H", "3d2h"), ("PT1H30M5S", "1h30m5s"), ("24 Hours", "1d"), ("18 months", "18mo"), ("12mo", "1y"),
    ],
)
def test_accepts_what_people_write(text, canonical):
    assert str(Duration.parse(text)) == canonical


@pytest.mark.parametrize("text", ["regularly", "as needed", "Periodically", "ad hoc", "best effort", "in a timely manner"])
def test_vague_words_are_kept_verbatim_and_marked(text):
    d = Duration.parse(text)
    assert d.vague
    assert str(d) == text


@pytest.mark.parametrize("value", ["sometime", "5 parsecs", "", 24, True, "P", "PT"])
def test_nonsense_is_refused_with_examples(value):
    with pytest.raises(ValueError, match="15m"):
        Duration.parse(value)


def test_canonical_form_parses_back_to_the_same_duration():
    for text in ["15m", "3mo", "1y", "continuous", "90m", "14mo", "1y3d"]:
        assert Duration.parse(str(Duration.parse(text))) == Duration.parse(text)


def test_comparisons_follow_length():
    assert Duration.of("15m") < Duration.of("1h") < Duration.of("1d") < Duration.of("1w") < Duration.of("1mo")
    assert Duration.of("daily") == Duration.of("24h") == Duration.of("P1D")
    assert Duration.of("12mo") == Duration.of("1y")
    assert Duration.of("regularly") > Duration.of("100y")  # vague never satisfies a limit


def test_calendar_arithmetic_clamps_month_ends():
    assert Duration.of("1mo").add_to(dt.date(2025, 1, 31)) == dt.date(2025, 2, 28)
    assert Duration.of("3mo").add_to(dt.date(2025, 11, 15)) == dt.date(2026, 2, 15)
    assert Duration.of("1y").add_to(dt.date(2024, 2, 29)) == dt.date(2025, 2, 28)
    assert Duration.of("2w").add_to(dt.date(2025, 6, 1)) == dt.date(2025, 6, 15)
    assert Duration.of("3mo").add_to(dt.date(2025, 1, 1), times=2) == dt.date(2025, 7, 1)


def test_human_wording_for_documents():
    assert Duration.of("3mo").human() == "3 months"
    assert Duration.of("1d").human() == "1 day"
    assert Duration.of("continuous").human() == "continuous"


def test_find_vague_quotes_phrases_as_written():
    assert find_vague("Backups are tested Regularly and restored as needed.") == ["Regularly", "as needed"]
    assert find_vague("Restore tests every 3 months.") == []
