"""Run the simulator by hand: `python -m tests.simulator --repo PATH [--port N] ...`."""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import threading
from pathlib import Path

from tests.simulator.grpcweb import Webhook
from tests.simulator.server import Access, Simulator


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tests.simulator", description=__doc__)
    p.add_argument("--repo", type=Path, required=True, help="git repository to serve")
    p.add_argument("--apps-dir", default="argoproj", help="where the Applications live")
    p.add_argument("--synced", default="HEAD", help="revision the live cluster is synced to")
    p.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: a free one)")
    p.add_argument("--token", help="the accepted Argo CD token (default: a built-in JWT)")
    p.add_argument("--cf-access-client-id", default="", help="require Cloudflare Access")
    p.add_argument("--cf-access-client-secret", default="")
    p.add_argument("--cf-rejection", choices=("redirect", "forbidden"), default="redirect")
    p.add_argument("--deny", action="append", default=[], help="app the token may not read")
    p.add_argument(
        "--deny-server-side-diff",
        action="append",
        default=[],
        metavar="APP",
        help="app whose ServerSideDiff call gets gRPC PermissionDenied",
    )
    p.add_argument(
        "--webhook", action="store_true", help="a mutating webhook marks every dry-run apply"
    )
    p.add_argument("--log", action="store_true", help="print every request (no headers)")
    p.add_argument("--latency", type=float, default=0.0, help="seconds added to every request")
    p.add_argument("--render-delay", type=float, default=0.0, help="seconds per manifests call")
    args = p.parse_args(argv)

    kwargs = {"token": args.token} if args.token else {}
    sim = Simulator(
        args.repo.resolve(), synced=args.synced, apps_dir=args.apps_dir, port=args.port, **kwargs
    )
    sim.access = Access(args.cf_access_client_id, args.cf_access_client_secret, args.cf_rejection)
    sim.denied.update(args.deny)
    for app in args.deny_server_side_diff:
        sim.fault("grpc", route="server-side-diff", app=app, code=7, message="permission denied")
    sim.webhook = Webhook() if args.webhook else None
    if args.log:
        sim.log.echo = lambda r: print(
            f"{r.method} {r.path} app={r.app or '-'} -> {r.status}", file=sys.stderr, flush=True
        )
    sim.latency = args.latency
    sim.render_delay = args.render_delay
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    try:
        sim.start()
    except OSError as exc:
        print(f"simulator: cannot listen on 127.0.0.1:{args.port}: {exc.strerror}", file=sys.stderr)
        return 2
    try:
        apps = sorted(sim.cluster.apps())
        print(
            f"Argo CD simulator on {sim.url} ({len(apps)} apps at {sim.cluster.synced[:12]})",
            flush=True,
        )
        if not args.token:
            print("token (pass as --auth-token):", sim.token, flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            done.wait()
    finally:
        sim.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
