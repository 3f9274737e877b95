"""Canonical keys, play keys, aliases and id normalisation (DESIGN section 3)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crosswatch_trakt.media.hostitems import host_item_key
from crosswatch_trakt.media.keys import (
    aliases,
    item_key,
    minute_stamp,
    normalize_ids,
    play_key,
    play_keys,
    same_media,
)
from crosswatch_trakt.media.models import Ids, MediaRef, Play

UTC = timezone.utc
MATRIX = MediaRef("movie", Ids(trakt=481, slug="the-matrix-1999", imdb="tt0133093", tmdb=603))
BB = Ids(trakt=1388, slug="breaking-bad", imdb="tt0903747", tmdb=1396, tvdb=81189)


def episode(ids: Ids | None = None, show: Ids | None = BB, s: int = 1, e: int = 2) -> MediaRef:
    return MediaRef("episode", ids or Ids(), show_ids=show, season=s, episode=e)


@pytest.mark.parametrize(
    ("media", "key"),
    [
        (MediaRef("movie", Ids(tmdb=603)), "movie:tmdb:603"),
        (MediaRef("show", Ids(tvdb=81189)), "show:tvdb:81189"),
        (MediaRef("season", show_ids=Ids(tvdb=81189), season=1), "show:tvdb:81189#s01"),
        (episode(show=Ids(tvdb=81189)), "show:tvdb:81189#s01e02"),
        (MediaRef("episode", Ids(tvdb=349232)), "episode:tvdb:349232"),
    ],
)
def test_design_examples(media: MediaRef, key: str) -> None:
    """The item keys of DESIGN section 3 come out exactly as written there."""
    assert item_key(media) == key


def test_design_play_key_example() -> None:
    """A play key is the item key, '@' and watched_at to the minute in UTC."""
    when = datetime(2024, 5, 1, 22, 31, 59, tzinfo=timezone(timedelta(hours=2)))
    assert play_key(MediaRef("movie", Ids(tmdb=603)), when) == "movie:tmdb:603@2024-05-01T20:31Z"


@pytest.mark.parametrize(
    ("ids", "key"),
    [
        (Ids(trakt=1, slug="x", imdb="tt1", tmdb=2, tvdb=3), "show:tmdb:2"),
        (Ids(trakt=1, slug="x", imdb="tt1", tvdb=3), "show:imdb:tt1"),
        (Ids(trakt=1, slug="x", tvdb=3), "show:tvdb:3"),
        (Ids(trakt=1, slug="x"), "show:trakt:1"),
        (Ids(slug="x"), "show:slug:x"),
    ],
)
def test_id_priority(ids: Ids, key: str) -> None:
    """The key takes the first id present in the order tmdb > imdb > tvdb > trakt > slug."""
    assert item_key(MediaRef("show", ids)) == key


@pytest.mark.parametrize("media_type", ["movie", "show", "season", "episode"])
def test_type_always_in_key(media_type: str) -> None:
    """Every key, whatever form it takes, starts with a media type."""
    media = MediaRef(media_type, Ids(trakt=7), title="x")  # type: ignore[arg-type]
    key = item_key(media)
    assert key is not None
    assert key.split(":", 1)[0] == media_type


def test_episode_prefers_show_form() -> None:
    """An episode with its own ids and show ids + numbers is keyed in the show form."""
    assert item_key(episode(Ids(tvdb=349232))) == "show:tmdb:1396#s01e02"


def test_episode_without_numbers_uses_own_ids() -> None:
    """An episode with show ids but no episode number falls back to its own ids."""
    media = MediaRef("episode", Ids(trakt=73482), show_ids=BB, season=1)
    assert item_key(media) == "episode:trakt:73482"


def test_numbers_pad_and_season_zero() -> None:
    """Numbers pad to two digits, grow past 99, and season 0 (specials) is kept."""
    assert item_key(episode(s=0, e=123)) == "show:tmdb:1396#s00e123"


def test_title_fallback() -> None:
    """A movie or show without ids is keyed by its lowercased, space-collapsed title and year."""
    assert item_key(MediaRef("movie", title=" The  Matrix", year=1999)) == (
        "movie:title:the matrix|1999"
    )
    assert item_key(MediaRef("show", title="Lost")) == "show:title:lost|"


def test_no_ids_no_key() -> None:
    """An item with neither ids nor a usable title has no key; episodes never use titles."""
    assert item_key(MediaRef("movie")) is None
    assert item_key(MediaRef("movie", title="  ")) is None
    assert item_key(MediaRef("episode", title="Pilot", season=1, episode=1)) is None
    with pytest.raises(ValueError, match="no play key"):
        play_key(MediaRef("movie"), "released")


def test_normalize_ids() -> None:
    """imdb gets tt, numbers become ints, empty and zero values and junk are dropped."""
    ids = normalize_ids(
        {
            "trakt": "481",
            "imdb": "0133093",
            "tmdb": 603,
            "tvdb": 0,
            "slug": " The-Matrix ",
            "tvrage": "",
            "plex": {"guid": "plex://movie/5d77", "slug": None},
            "custom": "0",
            "other": True,
        }
    )
    assert ids == Ids(
        trakt=481,
        slug="the-matrix",
        imdb="tt0133093",
        tmdb=603,
        other={"plex.guid": "plex://movie/5d77"},
    )


@pytest.mark.parametrize(
    ("raw", "imdb"),
    [
        ("tt0133093", "tt0133093"),
        ("TT0133093", "tt0133093"),
        (133093, "tt0133093"),
        ("133093", "tt0133093"),
        ("nm0000206", None),
        ("tt", None),
        ("0", None),
        (None, None),
    ],
)
def test_normalize_imdb(raw: object, imdb: str | None) -> None:
    """An imdb id is 'tt' plus at least seven digits, or absent."""
    assert normalize_ids({"imdb": raw}).imdb == imdb


@pytest.mark.parametrize("raw", [None, 0, "0", "", "abc", -3, 1.5, True, "²"])
def test_numeric_junk_dropped(raw: object) -> None:
    """A numeric namespace with a null, zero, negative or non-integer value is absent."""
    assert normalize_ids({"tmdb": raw, "trakt": raw, "tvrage": raw}).is_empty()


def test_numeric_other_namespace() -> None:
    """tvrage is numeric too and is stored as an int among the other ids."""
    assert normalize_ids({"tvrage": "1234"}).other == {"tvrage": 1234}
    assert normalize_ids(None) == Ids()


def test_aliases_movie() -> None:
    """A movie's aliases are one token per id namespace, type included."""
    assert aliases(MATRIX) == {
        "movie:tmdb:603",
        "movie:imdb:tt0133093",
        "movie:trakt:481",
        "movie:slug:the-matrix-1999",
    }


