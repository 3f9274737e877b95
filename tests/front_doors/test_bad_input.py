"""Bad input through the hooks: each bad item gets its reason code, the rest of the batch lands."""

from __future__ import annotations

from typing import Any

import attrs
import pluggy
import pytest

from crosswatch_trakt.config import TraktConfig
from crosswatch_trakt.errors import ConfigError, InvalidInput
from crosswatch_trakt.hostspec import ApplyResult, HostContext
from crosswatch_trakt.testing import FakeTrakt
from crosswatch_trakt.testing.bench.bench_scenarios import host_item
from crosswatch_trakt.testing.emulator.catalog import Movie, Show


def apply(
    pm: pluggy.PluginManager,
    context: HostContext,
    feature: str,
    items: list[Any],
    kind: str = "add",
) -> ApplyResult:
    """Call the add (or remove) hook and check the accounting rule."""
    hook = pm.hook.apply_adds if kind == "add" else pm.hook.apply_removes
    result: ApplyResult = hook(
        provider="TRAKT", feature=feature, items=items, context=context, dry_run=False
    )
    keys = result["confirmed_keys"] + result["skipped_keys"]
    keys += [entry["key"] for entry in result["unresolved"]]
    assert len(keys) == len(set(keys)) == len(items)
    return result


def reason_of(result: ApplyResult) -> dict[str, str]:
    """Return ``{key: reason}`` of the unresolved items."""
    return {entry["key"]: entry["reason"] for entry in result["unresolved"]}


def films(fake: FakeTrakt, count: int, start: int = 0) -> list[Movie]:
    """Add ``count`` catalogue movies."""
    return [
        fake.catalog.add_movie(
            f"Input Film {i}", 2001, {"tmdb": 400_000 + i, "imdb": f"tt4{i:06d}"}
        )
        for i in range(start, start + count)
    ]


def good_key(movie: Movie) -> str:
    """Return the key the adapter gives a catalogue movie."""
    return f"movie:tmdb:{movie.ids['tmdb']}"


@pytest.mark.parametrize("bad", [0, 11, 7.5, "8", True, None, -1, float("nan")])
def test_bad_ratings_are_invalid_rating(
    pm: pluggy.PluginManager, fake_trakt: FakeTrakt, host_context: HostContext, bad: Any
) -> None:
    """A rating that is not an integer 1-10 is invalid_rating; the good rating beside it lands."""
    good, other = films(fake_trakt, 2)
    items = [{**host_item(good), "rating": 9}, {**host_item(other), "rating": bad}]
    result = apply(pm, host_context, "ratings", items)
    assert result["confirmed_keys"] == [good_key(good)]
    assert reason_of(result) == {good_key(other): "invalid_rating"}
    assert len(fake_trakt.users["alice"].ratings) == 1


WATCHED = {
    "missing": (None, "missing_watched_at"),
    "empty": ("", "missing_watched_at"),
    "unparseable": ("last tuesday", "invalid_watched_at"),
    "date_only": ("2025-05-01", "invalid_watched_at"),
    "number": (1714595460, "invalid_watched_at"),
    "bad_month": ("2025-13-01T10:00:00Z", "invalid_watched_at"),
}


@pytest.mark.parametrize("case", list(WATCHED))
def test_bad_watched_at(
    pm: pluggy.PluginManager, fake_trakt: FakeTrakt, host_context: HostContext, case: str
) -> None:
    """A play without a usable watched_at gets its reason; the good play beside it lands."""
    value, reason = WATCHED[case]
    good, other = films(fake_trakt, 2)
    bad_item = {**host_item(other), "watched_at": value}
    items = [{**host_item(good), "watched_at": "2025-05-01T20:31:00Z"}, bad_item]
    result = apply(pm, host_context, "history", items)
    assert result["confirmed_keys"] == [good_key(good) + "@2025-05-01T20:31Z"]
    assert list(reason_of(result).values()) == [reason]
    assert len(fake_trakt.users["alice"].history) == 1


