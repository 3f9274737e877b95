"""The media model: ids and keys, the models, and their conversions.

Host items, Trakt rows and request bodies are converted here; nothing here knows HTTP.
Importing it registers the models' layouts (``Ids`` in Trakt's shape, ``Play`` with
``released``) on the one converter, so state documents can hold them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from crosswatch_trakt.media.keys import normalize_ids
from crosswatch_trakt.media.models import Ids, Play
from crosswatch_trakt.support import converter
from crosswatch_trakt.support.dates import format_datetime


def _structure_play_time(value: Any, _type: Any) -> datetime | Literal["released"]:
    return "released" if value == "released" else converter.structure_datetime(value)


def _unstructure_play_time(value: datetime | Literal["released"]) -> str:
    return value if isinstance(value, str) else format_datetime(value)


converter.register_hooks(Ids, normalize_ids, Ids.as_dict)
converter.register_field_hooks(Play, watched_at=(_structure_play_time, _unstructure_play_time))
