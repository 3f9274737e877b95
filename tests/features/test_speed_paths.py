"""Every fast path gives exactly what the general path gives (docs/performance.md)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crosswatch_trakt.features.history.cache import (
    HistoryIndexDoc,
    KindCache,
    PlayIndex,
)
from crosswatch_trakt.features.history.rows import play_row, row_host, row_play
from crosswatch_trakt.media import keys, models, traktrows
from crosswatch_trakt.media.hostitems import media_to_host, play_to_host
from crosswatch_trakt.media.keys import (
    KEY_PRIORITY,
    has_item_key,
    item_key,
    normal_values,
    normalize_ids,
    play_keys,
    rank_keys,
    remembered_ids,
)
from crosswatch_trakt.media.models import Ids, MediaRef, Play, normal_ids, normal_play, with_minute
from crosswatch_trakt.support import converter, dates

UTC = timezone.utc
ZONES = [None, UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-5, minutes=-30))]

# -- strategies ------------------------------------------------------------------------

NAMES = st.sampled_from(
    ["trakt", "slug", "imdb", "tmdb", "tvdb", "tvrage", "Trakt", " imdb", "plex", "TMDB", 7]
)
JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 10**8),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["", "0", " 12 ", "603", "tt0133093", "TT0133093", "tt0", "tt", "ttx1"]),
    st.sampled_from(["breaking-bad", "Breaking-Bad", " slug", "s\u0130", "\u00df", "x y"]),
    st.text(max_size=6),
    st.dictionaries(st.sampled_from(["guid", "Slug"]), st.text(max_size=3), max_size=2),
)
#: ids as Trakt sends them: the standard names, normal values or nulls (the fast path)
NORMALISH = st.fixed_dictionaries(
    {"trakt": st.one_of(st.integers(1, 10**8), st.none())},
    optional={
        "slug": st.one_of(st.none(), st.sampled_from(["breaking-bad", "the-matrix-1999", "x"])),
        "imdb": st.one_of(st.none(), st.from_regex(r"tt[0-9]{1,9}", fullmatch=True)),
        "tmdb": st.one_of(st.none(), st.integers(1, 10**8), st.integers(-1, 0)),
        "tvdb": st.one_of(st.none(), st.integers(1, 10**8)),
        "tvrage": st.none(),
    },
)
RAW_IDS = st.one_of(NORMALISH, st.dictionaries(NAMES, JUNK, max_size=6))
IDS = st.builds(
    Ids,
    trakt=st.one_of(st.none(), st.integers(1, 10**6)),
    slug=st.one_of(st.none(), st.sampled_from(["a", "breaking-bad"])),
    imdb=st.one_of(st.none(), st.sampled_from(["tt1", "tt0133093"])),
    tmdb=st.one_of(st.none(), st.integers(1, 10**6)),
    tvdb=st.one_of(st.none(), st.integers(1, 10**6)),
    other=st.dictionaries(
        st.sampled_from(["tvrage", "plex.guid", "plex.slug", "trakt"]),
        st.one_of(st.integers(1, 9), st.text(min_size=1, max_size=3)),
        max_size=2,
    ),
)
MEDIA = st.builds(
    MediaRef,
    type=st.sampled_from(["movie", "show", "season", "episode"]),
    ids=IDS,
    title=st.one_of(st.none(), st.sampled_from(["", "  ", "The Matrix", " Breaking  Bad "])),
    year=st.one_of(st.none(), st.integers(1900, 2030)),
    show_ids=st.one_of(st.none(), IDS),
    show_title=st.one_of(st.none(), st.just("Show")),
    season=st.one_of(st.none(), st.integers(0, 30)),
    episode=st.one_of(st.none(), st.integers(0, 300)),
)
DATETIMES = st.builds(
    lambda when, zone: when.replace(tzinfo=zone),
    st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)),
    st.sampled_from(ZONES),
)
PLAYS = st.builds(
    Play,
    media=MEDIA.map(
        lambda m: attrs.evolve(
            m,
            ids=normalize_ids(m.ids.as_dict()),
            show_ids=None if m.show_ids is None else normalize_ids(m.show_ids.as_dict()),
        )
    ).filter(lambda m: item_key(m) is not None),
    watched_at=st.one_of(DATETIMES, st.just("released")),
    action=st.one_of(st.none(), st.sampled_from(["watch", "scrobble", "checkin"])),
    history_id=st.one_of(st.none(), st.integers(1, 10**12)),
)


def trakt_stamp(when: datetime) -> str:
    """Render ``when`` as Trakt does (the reference, not the code under test)."""
    utc = when.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


# -- ids -------------------------------------------------------------------------------


@settings(max_examples=200)
@given(RAW_IDS)
def test_normalize_ids_fast_equals_general(raw: dict[Any, Any]) -> None:
    """normalize_ids (fast path or not, remembered or not) equals the general path exactly."""
    general = keys._normalize_ids(raw)
    fast = normalize_ids(raw)
    assert fast == general
    assert dict(fast.other) == dict(general.other)
    assert hash(fast) == hash(general)
    assert normalize_ids(raw, remember=True) == general
    values = normal_values(raw)
    if values is not None:
        assert normal_ids(*values) == general
        assert remembered_ids(values) == general


@pytest.mark.parametrize("odd", [True, 1.0, False, 0.0])
def test_remembered_ids_never_confuse_equal_values_of_other_types(odd: object) -> None:
    """True and 1.0 equal 1 as dict keys, but never get the remembered ids of 1."""
    assert normalize_ids({"trakt": 1}, remember=True) == Ids(trakt=1)
    assert normalize_ids({"trakt": odd}, remember=True) == keys._normalize_ids({"trakt": odd})


@given(IDS)
def test_ids_renderings_equal_the_reference(ids: Ids) -> None:
    """Ids.standard, flat and as_dict give what the plain definitions give, in the same order."""
    values = (ids.trakt, ids.slug, ids.imdb, ids.tmdb, ids.tvdb)
    standard = {n: v for n, v in zip(models.ID_NAMESPACES, values, strict=True) if v is not None}
    assert list(ids.standard().items()) == list(standard.items())
    assert list(ids.flat().items()) == list({**standard, **ids.other}.items())
    nested: dict[str, Any] = dict(standard)
    for name, value in ids.other.items():
        head, dot, tail = name.partition(".")
        if dot:
            nested.setdefault(head, {})[tail] = value
        else:
            nested[name] = value
    assert ids.as_dict() == nested


def test_normal_ids_equals_the_constructor() -> None:
    """The trusted Ids constructor gives an equal, equally hashed, frozen Ids."""
    fast, slow = normal_ids(1, "a", "tt1", 2, 3), Ids(1, "a", "tt1", 2, 3)
    assert (fast, hash(fast), repr(fast)) == (slow, hash(slow), repr(slow))
    with pytest.raises(AttributeError):
        fast.trakt = 2  # type: ignore[misc]


# -- keys ------------------------------------------------------------------------------


def reference_item_key(media: MediaRef) -> str | None:
    """item_key as first written: the priority list and the generic numbers."""
    numbers = keys._numbers(media)
    show = keys._best_general(media.show_ids) if numbers else None
    if show is not None and numbers is not None:
        return f"show:{show}{numbers}"
    own = keys._best_general(media.ids)
    if own is not None:
        return f"{media.type}:{own}"
    return keys.title_token(media)


@settings(max_examples=200)
@given(MEDIA)
def test_item_key_and_has_item_key_equal_the_reference(media: MediaRef) -> None:
    """item_key, the unrolled priority and has_item_key agree with the reference."""
    assert KEY_PRIORITY == ("tmdb", "imdb", "tvdb", "trakt", "slug")
    assert keys._best(media.ids) == keys._best_general(media.ids)
    assert item_key(media) == reference_item_key(media)
    assert has_item_key(media) is (reference_item_key(media) is not None)


@given(st.one_of(DATETIMES, st.just("released")))
def test_minute_stamp_and_format_datetime_equal_strftime(when: datetime | str) -> None:
    """The cached-day renderings equal strftime for any date-time, any zone, any year."""
    if isinstance(when, str):
        assert keys.minute_stamp("released") == "released"
        return
    assert keys.minute_stamp(when) == with_minute(when).strftime("%Y-%m-%dT%H:%MZ")
    if when.tzinfo is not None:
        assert dates.format_datetime(when) == trakt_stamp(when)


@given(st.lists(st.tuples(st.integers(0, 3), st.one_of(st.none(), st.integers(1, 9)))))
def test_rank_keys_equals_the_grouping_reference(plays: list[tuple[int, int | None]]) -> None:
    """rank_keys numbers repeats as the original grouping did (#2, #3 by history id)."""
    bases = [f"movie:tmdb:{item}@2024-05-01T20:31Z" for item, _ in plays]
    history_ids = [hid for _, hid in plays]
    expected = list(bases)
    groups: dict[str, list[int]] = {}
    for index, base in enumerate(bases):
        groups.setdefault(base, []).append(index)
    for base, members in groups.items():
        ranked = sorted(
            members,
            key=lambda i: (1, 0, i) if history_ids[i] is None else (0, history_ids[i], i),
        )
        for rank, index in enumerate(ranked[1:], start=2):
            expected[index] = f"{base}#{rank}"
    assert rank_keys(bases, history_ids) == expected


# -- date-times ------------------------------------------------------------------------


@settings(max_examples=200)
@given(
    st.one_of(
        DATETIMES.filter(lambda d: d.tzinfo is not None).map(trakt_stamp),
        DATETIMES.map(lambda d: d.isoformat()),
        st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:. ]{12}[Zz]", fullmatch=True),
        st.text(max_size=26),
    )
)
def test_parse_datetime_fast_equals_general(text: str) -> None:
    """parse_datetime's fast path gives the general result, or the general error."""
    try:
        expected: datetime | type[ValueError] = dates._parse_datetime(text)
    except ValueError:
        expected = ValueError
    try:
        got: datetime | type[ValueError] = dates.parse_datetime(text)
    except ValueError:
        got = ValueError
    assert got == expected
    if isinstance(got, datetime) and isinstance(expected, datetime):
        assert got.tzinfo is expected.tzinfo is UTC