def test_watched_at_with_offsets_and_in_the_future(
    pm: pluggy.PluginManager, fake_trakt: FakeTrakt, host_context: HostContext
) -> None:
    """Offsets are turned into UTC minutes; a future time is accepted as given (not clamped)."""
    a, b, c = films(fake_trakt, 3)
    items = [
        {**host_item(a), "watched_at": "2025-05-01T22:31:45+02:00"},
        {**host_item(b), "watched_at": "2025-05-01T20:31:45.123-05:30"},
        {**host_item(c), "watched_at": "2030-01-01T00:00:00Z"},
    ]
    result = apply(pm, host_context, "history", items)
    assert result["confirmed_keys"] == [
        good_key(a) + "@2025-05-01T20:31Z",
        good_key(b) + "@2025-05-02T02:01Z",
        good_key(c) + "@2030-01-01T00:00Z",
    ]
    again = apply(pm, attrs.evolve(host_context, run_id="run-2"), "history", items)
    assert again["skipped_keys"] == result["confirmed_keys"]  # same minutes: already there
    assert len(fake_trakt.users["alice"].history) == 3


def test_items_with_bad_identity(
    pm: pluggy.PluginManager, fake_trakt: FakeTrakt, host_context: HostContext
) -> None:
    """No ids, unknown types, non-mappings and bad shapes get their codes; good items land."""
    good, slugged = films(fake_trakt, 2)
    items: list[Any] = [
        host_item(good),
        {"type": "movie"},
        {"type": "movie", "ids": {"tmdb": 0, "imdb": "", "trakt": None}},
        {"type": "podcast", "ids": {"tmdb": 1}},
        {"ids": {"tmdb": 2}},
        "movie:tmdb:3",
        None,
        {"type": "movie", "ids": "tmdb:4"},
        {"type": "movie", "ids": {"slug": slugged.ids["slug"]}},
    ]
    result = apply(pm, host_context, "watchlist", items)
    assert result["confirmed_keys"] == [good_key(good), f"movie:slug:{slugged.ids['slug']}"]
    assert sorted(reason_of(result).values()) == [
        "invalid_item",
        "invalid_item",
        "invalid_item",
        "invalid_item",
        "invalid_item",
        "missing_ids",
        "missing_ids",
    ]
    assert len(fake_trakt.users["alice"].watchlist) == 2


def test_conflicting_ids_never_merge_two_titles(
    pm: pluggy.PluginManager, fake_trakt: FakeTrakt, host_context: HostContext
) -> None:
    """Ids of two different movies in one item write one movie at most, never both."""
    a, b, good = films(fake_trakt, 3)
    mixed = {"type": "movie", "ids": {"tmdb": a.ids["tmdb"], "imdb": b.ids["imdb"]}}
    items = [{**mixed, "rating": 5}, {**host_item(good), "rating": 6}]
    result = apply(pm, host_context, "ratings", items)
    assert good_key(good) in result["confirmed_keys"]
    assert len(fake_trakt.users["alice"].ratings) == 2


def test_conflicting_ids_of_two_indexed_items_are_not_skipped(
    pm: pluggy.PluginManager, fake_trakt: FakeTrakt, host_context: HostContext
) -> None:
    """An item whose ids name two different rated movies is reported, not silently skipped."""
    a, b = films(fake_trakt, 2)
    fake_trakt.rate("alice", a, 3)
    fake_trakt.rate("alice", b, 5)
    mixed = {"type": "movie", "ids": {"tmdb": a.ids["tmdb"], "imdb": b.ids["imdb"]}}
    result = apply(pm, host_context, "ratings", [{**mixed, "rating": 5}])
    assert result["skipped_keys"] == []
    assert result["confirmed_keys"] == []
    (entry,) = result["unresolved"]
    assert entry["reason"] == "conflicting_ids"
    assert fake_trakt.log_count(method="POST") == 0


