"""Canonical item keys, play keys and id aliases (pure functions; see ``docs/keys.md``).

- ``normalize_ids`` cleans a raw ids mapping once: imdb gets its ``tt`` prefix, numeric
  namespaces become ints, null/0/""/"0" and unparseable values are dropped.
- ``item_key`` gives the one key of an item, media type always in it, by id priority
  tmdb > imdb > tvdb > trakt > slug: ``movie:tmdb:603``, ``show:tvdb:81189#s01e02``,
  ``episode:tvdb:349232``, or the weak ``movie:title:the matrix|1999`` fallback.
- ``play_key``/``play_keys`` key history plays to the minute, with ``#2``, ``#3`` for
  further plays of one item in one minute (by history id ascending).
- ``aliases`` gives every strong token of an item; ``same_media`` matches on any shared
  token but never merges two different Trakt ids.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Literal

from crosswatch_trakt.models import ID_NAMESPACES, Ids, MediaRef, Play, with_minute

__all__ = [
    "KEY_PRIORITY",
    "aliases",
    "host_item_key",
    "item_key",
    "minute_stamp",
    "normalize_ids",
    "play_key",
    "play_keys",
    "same_media",
]

#: Id namespaces in key priority order (CrossWatch's planner uses the same).
KEY_PRIORITY: tuple[str, ...] = ("tmdb", "imdb", "tvdb", "trakt", "slug")
#: Namespaces whose values are integers.
NUMERIC_NAMESPACES = frozenset({"trakt", "tmdb", "tvdb", "tvrage"})
_IMDB = re.compile(r"tt[0-9]+")


def _digits(text: str) -> bool:
    return text.isascii() and text.isdecimal()


def _positive_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and _digits(value.strip()):
        value = int(value.strip())
    if isinstance(value, int) and value > 0:
        return value
    return None


def _imdb(value: Any) -> str | None:
    number = _positive_int(value) if not isinstance(value, str) else None
    if number is not None:
        return f"tt{number:07d}"
    if not isinstance(value, str):
        return None
    text = value.strip().lower()
    if _digits(text):
        text = "tt" + text.zfill(7)
    if _IMDB.fullmatch(text) and int(text[2:]) > 0:
        return text
    return None


def _text(value: Any) -> str | int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    if isinstance(value, str):
        text = value.strip()
        return text if text and text != "0" else None
    return None


def _one(namespace: str, value: Any) -> str | int | None:
    if namespace in NUMERIC_NAMESPACES:
        return _positive_int(value)
    if namespace == "imdb":
        return _imdb(value)
    cleaned = _text(value)
    if namespace == "slug":
        return str(cleaned).lower() if cleaned is not None else None
    return cleaned


def normalize_ids(raw: Mapping[str, Any] | None) -> Ids:
    """Clean a raw ids mapping into ``Ids`` (unusable values are dropped, never raised).

    Nested namespaces (Trakt's ``plex: {guid, slug}``) are flattened to ``plex.guid``.
    """
    flat: dict[str, str | int] = {}
    for name, value in (raw or {}).items():
        namespace = str(name).strip().lower()
        if isinstance(value, Mapping):
            for sub, subvalue in value.items():
                cleaned = _text(subvalue)
                if cleaned is not None:
                    flat[f"{namespace}.{str(sub).strip().lower()}"] = cleaned
            continue
        cleaned = _one(namespace, value)
        if cleaned is not None:
            flat[namespace] = cleaned
    standard = {ns: flat.pop(ns, None) for ns in ID_NAMESPACES}
    return Ids(
        trakt=_as_int(standard["trakt"]),
        slug=_as_str(standard["slug"]),
        imdb=_as_str(standard["imdb"]),
        tmdb=_as_int(standard["tmdb"]),
        tvdb=_as_int(standard["tvdb"]),
        other=flat,
    )


def _as_int(value: str | int | None) -> int | None:
    return value if isinstance(value, int) else None


def _as_str(value: str | int | None) -> str | None:
    return value if isinstance(value, str) else None


def _best(ids: Ids | None) -> str | None:
    if ids is None:
        return None
    values = ids.standard()
    for namespace in KEY_PRIORITY:
        if namespace in values:
            return f"{namespace}:{values[namespace]}"
    return None


def _numbers(media: MediaRef) -> str | None:
    if media.type == "season" and media.season is not None:
        return f"#s{media.season:02d}"
    if media.type == "episode" and media.season is not None and media.episode is not None:
        return f"#s{media.season:02d}e{media.episode:02d}"
    return None


def _title_token(media: MediaRef) -> str | None:
    if media.type not in ("movie", "show") or not media.title or not media.title.strip():
        return None
    title = " ".join(media.title.lower().split())
    return f"{media.type}:title:{title}|{media.year if media.year is not None else ''}"


def item_key(media: MediaRef) -> str | None:
    """Return the item's canonical key, or None when it has no ids (and no title to fall back on).

    Seasons and episodes with show ids and numbers always take the show form
    (``show:tvdb:81189#s01e02``) so keys match across providers; otherwise their own ids
    (``episode:tvdb:349232``). Movies and shows without ids fall back to their title.
    """
    numbers = _numbers(media)
    show = _best(media.show_ids) if numbers else None
    if show is not None and numbers is not None:
        return f"show:{show}{numbers}"
    own = _best(media.ids)
    if own is not None:
        return f"{media.type}:{own}"
    return _title_token(media)


def minute_stamp(watched_at: datetime | Literal["released"]) -> str:
    """Render a play time as it appears in play keys: ``2024-05-01T20:31Z`` or ``released``."""
    if isinstance(watched_at, datetime):
        return with_minute(watched_at).strftime("%Y-%m-%dT%H:%MZ")
    return "released"


def play_key(media: MediaRef, watched_at: datetime | Literal["released"]) -> str:
    """Return ``<item key>@<watched_at to the minute, UTC>``; ``ValueError`` if no item key."""
    key = item_key(media)
    if key is None:
        raise ValueError(f"{media.type} has no ids and no title: no play key")
    return f"{key}@{minute_stamp(watched_at)}"


def play_keys(plays: Sequence[Play]) -> list[str]:
    """Return each play's key, in input order; same-minute repeats get ``#2``, ``#3``...

    Within one item and minute the plays are ranked by history id ascending (plays
    without one after those with one, in input order); the first keeps the plain key.
    """
    bases = [play_key(play.media, play.watched_at) for play in plays]
    groups: dict[str, list[int]] = {}
    for index, base in enumerate(bases):
        groups.setdefault(base, []).append(index)
    keys = list(bases)
    for base, members in groups.items():
        ranked = sorted(members, key=lambda i: _history_rank(plays[i], i))
        for rank, index in enumerate(ranked[1:], start=2):
            keys[index] = f"{base}#{rank}"
    return keys


def _history_rank(play: Play, index: int) -> tuple[int, int, int]:
    if play.history_id is None:
        return (1, 0, index)
    return (0, play.history_id, index)


def _tokens(kind: str, ids: Ids | None, suffix: str = "") -> Iterable[str]:
    if ids is None:
        return ()
    return (f"{kind}:{ns}:{value}{suffix}" for ns, value in ids.flat().items())


def aliases(media: MediaRef) -> frozenset[str]:
    """Return every strong token of the item (type + namespace + id; show token + SxxEyy).

    The item key is always among them, so title-keyed items match each other too.
    """
    tokens = set(_tokens(media.type, media.ids))
    numbers = _numbers(media)
    if numbers is not None:
        tokens.update(_tokens("show", media.show_ids, numbers))
    key = item_key(media)
    if key is not None:
        tokens.add(key)
    return frozenset(tokens)


def _trakt_conflict(a: Ids | None, b: Ids | None) -> bool:
    return bool(a and b and a.trakt and b.trakt and a.trakt != b.trakt)


def same_media(a: MediaRef, b: MediaRef) -> bool:
    """Return True when the two items share an alias and no Trakt ids disagree."""
    if _trakt_conflict(a.ids, b.ids):
        return False
    if a.type in ("season", "episode") and _trakt_conflict(a.show_ids, b.show_ids):
        return False
    return not aliases(a).isdisjoint(aliases(b))


def host_item_key(item: Mapping[str, Any]) -> str | None:
    """Return the canonical key of a host item dict, or None when it is not keyable."""
    from crosswatch_trakt.mediaconv import host_to_media

    media = host_to_media(item)
    return item_key(media) if isinstance(media, MediaRef) else None
