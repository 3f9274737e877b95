"""Data builders: a small realistic demo account, and large deterministic synthetic ones."""

from __future__ import annotations

import random
from typing import Any

from crosswatch_trakt.media.hostitems import media_to_host
from crosswatch_trakt.media.traktrows import trakt_media
from crosswatch_trakt.testing.emulator.catalog import Catalog, Episode, Media, Movie, Season, Show
from crosswatch_trakt.testing.emulator.fake import FakeTrakt
from crosswatch_trakt.testing.emulator.timefmt import parse_ts, to_minute

DEMO_MOVIES: list[tuple[str, int, dict[str, Any], str]] = [
    ("The Matrix", 1999, {"trakt": 481, "imdb": "tt0133093", "tmdb": 603}, "1999-03-31"),
    ("Inception", 2010, {"trakt": 16662, "imdb": "tt1375666", "tmdb": 27205}, "2010-07-16"),
    ("Interstellar", 2014, {"trakt": 102156, "imdb": "tt0816692", "tmdb": 157336}, "2014-11-07"),
    ("The Dark Knight", 2008, {"trakt": 120, "imdb": "tt0468569", "tmdb": 155}, "2008-07-18"),
    ("Pulp Fiction", 1994, {"trakt": 554, "imdb": "tt0110912", "tmdb": 680}, "1994-10-14"),
    ("Fight Club", 1999, {"trakt": 432, "imdb": "tt0137523", "tmdb": 550}, "1999-10-15"),
    ("Forrest Gump", 1994, {"trakt": 12, "imdb": "tt0109830", "tmdb": 13}, "1994-07-06"),
    ("Spirited Away", 2001, {"trakt": 94, "imdb": "tt0245429", "tmdb": 129}, "2001-07-20"),
    ("Parasite", 2019, {"trakt": 372017, "imdb": "tt6751668", "tmdb": 496243}, "2019-05-30"),
    ("Dune", 2021, {"trakt": 287071, "imdb": "tt1160419", "tmdb": 438631}, "2021-10-22"),
]
DEMO_SHOWS: list[tuple[str, int, dict[str, Any], dict[int, int], str]] = [
    (
        "Breaking Bad",
        2008,
        {"trakt": 1388, "tvdb": 81189, "imdb": "tt0903747", "tmdb": 1396},
        {1: 7, 2: 13, 3: 13, 4: 13, 5: 16},
        "2008-01-20",
    ),
    (
        "Game of Thrones",
        2011,
        {"trakt": 1390, "tvdb": 121361, "imdb": "tt0944947", "tmdb": 1399},
        {1: 10, 2: 10},
        "2011-04-17",
    ),
    (
        "The Office",
        2005,
        {"trakt": 1391, "tvdb": 73244, "imdb": "tt0386676", "tmdb": 2316},
        {1: 6, 2: 22},
        "2005-03-24",
    ),
]


def host_item(media: Media) -> dict[str, Any]:
    """Return the host item for a catalogue item, through the adapter's own conversion."""
    show = media.show.to_json() if isinstance(media, (Season, Episode)) else None
    return media_to_host(trakt_media(media.type, media.to_json(), show))


def _when(text: str) -> float:
    value = parse_ts(text)
    assert value is not None, text
    return value


def demo_catalog(catalog: Catalog) -> tuple[list[Movie], list[Show]]:
    """Add the demo movies and shows to ``catalog`` (once) and return them."""
    movies: list[Movie] = []
    for title, year, ids, released in DEMO_MOVIES:
        found = catalog.find("movie", ids)
        if not isinstance(found, Movie):
            found = catalog.add_movie(title, year, ids, released=_when(released))
        movies.append(found)
    shows: list[Show] = []
    for title, year, ids, seasons, aired in DEMO_SHOWS:
        show = catalog.find("show", ids)
        if not isinstance(show, Show):
            show = catalog.add_show(title, year, ids, seasons, released=_when(aired))
        shows.append(show)
    return movies, shows


def seed_demo(fake: FakeTrakt, username: str = "alice", *, empty: bool = False) -> None:
    """Give ``username`` (created if missing) a small realistic account.

    Ten movies and three shows in the catalogue; plays of six movies (The Matrix twice) and
    all of Breaking Bad season 1; ratings of movies, a show, a season and an episode; a
    watchlist of unwatched movies, a show and a season; three collected movies; resume points
    in Dune and an episode of Breaking Bad's second season. ``empty``
    adds the catalogue only: the account stays empty.
    """
    if username not in fake.users:
        fake.add_user(username)
    movies, shows = demo_catalog(fake.catalog)
    if empty:
        return
    matrix, inception, interstellar, knight, pulp, fight, gump, spirited, parasite, dune = movies
    breaking, thrones, office = shows
    watch: list[Media] = [interstellar, spirited, parasite, dune, thrones, office.seasons[2]]
    fake.add_play(username, matrix, "2025-01-05T20:31:00Z")
    fake.add_play(username, matrix, "2025-06-14T21:02:00Z")
    for movie, when in (
        (inception, "2025-02-11T19:45:00Z"),
        (knight, "2025-03-02T20:00:00Z"),
        (pulp, "2025-03-20T22:15:00Z"),
        (fight, "2025-04-01T21:30:00Z"),
        (gump, "2025-04-18T18:00:00Z"),
    ):
        fake.add_play(username, movie, when)
    start = _when("2025-05-01T20:00:00Z")
    for index, episode in enumerate(breaking.seasons[1].episodes.values()):
        fake.add_play(username, episode, start + index * 86400)
    for movie, rating in ((matrix, 9), (inception, 8), (knight, 10), (pulp, 9), (gump, 7)):
        fake.rate(username, movie, rating, "2025-06-20T10:00:00Z")
    fake.rate(username, breaking, 10, "2025-06-21T10:00:00Z")
    fake.rate(username, breaking.seasons[1], 9, "2025-06-21T10:01:00Z")
    fake.rate(username, breaking.episode(1, 7), 8, "2025-06-21T10:02:00Z")
    for media in watch:
        fake.watchlist_add(username, media, "2025-07-01T12:00:00Z")
    for movie in (matrix, inception, knight):
        fake.collect(username, movie, "2024-12-24T09:00:00Z", {"media_type": "bluray"})
    fake.pause(username, dune, 12.5)
    fake.pause(username, breaking.episode(2, 3), 40.0)