def test_episodes_without_numbers_or_show_ids(
    pm: pluggy.PluginManager, fake_trakt: FakeTrakt, host_context: HostContext
) -> None:
    """Episodes that cannot be placed are missing_ids; number fallback is opt-in; good ones land."""
    show: Show = fake_trakt.catalog.add_show("Input Show", 2010, {"tvdb": 555_000}, {1: 3})
    ep1, ep2, ep3 = (show.episode(1, n) for n in (1, 2, 3))
    at = "2025-06-01T10:00:00Z"
    items = [
        {**host_item(ep1), "watched_at": at},
        {"type": "episode", "show_ids": {"tvdb": 555_000}, "watched_at": at},
        {"type": "episode", "season": 1, "episode": 2, "watched_at": at},
        {
            "type": "episode",
            "show_ids": {"tvdb": 555_000},
            "season": 1,
            "episode": 3,
            "watched_at": at,
        },
        {"type": "episode", "show_ids": {"tvdb": 555_000}, "season": "x", "episode": 3},
    ]
    result = apply(pm, host_context, "history", items)
    assert len(result["confirmed_keys"]) == 1
    assert sorted(reason_of(result).values()) == [
        "invalid_item",
        "missing_ids",
        "missing_ids",
        "missing_ids",
    ]
    fallback = attrs.evolve(
        host_context, run_id="run-2", pair={"features": {"history": {"number_fallback": True}}}
    )
    again = apply(pm, fallback, "history", items[3:4])
    assert again["confirmed_keys"] == ["show:tvdb:555000#s01e03@2025-06-01T10:00Z"]
    assert {p.media.trakt for p in fake_trakt.users["alice"].history.values()} == {
        ep1.trakt,
        ep3.trakt,
    }
    assert ep2.trakt not in {p.media.trakt for p in fake_trakt.users["alice"].history.values()}


def test_ten_thousand_items_in_one_call(
    pm: pluggy.PluginManager, fake_trakt: FakeTrakt, host_context: HostContext
) -> None:
    """10,000 ratings in one call go in chunks of 2,000 and each is accounted for exactly once."""
    movies = films(fake_trakt, 10_000)
    items = [
        {**host_item(m), "rating": 11 if i % 1000 == 0 else 1 + i % 10}
        for i, m in enumerate(movies)
    ]
    result = apply(pm, host_context, "ratings", items)
    assert len(result["confirmed_keys"]) == 9_990
    assert set(reason_of(result).values()) == {"invalid_rating"}
    assert len(fake_trakt.users["alice"].ratings) == 9_990
    assert fake_trakt.log_count(method="POST", path="/sync/ratings") == 5  # 9,990 / 2,000


def test_unicode_titles_round_trip(
    pm: pluggy.PluginManager, fake_trakt: FakeTrakt, host_context: HostContext
) -> None:
    """Unicode titles match by title and year, and come back unchanged in the snapshot."""
    titles = ["Amélie", "千と千尋の神隠し", "Ёжик в тумане", "🎬 Émoji — “quotes”"]
    for i, title in enumerate(titles):
        fake_trakt.catalog.add_movie(title, 2001, {"tmdb": 480_000 + i})
    items = [{"type": "movie", "title": t, "year": 2001} for t in titles]
    result = apply(pm, host_context, "watchlist", items)
    assert len(result["confirmed_keys"]) == 4
    assert result["confirmed_keys"][1] == "movie:title:千と千尋の神隠し|2001"
    snapshot = pm.hook.index_snapshot(
        provider="TRAKT", feature="watchlist", context=attrs.evolve(host_context, run_id="run-2")
    )
    assert sorted(item["title"] for item in snapshot.values()) == sorted(titles)


@pytest.mark.parametrize(
    "ids",
    [
        {"tmdb": "5" * 5000},
        {"tmdb": int("9" * 50)},
        {"imdb": "tt" + "1" * 5000},
        {"slug": "s" * 5000},
        {"plex": {"guid": "g" * 5000}},
    ],
)
@pytest.mark.parametrize("feature", ["watchlist", "ratings", "history"])
def test_huge_ids_are_invalid_ids(
    pm: pluggy.PluginManager,
    fake_trakt: FakeTrakt,
    host_context: HostContext,
    ids: dict[str, Any],
    feature: str,
) -> None:
    """An id of 5,000 digits is invalid_ids for that item; the good item beside it lands."""
    (good,) = films(fake_trakt, 1)
    extra: dict[str, Any] = {"rating": 7} if feature == "ratings" else {}
    if feature == "history":
        extra = {"watched_at": "2025-12-01T08:00:00Z"}
    bad = {"type": "movie", "title": "Huge", "year": 2001, "ids": ids, **extra}
    result = apply(pm, host_context, feature, [bad, {**host_item(good), **extra}])
    assert list(reason_of(result).values()) == ["invalid_ids"]
    assert len(result["confirmed_keys"]) == 1


