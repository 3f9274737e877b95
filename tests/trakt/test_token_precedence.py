"""Which token pair wins: the newest by the state folder's record, never by expires_at alone."""

from __future__ import annotations

from typing import Any

import attrs

from crosswatch_trakt.hostspec import HostContext
from crosswatch_trakt.testing import FakeTrakt, VirtualClock
from crosswatch_trakt.trakt.account import AccountRegistry
from crosswatch_trakt.trakt.tokens import TOKENS_FILE, TokenSet, newest, spent_digest

ACTIVITIES = "/sync/last_activities"
FAR = 4_102_444_800  # 2100-01-01: a host may write any expiry


def rotated(host_context: HostContext, clock: VirtualClock) -> TokenSet:
    """Rotate the host's pair once through a first process; return the new pair (in the file)."""
    account = AccountRegistry().account_for(host_context)
    clock.advance(60)
    pair = account.tokens.refresh()
    account.close()
    return pair


def test_a_stale_host_pair_with_a_later_expiry_loses_to_the_rotated_pair(
    fake_trakt: FakeTrakt, host_context: HostContext, trakt_clock: VirtualClock
) -> None:
    """A host config still holding the spent pair (no created_at, far expiry) loses to the file."""
    new = rotated(host_context, trakt_clock)
    stale = {**host_context.config, "expires_at": FAR}
    stale.pop("token_created_at", None)
    context = attrs.evolve(host_context, config=stale)
    account = AccountRegistry().account_for(context)
    assert account.tokens.current() == new
    fake_trakt.clear_log()
    account.session.get_json(ACTIVITIES, feature="test")
    assert fake_trakt.log_count(path="/oauth/token") == 0
    assert fake_trakt.log_count(status=401) == 0


def test_a_new_host_login_without_created_at_wins_over_the_file(
    fake_trakt: FakeTrakt, host_context: HostContext, trakt_clock: VirtualClock
) -> None:
    """A pair the adapter never issued, from a host login, wins even with an earlier expiry."""
    rotated(host_context, trakt_clock)
    trakt_clock.advance(60)
    fresh = fake_trakt.issue_tokens("alice")
    config = {
        **host_context.config,
        "access_token": fresh["access_token"],
        "refresh_token": fresh["refresh_token"],
        "expires_at": 1,  # nonsense expiry: it decides nothing
    }
    config.pop("token_created_at", None)
    account = AccountRegistry().account_for(attrs.evolve(host_context, config=config))
    current = account.tokens.current()
    assert current is not None
    assert current.access_token == fresh["access_token"]


def test_the_token_file_records_spent_tokens_as_digests_only(
    host_context: HostContext, trakt_clock: VirtualClock
) -> None:
    """The rotated pair keeps a digest of the refresh token it spent, never the token itself."""
    spent = str(host_context.config["refresh_token"])
    new = rotated(host_context, trakt_clock)
    assert new.replaced == (spent_digest(spent),)
    text = (host_context.state_dir / TOKENS_FILE).read_text()
    assert spent not in text
    assert spent_digest(spent) in text


def test_newest_orders_dated_pairs_by_creation_and_ignores_expiry() -> None:
    """Between dated pairs the later creation wins, whatever their expiries say."""
    old = TokenSet("a1", "r1", created_at=100.0, expires_at=10_000.0)
    new = TokenSet("a2", "r2", created_at=200.0, expires_at=300.0)
    assert newest([old, new]) == new
    same = TokenSet("a2", "r2", created_at=None, expires_at=FAR)  # the host's copy of new
    assert newest([new, same]) == new
    assert newest([]) is None


def test_the_crosswatch_door_keeps_the_rotated_pair(
    fake_trakt: FakeTrakt, trakt_clock: VirtualClock, tmp_path: Any, trakt_tokens: dict[str, Any]
) -> None:
    """Through OPS: a CrossWatch config reverted to the spent pair still reads with the new one."""
    from crosswatch_trakt.crosswatch import TraktOps

    env = {"CONFIG_BASE": str(tmp_path / "config"), "CW_RUN_ID": "run-1"}
    ops = TraktOps(environ=lambda: env, clock=trakt_clock)
    section = {**fake_trakt.provider_config(tokens=trakt_tokens), "expires_at": 0}
    section.pop("token_created_at", None)
    cfg: dict[str, Any] = {"trakt": section}
    saved = dict(section)
    section["expires_at"] = int(trakt_clock.time()) + 10  # due: the first call rotates
    ops.build_index(cfg, feature="watchlist")
    assert fake_trakt.log_count(path="/oauth/token", status=200) == 1
    reverted = {"trakt": {**saved, "expires_at": FAR}}  # the host wrote back its old copy
    env["CW_RUN_ID"] = "run-2"
    fake_trakt.clear_log()
    ops.build_index(reverted, feature="ratings")
    assert fake_trakt.log_count(path="/oauth/token") == 0
    assert fake_trakt.log_count(status=401) == 0
