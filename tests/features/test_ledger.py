"""The Ledger keeps the accounting rule: each input key booked exactly once."""

from __future__ import annotations

import pytest

from crosswatch_trakt.features.ledger import AccountingError, Ledger


def test_result_books() -> None:
    """Confirmed, skipped and unresolved keys come out in the ApplyResult in input order."""
    ledger = Ledger(dry_run=False)
    for key in ("a", "b", "c"):
        ledger.expect(key)
    ledger.skip("b")
    ledger.confirm("a")
    ledger.fail("c", {"type": "movie"}, "not_found", "Trakt did not match it")
    result = ledger.result()
    assert result["confirmed_keys"] == ["a"]
    assert result["skipped_keys"] == ["b"]
    assert result["unresolved"][0]["reason"] == "not_found"
    assert result["count"] == 1
    assert result["ok"] is False


def test_double_booking_refused() -> None:
    """Booking a key twice raises AccountingError instead of hiding the bug."""
    ledger = Ledger(dry_run=False)
    ledger.confirm("a")
    with pytest.raises(AccountingError):
        ledger.skip("a")


def test_unbooked_refused() -> None:
    """result() refuses to return while an expected key is unbooked."""
    ledger = Ledger(dry_run=True)
    ledger.expect("a")
    with pytest.raises(AccountingError, match="unbooked"):
        ledger.result()


def test_unknown_reason_refused() -> None:
    """A reason code outside hostspec.REASONS is refused."""
    with pytest.raises(AccountingError, match="reason"):
        Ledger(dry_run=False).fail("a", None, "because", "")


def test_repeats_cost_constant_probes_each(monkeypatch: pytest.MonkeyPatch) -> None:
    """5,000 repeats of one key are booked with a bounded number of probes each (linear time)."""
    probes = 0
    real = Ledger.is_booked

    def counted(self: Ledger, key: str) -> bool:
        nonlocal probes
        probes += 1
        return real(self, key)

    monkeypatch.setattr(Ledger, "is_booked", counted)
    ledger = Ledger(dry_run=False)
    ledger.expect("movie:tmdb:1", 0)
    ledger.confirm("movie:tmdb:1")
    for at in range(1, 5000):
        ledger.duplicate("movie:tmdb:1", {}, at)
    assert probes <= 5 * 5000
    result = ledger.result()
    assert len(result["unresolved"]) == 4999
    assert result["unresolved"][-1]["key"] == "movie:tmdb:1~dup5000"


def test_repeat_numbers_step_over_an_input_key_of_that_shape() -> None:
    """An input key that looks like a repeat's (k~dup2) is never booked twice."""
    ledger = Ledger(dry_run=False)
    ledger.expect("k", 0)
    ledger.expect("k~dup2", 1)
    ledger.duplicate("k", {}, 2)
    ledger.duplicate("k", {}, 3)
    assert list(ledger.unresolved) == ["k~dup3", "k~dup4"]
