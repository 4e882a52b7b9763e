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


@pytest.mark.parametrize("value", ["1dd", "5 parsecs", "15 minutes or so", "0 times a day", "", 24, True, "P", "PT"])
def test_nonsense_is_refused_with_examples(value):
    with pytest.raises(ValueError, match="15m"):
        Duration.parse(value)


# What real public backup policies write, transcribed into a spec.
@pytest.mark.parametrize(
    "text, canonical",
    [
        ("once per quarter", "3mo"), ("once a quarter", "3mo"), ("Once per month", "1mo"), ("once per week", "1w"),
        ("once per day", "1d"), ("once per year", "1y"), ("once every 2 weeks", "2w"), ("once every two weeks", "2w"),
        ("twice a year", "6mo"), ("twice per year", "6mo"), ("three times a year", "4mo"), ("4 times per year", "3mo"),
        ("twice a week", "3d12h"), ("2x daily", "12h"), ("3 times a day", "8h"),
        ("at least weekly", "1w"), ("at least every 30 days", "30d"), ("at least once a year", "1y"),
        ("no less than monthly", "1mo"), ("within 365 days", "365d"), ("within 24 hours", "1d"),
        ("Within 30 calendar days.", "30d"), ("within an hour", "1h"), ("no more than 4 hours", "4h"), ("up to 72 hours", "3d"),
        ("every thirty (30) days", "30d"), ("thirty (30) days", "30d"), ("Three Hundred Sixty-Five (365) days", "365d"),
        ("every 24 hours", "1d"), ("each night", "1d"), ("every night", "1d"), ("every day", "1d"), ("each week", "1w"),
        ("every other week", "2w"), ("two weeks", "2w"), ("thirty days", "30d"), ("one year", "1y"),
        ("twenty-four hours", "1d"), ("ninety days", "90d"), ("every fortnight", "2w"), ("every quarter", "3mo"),
        ("<= 24 hours", "1d"), ("≤ 4h", "4h"), ("24 hours or less", "1d"), ("4 hours at most", "4h"),
        ("once in a month", "1mo"), ("once in a week", "1w"),
    ],
)
def test_accepts_what_written_policies_say(text, canonical):
    d = Duration.parse(text)
    assert not d.vague and str(d) == canonical
    assert Duration.parse(str(d)) == d


def test_twice_a_month_is_rounded_down_to_whole_days_not_made_looser():
    # Half an average month is 15.2 days; 2w would be a different promise (26 a year, not 24).
    assert str(Duration.parse("twice a month")) == str(Duration.parse("twice monthly")) == "15d"
    assert Duration.parse("twice a month") <= Duration.of("1mo") * 0.5


@pytest.mark.parametrize(
    "text", ["Minimal", "Next business day", "Some data loss is tolerated", "as soon as practicable",
             "Saturday night", "bimonthly", "once", "sometime"],
)
def test_wording_without_digits_is_kept_verbatim_as_vague(text):
    d = Duration.parse(text)
    assert d.vague and d.text == text and str(d) == text and d.human() == text
    assert d == Duration.parse(text) and d != Duration.of("1d") and hash(d) == hash(Duration.parse(text))
    assert d > Duration.of("100y")  # a vague promise never meets a limit
    with pytest.raises(ValueError, match="vague"):
        d.add_to(dt.date(2025, 1, 1))


@pytest.mark.parametrize("text", ["1 business day", "2 working days", "within 5 business days"])
def test_business_days_are_kept_as_written_not_refused(text):
    """How long "1 business day" is depends on the weekend it spans: it loads, kept verbatim, and is reported."""
    d = Duration.parse(text)
    assert d.vague and d.text == text


def test_refusal_says_in_one_line_what_is_accepted_and_that_words_are_kept():
    with pytest.raises(ValueError) as info:
        Duration.parse("1dd")
    message = str(info.value)
    assert "\n" not in message and message.startswith("'1dd' is not a duration")
    for part in ("number and unit", "ISO 8601", "cadence word", "once per quarter", "kept but reported"):
        assert part in message


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