def generate_account(
    fake: FakeTrakt,
    username: str,
    watchlist: int = 1000,
    ratings: int = 2000,
    plays: int = 10000,
    movie_plays: int = 2000,
    seed: int = 1,
    collection: int = 0,
) -> None:
    """Fill ``username`` (created if missing, with no watchlist limit) with synthetic data.

    ``plays`` episode plays plus ``movie_plays`` movie plays, ``watchlist`` unwatched
    items (4 in 5 movies), ``ratings`` ratings (movies, then episodes), ``collection``
    collected movies. Deterministic for a ``seed`` and a clock start; builds the catalogue
    it needs and writes state directly (no HTTP).
    """
    rng = random.Random(seed)
    if username not in fake.users:
        fake.add_user(username, watchlist_limit=None)
    cat = fake.catalog
    now = fake.clock.time()
    year_ago = now - 365 * 86400
    tag = f"{username}-{seed}"
    n_played = max(1, movie_plays * 3 // 4)
    n_movies = max(watchlist, ratings, collection) + n_played
    first = len(cat.movies)
    movies = [
        cat.add_movie(
            f"Synthetic Movie {tag} {i}",
            1950 + i % 75,
            {"tmdb": 9_000_000 + first + i, "imdb": f"tt9{first + i:07d}"},
            released=year_ago - rng.randrange(0, 40 * 365) * 86400.0,
        )
        for i in range(n_movies)
    ]
    n_shows = max(1, plays // 250 + 1)
    shows = [
        cat.add_show(
            f"Synthetic Show {tag} {i}",
            1990 + i % 35,
            {"tvdb": 9_000_000 + len(cat.shows) + i},
            {1: 10, 2: 10, 3: 10, 4: 10, 5: 10},
        )
        for i in range(n_shows)
    ]
    episodes: list[Episode] = [ep for show in shows for ep in show.episodes()]
    spare_shows = [
        cat.add_show(f"Unwatched Show {tag} {i}", 2000 + i % 25, None, {1: 3})
        for i in range(watchlist // 5)
    ]
    with fake.lock:
        user = fake.users[username]
        played = movies[len(movies) - n_played :]
        for _ in range(movie_plays):
            at = to_minute(year_ago + rng.random() * 365 * 86400)
            user.play_add(rng.choice(played), at, "watch", fake.ids.history(), now)
        for _ in range(plays):
            at = to_minute(year_ago + rng.random() * 365 * 86400)
            action = rng.choice(("watch", "watch", "scrobble", "checkin"))
            user.play_add(rng.choice(episodes), at, action, fake.ids.history(), now)
        listed: list[Media] = [*movies[: watchlist - len(spare_shows)], *spare_shows]
        for media in listed[:watchlist]:
            user.watchlist_put(media, now, fake.ids, year_ago + rng.random() * 365 * 86400)
        rated: list[Movie | Episode] = [*movies, *episodes]
        for media in rated[:ratings]:
            user.rating_put(media, rng.randint(1, 10), year_ago + rng.random() * 365 * 86400, now)
        for movie in movies[:collection]:
            user.collect_put(movie, year_ago + rng.random() * 365 * 86400, {}, now)


def seed_sized(
    fake: FakeTrakt, username: str, size: int, *, seed: int = 1, empty: bool = False
) -> None:
    """Give ``username`` a synthetic account of about ``size`` items (``generate_account``).

    7% watchlist, 13% ratings, the rest plays (one in five of a movie). ``empty`` builds the
    same catalogue (same ``size`` and ``seed``) and leaves the account empty, so a backup of
    the full account can be restored into it.
    """
    if size < 0:
        raise ValueError("size must be >= 0")
    watchlist, ratings = size * 7 // 100, size * 13 // 100
    plays = max(size - watchlist - ratings, 0)
    movie_plays = plays // 5
    generate_account(
        fake, username, watchlist, ratings, plays - movie_plays, movie_plays, seed=seed
    )
    if empty:
        with fake.lock:
            del fake.users[username]
        fake.add_user(username, watchlist_limit=None)