@pytest.mark.parametrize(
    ("feature", "kind"), [("watchlist", "add"), ("ratings", "add"), ("history", "remove")]
)
def test_duplicate_keys_are_reported_with_the_kept_twin(
    pm: pluggy.PluginManager,
    fake_trakt: FakeTrakt,
    host_context: HostContext,
    feature: str,
    kind: str,
) -> None:
    """Two items with one key: the first is booked, the second is duplicate_input naming it.

    (Two history adds at one minute are two plays, ranked ``#2``; a history remove of one
    item twice is the duplicate.)
    """
    (film,) = films(fake_trakt, 1)
    first: dict[str, Any] = host_item(film)
    second: dict[str, Any] = host_item(film)
    if feature == "ratings":
        first, second = {**first, "rating": 8}, {**second, "rating": 7.5}
    result = apply(pm, host_context, feature, [first, second], kind=kind)
    dupes = [e for e in result["unresolved"] if e["reason"] == "duplicate_input"]
    (entry,) = dupes
    kept = entry["key"].removesuffix("~dup2")
    assert entry["key"] == f"{kept}~dup2"
    assert repr(kept) in entry["detail"]
    assert entry["item"] == second
    assert result["stats"]["duplicate_input"] == 1
    if kind == "add":
        assert result["confirmed_keys"] == [kept]


@pytest.mark.parametrize("history_id", [-5, "abc", 0, 1.5, "9" * 5000])
def test_bad_history_id_on_remove_is_invalid_ids(
    pm: pluggy.PluginManager, fake_trakt: FakeTrakt, host_context: HostContext, history_id: Any
) -> None:
    """A history remove whose trakt_history_id is not a positive whole number is invalid_ids."""
    (film,) = films(fake_trakt, 1)
    item = {**host_item(film), "trakt_history_id": history_id}
    result = apply(pm, host_context, "history", [item], kind="remove")
    assert list(reason_of(result).values()) == ["invalid_ids"]
    assert "trakt_history_id" in result["unresolved"][0]["detail"]


@pytest.mark.parametrize("items", [None, "movie", {"type": "movie"}, 5])
@pytest.mark.parametrize("kind", ["add", "remove"])
def test_items_that_are_not_a_list_are_a_typed_error(
    pm: pluggy.PluginManager, host_context: HostContext, items: Any, kind: str
) -> None:
    """items=None, a string, a mapping or a number is InvalidInput, never a bare TypeError."""
    hook = pm.hook.apply_adds if kind == "add" else pm.hook.apply_removes
    with pytest.raises(InvalidInput, match="items must be a list"):
        hook(
            provider="TRAKT", feature="watchlist", items=items, context=host_context, dry_run=False
        )


def test_items_as_a_tuple_or_generator_are_accepted(
    pm: pluggy.PluginManager, fake_trakt: FakeTrakt, host_context: HostContext
) -> None:
    """A tuple or a generator of items is as good as a list."""
    one, two = films(fake_trakt, 2)
    result = apply(pm, host_context, "watchlist", (host_item(one),))
    assert len(result["confirmed_keys"]) == 1
    hook = pm.hook.apply_adds
    result = hook(
        provider="TRAKT",
        feature="watchlist",
        items=(host_item(m) for m in [two]),
        context=host_context,
        dry_run=False,
    )
    assert len(result["confirmed_keys"]) == 1


@pytest.mark.parametrize("key", ["client_secret", "access_token", "refresh_token"])
@pytest.mark.parametrize("value", [12345678901, ["sekrit-value-1"], {"v": "sekrit-value-1"}])
def test_config_errors_never_repeat_a_secret(key: str, value: Any) -> None:
    """A malformed secret is named by its key and type, never by its value."""
    with pytest.raises(ConfigError) as raised:
        TraktConfig.from_mapping({"client_id": "cid", key: value})
    assert key in str(raised.value)
    assert "sekrit" not in str(raised.value)
    assert "12345678901" not in str(raised.value)
