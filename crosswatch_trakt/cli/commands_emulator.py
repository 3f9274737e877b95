"""``emulator``: serve the bundled Trakt emulator for host developers until interrupted.

Unlike ``python -m crosswatch_trakt.testing`` it prints no token: log in against it with
``crosswatch-trakt --base-url URL login`` (device logins are approved at once unless
``--no-auto-approve``).
"""

from __future__ import annotations

import argparse
import signal
import threading

from crosswatch_trakt.cli.exitcodes import OK, USAGE, CliError
from crosswatch_trakt.cli.render import Out
from crosswatch_trakt.cli.runtime import Runtime
from crosswatch_trakt.support.clock import SystemClock

__all__ = ["add_arguments", "emulator", "serve"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the emulator's options (shared with ``python -m crosswatch_trakt.testing``)."""
    from crosswatch_trakt.testing.emulator.launch import add_arguments as add

    add(parser)


def serve(rt: Runtime, stop: threading.Event) -> int:
    """Serve a seeded (or empty) emulator until ``stop`` is set."""
    from crosswatch_trakt.testing.emulator.launch import build_fake, start

    args, out = rt.args, rt.out
    with rt.progress.step(f"seeding the account '{args.user}'"):
        fake = build_fake(args, SystemClock())
    try:
        url = start(fake, args.host, args.port)
    except OSError as exc:
        raise CliError(
            f"Cannot serve on {args.host}:{args.port} ({exc.strerror}): choose another --port "
            "(0 picks a free one).",
            USAGE,
        ) from exc
    try:
        _banner(out, url, args.user, fake.client_id, fake.client_secret, args.no_auto_approve)
        if args.fault:
            out.write(f"Injected {len(args.fault)} fault(s); they fire in the order given.\n")
        stop.wait()
    finally:
        fake.stop()
        rt.progress.note("Emulator stopped.")
    return OK


def _banner(
    out: Out, url: str, user: str, client_id: str, client_secret: str, manual: bool
) -> None:
    approval = (
        "device logins wait for approval"
        if manual
        else f"device logins are approved at once as '{user}'"
    )
    out.write(
        f"Trakt emulator serving at {url} (API and OAuth); {approval}.\n"
        f"Its app credentials: client_id {client_id}, client_secret {client_secret}.\n"
        "Use it from another terminal:\n"
        f"  export TRAKT_CLIENT_ID={client_id} TRAKT_CLIENT_SECRET={client_secret}\n"
        f"  crosswatch-trakt --base-url {url} --state-dir ./emulator-state login\n"
        f"  crosswatch-trakt --base-url {url} --state-dir ./emulator-state snapshot watchlist\n"
        "Press Ctrl+C to stop.\n"
    )
    out.flush()


def emulator(rt: Runtime) -> int:
    """Serve the emulator until Ctrl+C or SIGTERM."""
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
    try:
        return serve(rt, stop)
    except KeyboardInterrupt:
        return OK
    finally:
        signal.signal(signal.SIGTERM, previous)