@given(DATETIMES)
def test_with_minute_and_play_time_equal_the_reference(when: datetime) -> None:
    """with_minute and the Play converter's shortcut equal the full conversion."""
    aware = when if when.tzinfo is not None else when.replace(tzinfo=UTC)
    expected = aware.astimezone(UTC).replace(second=0, microsecond=0)
    assert with_minute(when) == expected
    assert with_minute(when).tzinfo is UTC
    media = MediaRef("movie", Ids(tmdb=1))
    play = Play(media, when, "watch", 5)
    assert play.watched_at == expected
    assert normal_play(media, aware.astimezone(UTC), "watch", 5) == play


# -- Trakt rows ------------------------------------------------------------------------

SHOW = {"title": "Breaking Bad", "year": 2008, "ids": {"trakt": 1388, "tvdb": 81189}}
ROW_VALUES = st.one_of(
    st.none(), st.integers(-1, 5), st.just(True), st.just("x"), st.just([]), st.just({})
)


@st.composite
def history_rows(draw: st.DrawFn) -> Any:
    """Trakt history rows: mostly well formed, some with one field spoiled."""
    when = draw(DATETIMES.filter(lambda d: d.tzinfo is not None and d.year >= 1000))
    kind = draw(st.sampled_from(["movie", "episode"]))
    row: dict[str, Any] = {
        "id": draw(st.integers(1, 10**10)),
        "watched_at": when.isoformat() if draw(st.integers(0, 3)) == 3 else trakt_stamp(when),
        "action": draw(st.sampled_from(["watch", "scrobble", None, 3])),
        "type": kind,
    }
    if kind == "movie":
        row["movie"] = {
            "title": draw(st.sampled_from(["The Matrix", "The Matrix", None, "", 5])),
            "year": draw(st.sampled_from([1999, 1999, None, "1999"])),
            "ids": draw(st.one_of(NORMALISH, NORMALISH, RAW_IDS)),
        }
    else:
        row["episode"] = {
            "season": draw(st.integers(0, 3)),
            "number": draw(st.integers(0, 12)),
            "title": draw(st.sampled_from(["Pilot", None])),
            "ids": draw(st.one_of(NORMALISH, NORMALISH, RAW_IDS)),
        }
        row["show"] = draw(st.sampled_from([SHOW, SHOW, SHOW, {**SHOW, "ids": {"slug": "B-B"}}]))
    if draw(st.integers(0, 3)) == 3:
        target = draw(st.sampled_from([row, row.get("movie") or row["episode"]]))
        target[draw(st.sampled_from(sorted(target)))] = draw(ROW_VALUES)
    return row