def test_aliases_episode() -> None:
    """An episode's aliases hold its own-id tokens and the show token + SxxEyy per show id."""
    tokens = aliases(episode(Ids(tvdb=349232, trakt=73482)))
    assert {"episode:tvdb:349232", "episode:trakt:73482"} <= tokens
    for token in ("tmdb:1396", "imdb:tt0903747", "tvdb:81189", "trakt:1388", "slug:breaking-bad"):
        assert f"show:{token}#s01e02" in tokens


def test_tmdb_movie_and_show_never_collide() -> None:
    """A tmdb movie and a tmdb show with the same number have different keys and aliases."""
    movie, show = MediaRef("movie", Ids(tmdb=1396)), MediaRef("show", Ids(tmdb=1396))
    assert item_key(movie) != item_key(show)
    assert aliases(movie).isdisjoint(aliases(show))
    assert not same_media(movie, show)


def test_same_media_on_any_shared_id() -> None:
    """Two records of one movie match on any shared id, whatever their key ids are."""
    assert same_media(
        MediaRef("movie", Ids(tmdb=603, trakt=481)), MediaRef("movie", Ids(trakt=481))
    )
    assert same_media(episode(Ids(tvdb=349232)), episode(show=Ids(tvdb=81189)))


def test_two_trakt_ids_never_merge() -> None:
    """Items with different Trakt ids never match, even when another id is shared."""
    a, b = MediaRef("movie", Ids(trakt=1, tmdb=603)), MediaRef("movie", Ids(trakt=2, tmdb=603))
    assert not same_media(a, b)
    ea = episode(Ids(tvdb=5), show=Ids(trakt=1, tvdb=81189))
    eb = episode(Ids(tvdb=5), show=Ids(trakt=2, tvdb=81189))
    assert not same_media(ea, eb)


def test_play_keys_same_minute() -> None:
    """Plays of one item in one minute get #2, #3 by history id ascending; others stay plain."""
    when = datetime(2024, 5, 1, 20, 31, tzinfo=UTC)
    plays = [
        Play(MATRIX, when + timedelta(seconds=40), history_id=30),
        Play(MATRIX, when, history_id=10),
        Play(MATRIX, when + timedelta(minutes=1), history_id=5),
        Play(MATRIX, when, history_id=None),
        Play(MATRIX, when + timedelta(seconds=5), history_id=20),
    ]
    base = "movie:tmdb:603@2024-05-01T20:31Z"
    assert play_keys(plays) == [
        f"{base}#3",
        base,
        "movie:tmdb:603@2024-05-01T20:32Z",
        f"{base}#4",
        f"{base}#2",
    ]


@given(st.lists(st.integers(1, 10**9), unique=True, max_size=8), st.randoms())
def test_play_keys_order_independent(history_ids: list[int], rnd: object) -> None:
    """The keys assigned to same-minute plays do not depend on the order they come in."""
    when = datetime(2024, 5, 1, 20, 31, tzinfo=UTC)
    plays = [Play(MATRIX, when, history_id=h) for h in history_ids]
    shuffled = list(plays)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    first = dict(zip(plays, play_keys(plays), strict=True))
    assert dict(zip(shuffled, play_keys(shuffled), strict=True)) == first
    assert len(set(first.values())) == len(plays)


def test_minute_stamp_released() -> None:
    """A 'released' play keys as '@released' and naive times count as UTC."""
    assert minute_stamp("released") == "released"
    assert minute_stamp(datetime(2024, 1, 2, 3, 4, 59)) == "2024-01-02T03:04Z"


def test_host_item_key() -> None:
    """host_item_key keys a host dict, and gives None for an unkeyable or invalid one."""
    item = {"type": "episode", "ids": {"tvdb": "349232"}, "show_ids": {"tvdb": 81189}}
    assert host_item_key({**item, "season": 1, "episode": 2}) == "show:tvdb:81189#s01e02"
    assert host_item_key(item) == "episode:tvdb:349232"
    assert host_item_key({"type": "movie"}) is None
    assert host_item_key({"type": "film", "ids": {"tmdb": 1}}) is None
