"""The adapter's warnings as sentences a user understands (default verbosity).

``-v`` shows the events themselves (``http.retry cause=502 ...``); without it, a warning is
one sentence that says what happened and what the command does about it. An event with no
sentence here is named with its feature and a pointer to ``-v``, never dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["SENTENCES", "sentence"]

#: logger areas that are not a feature: their sentences start without a name
AREAS = frozenset({"config", "state", "auth", "http", "account", "budget"})

Fields = Mapping[str, Any]


def _cause(cause: Any) -> str:
    if cause == 429:
        return "Trakt asked to slow down (429)"
    if cause == "refused":
        return "Trakt refused the connection"
    if isinstance(cause, int):
        return f"Trakt answered {cause}"
    return f"Trakt did not answer ({cause})"


def _retry(f: Fields) -> str:
    seconds = f.get("delay")
    wait = f" in {seconds:.0f} s" if isinstance(seconds, (int, float)) and seconds >= 1 else ""
    return f"{_cause(f.get('cause'))} to {f.get('method')} {f.get('path')}; trying again{wait}."


def _keys(f: Fields) -> str:
    keys = f.get("keys") or []
    names = ", ".join(str(key) for key in keys)
    return (
        f"The config has unknown setting(s) {names}; they are ignored: check their spelling "
        "(docs/configuration.md lists every setting)."
    )


SENTENCES: dict[str, Callable[[Fields], str]] = {
    "http.retry": _retry,
    "config.unknown_keys": _keys,
    "apply.adds.ambiguous": lambda f: (
        f"The answer to a write of {f.get('plays')} play(s) was lost; reading the history back "
        "so that no play is sent twice."
    ),
    "apply.ambiguous_resend": lambda f: (
        f"The answer to a write of {f.get('items')} item(s) was lost; sending them again "
        "(nothing is doubled: Trakt keeps one of each)."
    ),
    "collection.ambiguous_resend": lambda f: (
        "The answer to a collection write was lost; sending it again."
    ),
    "collection.failed": lambda f: (
        f"{f.get('entries')} collection entries were not written ({f.get('reason')}); "
        "the plays themselves are reported below."
    ),
    "identity.learn_failed": lambda f: (
        "Could not read back which Trakt items the title-only plays became; they are matched "
        "again next time."
    ),
    "auth.refresh_deferred": lambda f: (
        "Could not renew the Trakt login just now; the current one is still valid and is used."
    ),
    "auth.refresh_retry": lambda f: "Renewing the Trakt login failed once; trying again.",
    "auth.revoke_failed": lambda f: "Trakt could not be reached to revoke the login.",
    "auth.tokens_unsaved": lambda f: (
        "The renewed Trakt login could not be saved to the state folder."
    ),
    "http.paginate.count_mismatch": lambda f: (
        f"Trakt said {f.get('path')} has {f.get('item_count')} item(s) but sent {f.get('rows')}; "
        "the rows sent are used (Trakt's counts can be off)."
    ),
    "state.corrupt_moved_aside": lambda f: (
        f"The state file {f.get('file')} could not be trusted ({f.get('reason')}); it was "
        f"moved to {f.get('moved_to')} and is rebuilt from Trakt."
    ),
    "state.digest_mismatch": lambda f: (
        f"The state file {f.get('file')} was changed outside the adapter ({f.get('reason')})."
    ),
    "state.shared_writable": lambda f: (
        f"The {f.get('what')} {f.get('path')} may be changed by other users (mode "
        f"{f.get('mode')}): run {f.get('fix')}."
    ),
    "budget.unreadable": lambda f: (
        f"The shared request budget {f.get('record')} could not be read; it starts afresh."
    ),
    "budget.unshared": lambda f: (
        f"The request budget cannot be shared with other runs through {f.get('folder')} "
        f"({f.get('error')}); this run keeps its own."
    ),
    "state.writer_waiting": lambda f: (
        f"Another run (pid {f.get('holder_pid')}) is writing the Trakt {f.get('feature')}; "
        f"waiting up to {f.get('wait_seconds', 0):.0f} s for it."
    ),
}


def sentence(event: str, feature: str, fields: Fields) -> str:
    """Return the sentence for ``event`` (``feature``: the area, shown as the line's start)."""
    render = SENTENCES.get(event)
    text = (
        render(fields)
        if render is not None
        else (f"Something needs attention ({event}); run with -v for the details.")
    )
    return f"{feature}: {text}" if feature and feature not in AREAS else text