def outcome(function: Any, row: Any) -> Any:
    """Return what ``function(row)`` gives, or the error it raises (type and text)."""
    try:
        return function(row)
    except (ValueError, TypeError) as exc:
        return (type(exc), str(exc))


@settings(max_examples=200)
@given(history_rows())
def test_history_row_fast_equals_general(row: dict[str, Any]) -> None:
    """A history row gives the same play (or the same error) by the fast and the general path."""
    fast = traktrows._history_row_fast(row)
    general = outcome(traktrows._history_row, row)
    if fast is not None:
        assert fast == general
        assert keys.play_keys([fast]) == keys.play_keys([general])
    assert outcome(traktrows.trakt_history_row, row) == general


#: a well-formed episode row, as Trakt sends it
EPISODE_ROW: dict[str, Any] = {
    "id": 1,
    "watched_at": "2024-05-01T20:31:07.000Z",
    "action": "watch",
    "type": "episode",
    "episode": {"season": 1, "number": 2, "ids": {"trakt": 62085, "tvdb": 349232}},
    "show": SHOW,
}


def test_history_rows_of_one_show_share_its_ids() -> None:
    """Two episodes of one show share one Ids for the show (equal to freshly built ones)."""
    row = EPISODE_ROW
    first = traktrows.trakt_history_row(row)
    other = {**row, "id": 2, "episode": {"season": 1, "number": 3, "ids": {"trakt": 62086}}}
    again = traktrows.trakt_history_row(json.loads(json.dumps(other)))
    assert first.media.show_ids is again.media.show_ids
    assert first.media == traktrows._history_row(row).media
    assert first.watched_at == datetime(2024, 5, 1, 20, 31, tzinfo=UTC)


