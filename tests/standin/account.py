"""One Trakt account held by the stand-in: plays, ratings, watchlist, collection, activities.

Not thread-safe by itself: the server holds one lock around every call.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from tests.standin import bodies, dates
from tests.standin.catalog import Catalog, Key

#: the live answer's areas and stamps, copied from Trakt's documented /sync/last_activities
#: (the emulator lists the same names: both follow the API, and the stand-in must not import
#: the emulator, so the repetition is deliberate)
AREAS: dict[str, tuple[str, ...]] = {
    "movies": (
        "watched_at",
        "collected_at",
        "rated_at",
        "watchlisted_at",
        "favorited_at",
        "commented_at",
        "paused_at",
        "hidden_at",
    ),
    "episodes": (
        "watched_at",
        "collected_at",
        "rated_at",
        "watchlisted_at",
        "commented_at",
        "paused_at",
    ),
    "shows": ("rated_at", "watchlisted_at", "favorited_at", "commented_at", "hidden_at"),
    "seasons": ("rated_at", "watchlisted_at", "commented_at", "hidden_at"),
    "comments": ("liked_at", "blocked_at"),
    "lists": ("liked_at", "updated_at", "commented_at"),
    "watchlist": ("updated_at",),
    "favorites": ("updated_at",),
    "recommendations": ("updated_at",),
    "collaborations": ("updated_at",),
    "account": ("settings_at", "followed_at", "following_at", "pending_at", "requested_at"),
    "saved_filters": ("updated_at",),
    "notes": ("updated_at",),
}
PLURAL = {"movie": "movies", "show": "shows", "season": "seasons", "episode": "episodes"}
#: ``watched_at: "unknown"`` is stored as the epoch (the live value is undocumented).
UNKNOWN_WATCHED_AT = 0.0


class Play(NamedTuple):
    """One play: its history id, the episode or movie, when (minute precision), and how."""

    id: int
    key: Key
    watched_at: float
    action: str


class Rejected(Exception):
    """A write the account refuses as a whole: ``status`` and optional extra headers."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.headers = headers or {}


def _counts(kinds: Sequence[str]) -> dict[str, int]:
    return {PLURAL[kind]: 0 for kind in kinds}


