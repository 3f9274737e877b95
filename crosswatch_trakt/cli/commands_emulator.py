"""``emulator``: serve the bundled Trakt emulator for host developers until interrupted.

Unlike ``python -m crosswatch_trakt.testing`` it prints no token: log in against it with
``crosswatch-trakt --base-url URL login`` (device logins are approved at once unless
``--no-auto-approve``).
"""

from __future__ import annotations

import json
import signal
import threading

from crosswatch_trakt.cli.exitcodes import OK, USAGE, CliError
from crosswatch_trakt.cli.render import Out
from crosswatch_trakt.cli.runtime import Runtime
from crosswatch_trakt.support.clock import SystemClock

__all__ = ["emulator", "serve"]


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
        if args.json:  # one line a script reads before it starts its requests
            document = {
                "url": url,
                "user": args.user,
                "client_id": fake.client_id,
                "client_secret": fake.client_secret,
                "auto_approve": not args.no_auto_approve,
                "faults": len(args.fault),
            }
            out.write(json.dumps(document, sort_keys=True) + "\n")
            out.flush()
        else:
            _banner(out, url, args.user, fake.client_id, fake.client_secret, args.no_auto_approve)
        if args.fault and not args.json:
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
