"""Benchmark: changing a consent type whose consents number in the millions.

On its own database (dropped and re-created with privacy_gdpr, no demo data,
unless --reuse), in one run:

1. loads ``--partners`` contacts (default 100,000) in one SQL statement, with
   the placeholder lines of the default consent types (one statement);
2. creates a consent type: its "no answer" line for every contact;
3. records an answer given for half of them (SQL, not measured), then changes
   the type's validity (the expiry date of each consent given), then its
   channels, then archives it and restores it.

Each step is one transaction of the ORM, timed with its commit. Prints the
seconds of each step (wall, and CPU of this process and of its PostgreSQL
backend), the lines touched, and before and after the machine's load
(/proc/loadavg) and the peak memory of this process and of PostgreSQL's
backends.

Usage: make bench-types [BENCH_TYPES_PARTNERS=1000000]
   or: python benchmarks/bench_types.py --partners 100000 [--database x]
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import devtools
from devtools import bench

BENCH_REF = "bench-types"


def load_partners(env, total):
    """Bring the benchmark's contacts to ``total``, with their placeholders."""
    cr = env.cr
    added = bench.insert_contacts(cr, (BENCH_REF,), total)
    if not added:
        return 0
    env["privacy.partner.consent"]._create_placeholders()
    cr.execute("ANALYZE res_partner")
    cr.execute("ANALYZE privacy_partner_consent")
    cr.commit()
    return len(added)


def give_half(env, consent_type):
    """Half of the contacts gave ``consent_type`` on days spread over 2 years."""
    env.cr.execute(
        """
        UPDATE privacy_partner_consent
           SET state = 'given', method = 'import',
               date_given = current_date - (partner_id %% 730)
         WHERE type_id = %s AND partner_id %% 2 = 0
        """,
        [consent_type.id],
    )
    given = env.cr.rowcount
    env.cr.execute("ANALYZE privacy_partner_consent")
    env.cr.commit()
    env.invalidate_all()
    return given


def timed(env, label, action):
    """Run ``action`` with its commit; print its wall time and its CPU time
    (this process and its PostgreSQL backend): on a shared machine, the CPU
    time is what the step would take alone."""
    started = time.perf_counter()
    cpu = time.process_time() + bench.backend_cpu(env.cr)
    action()
    env.flush_all()
    env.cr.commit()
    seconds = time.perf_counter() - started
    cpu = time.process_time() + bench.backend_cpu(env.cr) - cpu
    print(f"  {label:34} {seconds:8.2f} s wall {cpu:8.2f} s CPU", flush=True)
    return seconds


def main():
    parser = bench.argument_parser(
        __doc__.split("\n")[0], "privacy_gdpr_bench_types", partners=100_000
    )
    parser.add_argument(
        "--reuse", action="store_true", help="keep the database of a previous run"
    )
    args = parser.parse_args()
    devtools.require_conf("bench")
    bench.create_unless_reused(args.database, args.reuse)
    bench.report_machine("Before")
    env = bench.odoo_env(args.database)
    started = time.perf_counter()
    added = load_partners(env, args.partners)
    print(
        f"Loaded {added} contacts in {time.perf_counter() - started:.1f} s "
        f"({args.partners} in all)",
        flush=True,
    )
    Type = env["privacy.consent.type"]
    code = f"BENCH_{int(time.time())}"
    results = {}
    results["create"] = timed(
        env,
        "create (a line per contact)",
        lambda: Type.create({"name": "Bench", "code": code, "allow_email": True}),
    )
    consent_type = Type.search([("code", "=", code)])
    given = give_half(env, consent_type)
    print(f"  ({given} consents given, not measured)", flush=True)
    results["validity"] = timed(
        env,
        "validity 0 -> 365 days",
        lambda: consent_type.write({"validity_days": 365}),
    )
    results["validity_again"] = timed(
        env,
        "validity 365 -> 30 days",
        lambda: consent_type.write({"validity_days": 30}),
    )
    results["channels"] = timed(
        env,
        "channels (+ SMS, + calls)",
        lambda: consent_type.write({"allow_sms": True, "allow_call": True}),
    )
    results["archive"] = timed(
        env, "archive", lambda: consent_type.write({"active": False})
    )
    results["restore"] = timed(
        env,
        "restore (missing lines added)",
        lambda: consent_type.write({"active": True}),
    )
    env.cr.execute(
        "SELECT count(*), count(date_expiry) FROM privacy_partner_consent"
        " WHERE type_id = %s",
        [consent_type.id],
    )
    lines, expiring = env.cr.fetchone()
    print(f"Lines of the type: {lines}, with an expiry date: {expiring}")
    bench.report_machine("After", env.registry)
    print(
        f"Slowest step: {max(results.values()):.2f} s at {args.partners} contacts "
        f"(target: under 60 s at 1,000,000)"
    )
    env.cr.close()


if __name__ == "__main__":
    main()
