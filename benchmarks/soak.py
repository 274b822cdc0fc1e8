"""Soak: Odoo in prefork mode (2 HTTP workers and a cron worker) under a mix of
telephony checks, contact logs and preference page submissions for minutes,
then every write is accounted for.

In one run, on its own database (privacy_gdpr installed without demo data;
dropped and re-created unless --reuse):

1. commits 20 partners with a phone number and a consent request link each, and
   a Privacy User with an API key (privacy_gdpr/tests/multiworker.py: the
   concurrency tests run the same soak, shortened, in `make test`);
2. starts Odoo with --workers 2 --max-cron-threads 1 on a free loopback port;
3. for --duration seconds (default 120), 7 clients: 2 ask the telephony check,
   2 log calls, 3 open a partner's preference page and answer it (several pick
   the same partners: a page answered meanwhile must be refused as already
   answered), while the expiry scheduled action is triggered every 5 s;
4. checks: no client error (anything but the expected answers, timeouts
   included), no error in Odoo's log, contact log rows == accepted log
   requests (the very ids returned), consent history rows == the changes of
   the accepted submissions, and every consent's history an unbroken chain
   ending at its current state (no lost or mixed write).

Prints the clients, requests, duration, errors and rows checked; exits 1 on any
problem.

Usage: make soak [SOAK_SECONDS=120]
   or: python benchmarks/soak.py [--database privacy_gdpr_soak] [--duration 120]
"""

import argparse
import importlib.util
import os
import sys
import time
from pathlib import Path

import odoo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import devtools
from devtools import BENCH_DIR, CONF, ROOT

MULTIWORKER = ROOT / "privacy_gdpr" / "tests" / "multiworker.py"


def step(message):
    print(f"soak: {message}", flush=True)


def load_multiworker():
    spec = importlib.util.spec_from_file_location("privacy_multiworker", MULTIWORKER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def report(result, figures, problems, server, offset):
    requests_per_second = result.requests / result.duration
    print()
    print(
        f"Soak, Odoo --workers 2 --max-cron-threads 1, {os.cpu_count()} CPUs, "
        f"{time.strftime('%Y-%m-%d')}"
    )
    rows = [
        ("clients", f"{result.clients} (2 check, 2 log, 3 page)"),
        ("duration", f"{result.duration:.0f} s"),
        ("requests", f"{result.requests} ({requests_per_second:.1f}/s)"),
        ("  telephony checks", result.checks),
        ("  contact logs accepted", result.logs_accepted),
        ("  pages answered (GET + POST)", result.submissions_recorded),
        ("  pages refused as already answered", result.submissions_stale),
        ("expiry cron triggered", result.cron_triggers),
        ("transactions retried by Odoo", server.retries(offset)),
        ("client errors", len(result.errors)),
        ("server log errors", len(problems["server"])),
        (
            "rows checked: contact log",
            f"{figures['log_rows']} (accepted {result.logs_accepted})",
        ),
        (
            "rows checked: consent history",
            f"{figures['history_rows']} (changes accepted {result.changes})",
        ),
        ("write accounting problems", len(problems["rows"])),
    ]
    for name, value in rows:
        print(f"{name:<38} {value}")
    for message in (result.errors + problems["server"] + problems["rows"])[:20]:
        print(f"  problem: {message[:500]}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default="privacy_gdpr_soak")
    parser.add_argument("--duration", type=int, default=120)
    parser.add_argument(
        "--reuse", action="store_true", help="reuse the database if it exists"
    )
    args = parser.parse_args()
    devtools.require_conf("soak")
    # The first parse sets up logging: Odoo's warnings only.
    odoo.tools.config.parse_config(["-c", str(CONF), "--log-level", "warn"])
    if args.reuse and devtools.database_exists(args.database, prog="soak"):
        step(f"reuse {args.database}")
    else:
        step("install privacy_gdpr")
        devtools.install_database(args.database, "privacy_gdpr", prog="soak")
    odoo.tools.config.parse_config(
        ["-c", str(CONF), "-d", args.database, "--log-level", "warn"]
    )
    mw = load_multiworker()
    step("commit partners, links and an API key")
    fixture = mw.make_fixture(args.database, "soak", partners=20)
    BENCH_DIR.mkdir(exist_ok=True)
    server = mw.PreforkServer(args.database, BENCH_DIR / f"{args.database}-odoo.log")
    step(f"start Odoo (2 workers and cron), log in {server.log_path}")
    try:
        server.start()
        offset = server.log_size()
        step(f"load for {args.duration} s on {server.url}")
        result = mw.Soak(server, fixture, args.duration).run()
    finally:
        server.stop()
    figures, row_problems = mw.verify_soak(args.database, fixture, result)
    problems = {"server": server.problems(offset), "rows": row_problems}
    report(result, figures, problems, server, offset)
    mw.remove_fixture(args.database, fixture)
    ok = not (result.errors or problems["server"] or problems["rows"])
    print(f"soak: {'OK' if ok else 'FAILED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
