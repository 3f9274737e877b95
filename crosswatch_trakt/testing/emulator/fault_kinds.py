"""The kinds of fault the emulator injects: a leaf module, so the option parser stays light."""

from __future__ import annotations

from typing import Literal, get_args

__all__ = ["KINDS", "FaultKind"]

#: what a ``Fault`` does (``faults.Fault.kind``)
FaultKind = Literal[
    "status",
    "delay",
    "drop",
    "apply_then_status",
    "apply_then_drop",
    "lock",
    "expire_token",
    "revoke_token",
    "hostile",
]
KINDS: tuple[str, ...] = get_args(FaultKind)
