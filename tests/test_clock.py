"""The one clock: TRIBUNE_NOW pins "today" for builds and tests."""

from datetime import datetime

import pytest

from tribune.clock import ClockError, now


def test_tribune_now_pins_the_instant(monkeypatch):
    monkeypatch.setenv("TRIBUNE_NOW", "2026-11-24T09:30")
    assert now("Europe/Paris").isoformat() == "2026-11-24T09:30:00+01:00"
    monkeypatch.setenv("TRIBUNE_NOW", "2026-07-01T12:00+00:00")
    assert now("Europe/Paris").isoformat() == "2026-07-01T14:00:00+02:00"


def test_without_tribune_now_it_is_the_current_time(monkeypatch):
    monkeypatch.delenv("TRIBUNE_NOW", raising=False)
    assert abs((now("UTC") - datetime.now(now("UTC").tzinfo)).total_seconds()) < 5


def test_a_bad_value_says_what_is_expected(monkeypatch):
    monkeypatch.setenv("TRIBUNE_NOW", "demain")
    with pytest.raises(ClockError, match="n’est pas une date ISO 8601"):
        now()
