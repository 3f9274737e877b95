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
