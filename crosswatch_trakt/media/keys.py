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
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Literal

from crosswatch_trakt.media.models import (
    ID_NAMESPACES,
    Ids,
    MediaRef,
    Play,
    normal_ids,
    utc_minute_text,
    with_minute,
)

__all__ = [
    "KEY_PRIORITY",
    "aliases",
    "has_item_key",
    "item_key",
    "minute_stamp",
    "normal_values",
    "normalize_ids",
    "play_key",
    "play_keys",
    "rank_keys",
    "remembered_ids",
    "same_media",
    "title_token",
]

#: Trakt's id namespaces in key priority order: the order CrossWatch ranks them in
#: (``crosswatch.hostkeys.KEY_PRIORITY`` holds its whole list; a test keeps the two in step).
KEY_PRIORITY: tuple[str, ...] = ("tmdb", "imdb", "tvdb", "trakt", "slug")
#: Namespaces whose values are integers.
NUMERIC_NAMESPACES = frozenset({"trakt", "tmdb", "tvdb", "tvrage"})
_STANDARD_NAMES = frozenset(ID_NAMESPACES)
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


def normalize_ids(raw: Mapping[str, Any] | None, *, remember: bool = False) -> Ids:
    """Clean a raw ids mapping into ``Ids`` (unusable values are dropped, never raised).

    Nested namespaces (Trakt's ``plex: {guid, slug}``) are flattened to ``plex.guid``.
    ``remember`` reuses the ``Ids`` of equal, already normal ids seen lately (a show's ids,
    which come with every one of its episodes); the result is equal either way.
    """
    values = normal_values(raw)
    if values is None:
        return _normalize_ids(raw)
    return remembered_ids(values) if remember else normal_ids(*values)


#: ``(trakt, slug, imdb, tmdb, tvdb)`` of ids that are already normal
NormalValues = tuple[int | None, str | None, str | None, int | None, int | None]
#: ``remembered_ids``: the Ids of normal values seen lately (shows: few, each seen often),
#: bounded (cleared when full)
_REMEMBERED: dict[NormalValues, Ids] = {}
_REMEMBER_SIZE = 4096


def remembered_ids(values: NormalValues) -> Ids:
    """Return ``Ids(*values)`` for ``normal_values``' result, the same object as for equal values.

    Normal values are exact ints and strs, so equal values give equal ids (``True`` or ``1.0``
    never get here).
    """
    ids = _REMEMBERED.get(values)
    if ids is None:
        if len(_REMEMBERED) >= _REMEMBER_SIZE:
            _REMEMBERED.clear()
        ids = _REMEMBERED[values] = normal_ids(*values)
    return ids


def normal_values(raw: Any) -> NormalValues | None:
    """Return ``(trakt, slug, imdb, tmdb, tvdb)`` of a dict of already normal ids, else None.

    Normal: the standard namespaces, spelled as they are stored, each null or a value
    ``normalize_ids`` keeps as it is (a positive int; a ``tt`` imdb id; a lower-case slug);
    any other name only with a null value (nulls are dropped under any name). Anything else
    (None for the caller) takes ``normalize_ids``' general path.
    """
    if type(raw) is not dict:
        return None
    if not _STANDARD_NAMES.issuperset(raw):
        for name, value in raw.items():
            if value is not None and name not in _STANDARD_NAMES:
                return None
    get = raw.get
    trakt, tmdb, tvdb, imdb, slug = get("trakt"), get("tmdb"), get("tvdb"), get("imdb"), get("slug")
    if trakt is not None and (type(trakt) is not int or trakt <= 0):
        return None
    if tmdb is not None and (type(tmdb) is not int or tmdb <= 0):
        return None
    if tvdb is not None and (type(tvdb) is not int or tvdb <= 0):
        return None
    if imdb is not None and (type(imdb) is not str or not _normal_imdb(imdb)):
        return None
    if slug is not None and (
        type(slug) is not str or not slug or slug == "0" or slug.strip().lower() != slug
    ):
        return None
    return (trakt, slug, imdb, tmdb, tvdb)


def _normal_imdb(value: str) -> bool:
    digits = value[2:]
    return value[:2] == "tt" and digits.isdecimal() and digits.isascii() and int(digits) > 0