# -- host items ------------------------------------------------------------------------


@settings(max_examples=200)
@given(PLAYS)
def test_play_to_host_equals_the_reference(play: Play) -> None:
    """play_to_host builds, in one go, the dict media_to_host + the play's fields gave."""
    at = play.watched_at
    expected = {
        **media_to_host(play.media),
        "watched_at": at if isinstance(at, str) else trakt_stamp(at),
        "action": play.action,
        "trakt_history_id": play.history_id,
    }
    got = play_to_host(play)
    assert list(got.items()) == list(expected.items())


# -- the history cache -----------------------------------------------------------------


@settings(max_examples=200)
@given(PLAYS.filter(lambda p: p.watched_at == "released" or p.watched_at.year >= 1000))
def test_cached_row_gives_back_the_play_and_its_host_item(play: Play) -> None:
    """A stored row (as JSON) rebuilds an equal play, and its host item is play_to_host's."""
    row = json.loads(json.dumps(play_row(play)))
    assert row_play(row) == play
    assert list(row_host(row).items()) == list(play_to_host(play).items())
    assert row[3] == keys.play_key(play.media, play.watched_at)


@settings(max_examples=50)
@given(st.lists(PLAYS.filter(lambda p: p.watched_at != "released"), max_size=12))
def test_loaded_cache_snapshot_equals_the_play_index(plays: list[Play]) -> None:
    """The snapshot served from stored rows equals PlayIndex's, and owns its host items."""
    plays = [p for p in plays if p.watched_at.year >= 1000]  # type: ignore[union-attr]
    movies = [p for p in plays if p.media.type == "movie"]
    others = [p for p in plays if p.media.type != "movie"]
    doc = HistoryIndexDoc(KindCache("m", movies), KindCache("e", others))
    stored = json.loads(json.dumps(converter.unstructure(doc)))
    loaded = converter.structure(stored, HistoryIndexDoc)
    expected = PlayIndex.of(doc.plays()).snapshot()
    assert loaded.snapshot() == expected == doc.snapshot()
    assert list(loaded.snapshot()) == list(expected) == play_keys_of(doc)
    for item in loaded.snapshot().values():
        item["ids"]["tmdb"] = -1  # a host changing its items changes nothing cached
    assert loaded.snapshot() == expected
    assert loaded.plays() == doc.plays()
    assert json.loads(json.dumps(converter.unstructure(loaded))) == stored


def play_keys_of(doc: HistoryIndexDoc) -> list[str]:
    """Return the play keys of every play of ``doc``, in order."""
    return play_keys(doc.plays())