class Account:
    """The data of the one user the stand-in serves."""

    def __init__(
        self, catalog: Catalog, wall: Callable[[], float], watchlist_limit: int = 10_000
    ) -> None:
        self.catalog = catalog
        self.wall = wall
        self.watchlist_limit = watchlist_limit
        self.plays: list[Play] = []
        self.ratings: dict[Key, tuple[int, float]] = {}
        self.watchlist: dict[Key, tuple[int, float, str | None]] = {}
        self.collection: dict[Key, float] = {}
        self.stamps: dict[str, dict[str, float]] = {
            a: dict.fromkeys(f, 0.0) for a, f in AREAS.items()
        }
        self._last_stamp = 0.0
        self._next_play = 7_000_000_000
        self._next_listed = 500_000_000
        self._ordered: dict[str, list[Play]] = {}

    # ---- activities -----------------------------------------------------------------
    def touch(self, *places: tuple[str, str]) -> None:
        """Move the stamps of ``(area, field)`` pairs: strictly later than any earlier stamp."""
        stamp = max(round(self.wall(), 3), round(self._last_stamp + 0.001, 3))
        self._last_stamp = stamp
        for area, name in places:
            self.stamps[area][name] = stamp

    def last_activities(self) -> dict[str, Any]:
        """Return ``/sync/last_activities``: every area, ``all`` the newest stamp."""
        out: dict[str, Any] = {"all": dates.render(self._last_stamp)}
        for area, fields in self.stamps.items():
            out[area] = {name: dates.render(value) for name, value in fields.items()}
        return out

    # ---- history --------------------------------------------------------------------
    def _watched_at(self, key: Key, value: object) -> float:
        if value is None:
            moment = self.wall()
        elif value == "unknown":
            moment = UNKNOWN_WATCHED_AT
        elif value == "released":
            moment = dates.parse(f"{self.catalog.render(key).get('year', 2000)}-01-01T00:00:00Z")
            if key[0] == "episode":
                show = self.catalog.show(self.catalog.show_of(key))
                moment = dates.parse(f"{show['year']}-01-01T00:00:00Z")
        else:
            moment = dates.parse(value)
        return float(int(moment) // 60 * 60)

    def add_history(self, body: object) -> dict[str, Any]:
        """Add one new play per target (never deduplicated); watched titles leave the watchlist."""
        reading = bodies.read(self.catalog, body, "leaf")
        new = [
            (key, self._watched_at(key, fields.get("watched_at")))
            for key, fields in reading.targets
        ]
        added = _counts(("movie", "episode"))
        for key, moment in new:
            self.plays.append(Play(self._next_play, key, moment, "watch"))
            self._next_play += 1
            added[PLURAL[key[0]]] += 1
        if new:
            self._ordered.clear()
            self.touch(*{(PLURAL[key[0]], "watched_at") for key, _ in new})
            self._unwatchlist([key for key, _ in new])
        return {"added": added, "not_found": reading.not_found}

    def _unwatchlist(self, keys: list[Key]) -> None:
        gone: set[Key] = set()
        for key in keys:
            gone.add(key)
            if key[0] == "episode":
                show, season, _number = self.catalog.episode_place(key[1])
                gone.add(("show", show))
                gone.add(("season", self.catalog.season_key(show, season)))
        hit = [key for key in gone if key in self.watchlist]
        for key in hit:
            del self.watchlist[key]
        if hit:
            self.touch(
                ("watchlist", "updated_at"), *{(PLURAL[k[0]], "watchlisted_at") for k in hit}
            )

    def remove_history(self, body: object) -> dict[str, Any]:
        """Remove every play of each named title, and exactly the plays of ``ids``."""
        reading = bodies.read(self.catalog, body, "leaf")
        keys = {key for key, _fields in reading.targets}
        raw_ids = bodies._list(body.get("ids") if isinstance(body, dict) else None, "ids")
        wanted = {i for i in raw_ids if isinstance(i, int) and not isinstance(i, bool)}
        present = {play.id for play in self.plays if play.id in wanted}
        not_found = dict(reading.not_found, ids=[i for i in raw_ids if i not in present])
        kept: list[Play] = []
        deleted = _counts(("movie", "episode"))
        for play in self.plays:
            if play.key in keys or play.id in present:
                deleted[PLURAL[play.key[0]]] += 1
            else:
                kept.append(play)
        if len(kept) != len(self.plays):
            self.plays = kept
            self._ordered.clear()
            self.touch(*{(a, "watched_at") for a, n in deleted.items() if n})
        return {"deleted": deleted, "not_found": not_found}

    def history(self, kind: str | None, trakt_id: int | None) -> list[Play]:
        """Return the plays, newest ``watched_at`` first, of one type or one title."""
        name = kind or "all"
        if name not in self._ordered:
            order = sorted(self.plays, key=lambda p: (p.watched_at, p.id), reverse=True)
            if kind in ("movies", "episodes"):
                order = [p for p in order if PLURAL[p.key[0]] == kind]
            elif kind in ("shows", "seasons"):
                order = [p for p in order if p.key[0] == "episode"]
            self._ordered[name] = order
        plays = self._ordered[name]
        if trakt_id is None or kind is None:
            return plays
        single = kind[:-1]
        n = self.catalog.resolve(single, {"ids": {"trakt": trakt_id}})
        if single in ("movie", "episode"):
            return [p for p in plays if p.key == (single, n)]
        if single == "show":
            return [p for p in plays if self.catalog.show_of(p.key) == n]
        return [p for p in plays if p.key[1] // self.catalog.episodes == n]

    def render_play(self, play: Play) -> dict[str, Any]:
        """Return a history row."""
        row: dict[str, Any] = {
            "id": play.id,
            "watched_at": dates.render(play.watched_at),
            "action": play.action,
            "type": play.key[0],
        }
        if play.key[0] == "movie":
            row["movie"] = self.catalog.movie(play.key[1])
        else:
            row["episode"] = self.catalog.episode(play.key[1])
            row["show"] = self.catalog.show(self.catalog.show_of(play.key))
        return row

    # ---- ratings, watchlist, collection ---------------------------------------------
    def add_ratings(self, body: object) -> dict[str, Any]:
        """Rate (or re-rate) each target; a rating outside 1-10 rejects the whole write."""
        reading = bodies.read(self.catalog, body, "level")
        rows = []
        for key, fields in reading.targets:
            rating = fields.get("rating")
            if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 10:
                raise Rejected(422, f"rating {rating!r} is not an integer from 1 to 10")
            rated_at = fields.get("rated_at")
            rows.append((key, rating, self.wall() if rated_at is None else dates.parse(rated_at)))
        added = _counts(("movie", "show", "season", "episode"))
        for key, rating, rated_at in rows:
            self.ratings.pop(key, None)
            self.ratings[key] = (rating, rated_at)
            added[PLURAL[key[0]]] += 1
        if rows:
            self.touch(*{(PLURAL[key[0]], "rated_at") for key, _r, _t in rows})
        return {"added": added, "not_found": reading.not_found}

    def _remove(self, store: dict[Key, Any], body: object, mode: str, area: str) -> dict[str, Any]:
        reading = bodies.read(self.catalog, body, mode)
        kinds = ("movie", "episode") if mode == "leaf" else ("movie", "show", "season", "episode")
        deleted = _counts(kinds)
        for key, _fields in reading.targets:
            if store.pop(key, None) is not None:
                deleted[PLURAL[key[0]]] += 1
        changed = [(PLURAL[kind], area) for kind in kinds if deleted[PLURAL[kind]]]
        if changed:
            extra = [("watchlist", "updated_at")] if area == "watchlisted_at" else []
            self.touch(*changed, *extra)
        return {"deleted": deleted, "not_found": reading.not_found}

    def remove_ratings(self, body: object) -> dict[str, Any]:
        """Remove the ratings of the targets."""
        return self._remove(self.ratings, body, "level", "rated_at")

    def add_watchlist(self, body: object) -> dict[str, Any]:
        """List each target once (re-adding counts as existing); over the plan limit: 420."""
        reading = bodies.read(self.catalog, body, "level")
        added = _counts(("movie", "show", "season", "episode"))
        existing = dict(added)
        new: dict[Key, str | None] = {}
        for key, fields in reading.targets:
            if key in self.watchlist or key in new:
                existing[PLURAL[key[0]]] += 1
            else:
                new[key] = fields.get("notes")
        if len(self.watchlist) + len(new) > self.watchlist_limit:
            headers = {"X-Upgrade-URL": "https://trakt.tv/vip", "X-VIP-User": "false"}
            headers["X-Account-Limit"] = str(self.watchlist_limit)
            raise Rejected(420, "watchlist limit exceeded", headers)
        for key, notes in new.items():
            self.watchlist[key] = (self._next_listed, self.wall(), notes)
            self._next_listed += 1
            added[PLURAL[key[0]]] += 1
        if new:
            self.touch(
                ("watchlist", "updated_at"), *{(PLURAL[k[0]], "watchlisted_at") for k in new}
            )
        return {
            "added": added,
            "existing": existing,
            "not_found": reading.not_found,
            "list": self.watchlist_list(),
        }

    def watchlist_list(self) -> dict[str, Any]:
        """Return the ``list`` object of watchlist answers."""
        stamp = self.stamps["watchlist"]["updated_at"]
        return {"updated_at": dates.render(stamp), "item_count": len(self.watchlist)}

    def remove_watchlist(self, body: object) -> dict[str, Any]:
        """Unlist the targets."""
        answer = self._remove(self.watchlist, body, "level", "watchlisted_at")
        answer["list"] = self.watchlist_list()
        return answer

    def add_collection(self, body: object) -> dict[str, Any]:
        """Collect each movie or episode; re-adding with another ``collected_at`` updates."""
        reading = bodies.read(self.catalog, body, "leaf")
        added = _counts(("movie", "episode"))
        updated, existing = dict(added), dict(added)
        asked = [(key, fields.get("collected_at")) for key, fields in reading.targets]
        moments = [self.wall() if value is None else dates.parse(value) for _k, value in asked]
        for (key, value), moment in zip(asked, moments, strict=True):
            before = self.collection.get(key)
            changed = value is not None and moment != before
            target = added if before is None else updated if changed else existing
            if target is not existing:
                self.collection[key] = moment
            target[PLURAL[key[0]]] += 1
        kinds = {PLURAL[key[0]] for key, _f in reading.targets}
        if kinds:
            self.touch(*{(kind, "collected_at") for kind in kinds})
        answer = {"added": added, "updated": updated, "existing": existing}
        return {**answer, "not_found": reading.not_found}

    def remove_collection(self, body: object) -> dict[str, Any]:
        """Uncollect the targets."""
        return self._remove(self.collection, body, "leaf", "collected_at")