def _normalize_ids(raw: Mapping[str, Any] | None) -> Ids:
    """Clean any raw ids mapping (the general path of ``normalize_ids``)."""
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
    # KEY_PRIORITY unrolled (tmdb > imdb > tvdb > trakt > slug): this is on every hot path
    if ids is None:
        return None
    if ids.tmdb is not None:
        return f"tmdb:{ids.tmdb}"
    if ids.imdb is not None:
        return f"imdb:{ids.imdb}"
    if ids.tvdb is not None:
        return f"tvdb:{ids.tvdb}"
    if ids.trakt is not None:
        return f"trakt:{ids.trakt}"
    if ids.slug is not None:
        return f"slug:{ids.slug}"
    return None


def _best_general(ids: Ids | None) -> str | None:
    """``_best`` as the priority list says it (the reference the fast one is tested against)."""
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


def title_token(media: MediaRef) -> str | None:
    """Return the weak ``<type>:title:<title>|<year>`` token of a movie or show with a title."""
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
    if media.type == "episode" and media.season is not None and media.episode is not None:
        show = _best(media.show_ids)  # the common case first, in one step
        if show is not None:
            return f"show:{show}#s{media.season:02d}e{media.episode:02d}"
    else:
        numbers = _numbers(media)
        show = _best(media.show_ids) if numbers else None
        if show is not None and numbers is not None:
            return f"show:{show}{numbers}"
    own = _best(media.ids)
    if own is not None:
        return f"{media.type}:{own}"
    return title_token(media)


def has_item_key(media: MediaRef) -> bool:
    """Return ``item_key(media) is not None``, without building the key."""
    if _has_best(media.ids) or (
        media.season is not None
        and (media.type == "season" or (media.type == "episode" and media.episode is not None))
        and _has_best(media.show_ids)
    ):
        return True
    return title_token(media) is not None


def _has_best(ids: Ids | None) -> bool:
    return ids is not None and not (
        ids.tmdb is None
        and ids.imdb is None
        and ids.tvdb is None
        and ids.trakt is None
        and ids.slug is None
    )


def minute_stamp(watched_at: datetime | Literal["released"]) -> str:
    """Render a play time as it appears in play keys: ``2024-05-01T20:31Z`` or ``released``."""
    if isinstance(watched_at, datetime):
        text = utc_minute_text(watched_at)  # the same as below, only faster
        if text is not None:
            return text + "Z"
        return with_minute(watched_at).strftime("%Y-%m-%dT%H:%MZ")
    return "released"


def play_key(media: MediaRef, watched_at: datetime | Literal["released"]) -> str:
    """Return ``<item key>@<watched_at to the minute, UTC>``; ``ValueError`` if no item key."""
    key = item_key(media)
    if key is None:
        raise ValueError(f"{media.type} has no ids and no title: no play key")
    minute = utc_minute_text(watched_at)  # minute_stamp's fast path, inline
    return f"{key}@{minute}Z" if minute is not None else f"{key}@{minute_stamp(watched_at)}"


def play_keys(plays: Sequence[Play]) -> list[str]:
    """Return each play's key, in input order; same-minute repeats get ``#2``, ``#3``...

    Within one item and minute the plays are ranked by history id ascending (plays
    without one after those with one, in input order); the first keeps the plain key.
    """
    bases = [play_key(play.media, play.watched_at) for play in plays]
    return rank_keys(bases, [play.history_id for play in plays])


def rank_keys(bases: Sequence[str], history_ids: Sequence[int | None]) -> list[str]:
    """Return play keys from the plays' ``play_key``s and history ids (as ``play_keys`` ranks)."""
    keys = list(bases)
    repeated = {base for base, count in Counter(keys).items() if count > 1}
    if not repeated:
        return keys
    groups: dict[str, list[int]] = {}
    for index, base in enumerate(bases):
        if base in repeated:
            groups.setdefault(base, []).append(index)
    for base, members in groups.items():
        ranked = sorted(members, key=lambda i: _history_rank(history_ids[i], i))
        for rank, index in enumerate(ranked[1:], start=2):
            keys[index] = f"{base}#{rank}"
    return keys


def _history_rank(history_id: int | None, index: int) -> tuple[int, int, int]:
    if history_id is None:
        return (1, 0, index)
    return (0, history_id, index)


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
