"""The request log, thread safety, the data builders, the clocks and the pytest fixtures."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import requests

from crosswatch_trakt.hostspec import HostContext
from crosswatch_trakt.testing import FakeTrakt, LoggedRequest, ScaledClock, VirtualClock
from crosswatch_trakt.testing.emulator.builders import generate_account, seed_demo


def test_request_log_records_and_counts(api, fake_trakt, trakt_clock):
    """Each request is logged with method, path, query, status and virtual time."""
    api.get("/sync/watchlist", page=1, limit=10)
    api.get("/sync/history")
    api.token = None
    api.get("/sync/history")
    first = fake_trakt.log[0]
    assert first == LoggedRequest(
        "GET", "/sync/watchlist", {"page": "1", "limit": "10"}, 200, trakt_clock.time(), "alice"
    )
    assert fake_trakt.log_count() == 3
    assert fake_trakt.log_count(path="/sync/history") == 2
    assert fake_trakt.log_count(status=401) == 1
    assert fake_trakt.log_count(method="get", path=re.compile(r"/sync/.*"), status=200) == 2
    fake_trakt.clear_log()
    assert fake_trakt.log == []


def test_concurrent_writes_are_all_applied(matrix):
    """Parallel requests from many threads are all applied (one lock around the state)."""
    fake = FakeTrakt(rate_limits=False)
    fake.add_user("alice")
    fake.catalog.add_movie(title="The Matrix", year=1999, ids={"tmdb": 603})
    with fake.serve():
        headers = fake.headers(fake.issue_tokens("alice")["access_token"])
        body = {"movies": [{"ids": {"tmdb": 603}}]}

        def post(_: int) -> int:
            url = fake.base_url + "/sync/history"
            return requests.post(url, json=body, headers=headers, timeout=5).status_code

        with ThreadPoolExecutor(max_workers=8) as pool:
            codes = list(pool.map(post, range(40)))
    assert codes == [201] * 40
    assert len(fake.users["alice"].history) == 40
    assert len({play.id for play in fake.users["alice"].history.values()}) == 40


def test_seed_demo_is_small_and_realistic():
    """The demo account has movies and shows with plays, ratings, watchlist and collection."""
    fake = FakeTrakt()
    seed_demo(fake, "alice")
    seed_demo(fake, "bob")  # the catalogue is shared, not duplicated
    alice = fake.users["alice"]
    assert len(fake.catalog.movies) == 10
    assert len(fake.catalog.shows) == 3
    assert len(alice.history) == 7 + 7
    assert {e.media.type for e in alice.watchlist.values()} == {"movie", "show", "season"}
    assert {e.media.type for e in alice.ratings.values()} == {"movie", "show", "season", "episode"}
    assert len(alice.collection) == 3
    assert len(fake.users["bob"].history) == 14


def test_generate_account_is_deterministic_with_the_asked_sizes():
    """The generator makes exactly the asked numbers and the same data for the same seed."""

    def build() -> FakeTrakt:
        fake = FakeTrakt(clock=VirtualClock())
        generate_account(
            fake, "bob", watchlist=300, ratings=500, plays=2000, movie_plays=400, seed=3
        )
        return fake

    one, two = build(), build()
    bob = one.users["bob"]
    assert (len(bob.watchlist), len(bob.ratings), len(bob.history)) == (300, 500, 2400)
    assert sum(p.media.type == "movie" for p in bob.history.values()) == 400
    stamps = [(p.media.trakt, p.watched_at) for p in bob.history.values()]
    assert stamps == [(p.media.trakt, p.watched_at) for p in two.users["bob"].history.values()]


def test_clocks_implement_the_clock_protocol():
    """VirtualClock sleeps instantly; ScaledClock runs faster than real time and can advance."""
    from crosswatch_trakt.support.clock import Clock

    clock = VirtualClock(start=100.0)
    clock.sleep(30)
    clock.advance(5)
    assert (clock.time(), clock.monotonic(), clock.slept) == (135.0, 135.0, [30])
    scaled = ScaledClock(factor=50.0, start=1000.0)
    scaled.advance(60)
    assert scaled.time() >= 1060.0
    assert isinstance(clock, Clock)
    assert isinstance(scaled, Clock)


def test_plugin_fixtures_point_at_the_emulator(fake_trakt, trakt_config, host_context, trakt_clock):
    """``trakt_config`` and ``host_context`` are ready to use against the running emulator."""
    assert trakt_config["base_url"] == trakt_config["auth_url"] == fake_trakt.base_url
    assert trakt_config["expires_at"] == int(trakt_clock.time()) + 7 * 86400
    assert isinstance(host_context, HostContext)
    assert host_context.clock is trakt_clock
    assert host_context.run_id == "run-1"
    headers = fake_trakt.headers(trakt_config["access_token"])
    r = requests.get(
        trakt_config["base_url"] + "/users/settings",
        headers=headers,
        timeout=trakt_config["timeout"],
    )
    assert r.json()["user"]["username"] == "alice"


def test_provider_config_logs_in_or_not(fake_trakt: FakeTrakt) -> None:
    """provider_config points the adapter at the emulator, with fresh tokens only when asked."""
    anonymous = fake_trakt.provider_config()
    assert anonymous["base_url"] == anonymous["auth_url"] == fake_trakt.base_url
    assert "access_token" not in anonymous
    config = fake_trakt.provider_config("alice")
    assert config["client_id"] == fake_trakt.client_id
    assert config["expires_at"] > fake_trakt.clock.time()
    response = requests.get(
        fake_trakt.base_url + "/users/settings",
        headers=fake_trakt.headers(config["access_token"]),
        timeout=5,
    )
    assert response.json()["user"]["username"] == "alice"
