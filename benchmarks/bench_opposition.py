"""Benchmark: the Italian opposition register, its import and the call check.

In its own database (created with privacy_gdpr on first run), loads 100,000
Italian partners with SQL bulk inserts, each with a consent to calls given on
2026-06-01. Then, in one run, each measurement in a transaction rolled back
afterwards:

1. IMPORT of the register's answer for the 100,000 numbers (``number;date``
   lines, half registered before the consents, half after), by the import
   dialog (``privacy.opposition.import.action_import``: parsing and normalising
   every line, one ``INSERT ... SELECT ... ON CONFLICT``), against the same rows
   created by the ORM (``create`` of a list: one ``INSERT`` per batch, no
   normalisation nor checks), and a second import that updates every row;
2. the CALL CHECK with the register empty and with the 100,000 numbers
   registered: the telephony API's check of one number (``check_contact``,
   median of the runs), and the one check over every partner
   (``res.partner.search_count`` of the partners allowed for calls, the rule of
   the mailing filter and the reports).

Usage: python benchmarks/bench_opposition.py [--database NAME] [--repeat N]
"""

import base64
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from devtools import bench

PARTNERS = 100_000
REF = "bench-opposition"
CONSENT_DAY = "2026-06-01"


def parse_args():
    parser = bench.argument_parser(
        __doc__.split("\n\n")[0], "privacy_gdpr_bench_opposition", repeat=3
    )
    return parser.parse_args()


def number(i):
    return f"+39347{i:07d}"


def load(env):
    """The partners and their consents to calls, once, in SQL."""
    cr = env.cr
    if bench.count_partners(cr, REF) == PARTNERS:
        return
    print(f"Loading {PARTNERS:,} partners...", flush=True)
    cr.execute(
        """
        INSERT INTO res_partner (name, complete_name, mobile, privacy_mobile_e164,
                                 ref, lang, type, active, is_company,
                                 create_uid, write_uid, create_date, write_date)
        SELECT 'Cliente ' || i, 'Cliente ' || i, '+39 347 ' || lpad(i::text, 7, '0'),
               '+39347' || lpad(i::text, 7, '0'), %(ref)s, 'it_IT', 'contact',
               true, false, 1, 1, now() at time zone 'UTC', now() at time zone 'UTC'
          FROM generate_series(1, %(count)s) AS i
        """,
        {"count": PARTNERS, "ref": REF},
    )
    bench.set_commercial_partners(cr)
    partners = env["res.partner"].search([("ref", "=", REF)])
    env["privacy.partner.consent"]._create_placeholders(partners=partners)
    call_type = env.ref("privacy_gdpr.consent_type_commercial_phone")
    cr.execute(
        """
        UPDATE privacy_partner_consent c
           SET state = 'given', method = 'import', date_given = %s
          FROM res_partner p
         WHERE c.partner_id = p.id AND c.type_id = %s AND p.ref = %s
        """,
        [CONSENT_DAY, call_type.id, REF],
    )
    cr.execute("ANALYZE")
    env.invalidate_all()


def register_file(day_before, day_after):
    lines = (
        f"{number(i)};{day_before if i % 2 else day_after}"
        for i in range(1, PARTNERS + 1)
    )
    return base64.b64encode("\n".join(lines).encode())


def in_rollback(registry, step):
    """Run ``step(env)`` once in a transaction rolled back afterwards.

    :return: ``(seconds, queries, what step returned)``
    """
    with bench.rolled_back(registry, ["privacy_opposition_register_entry"]) as env:
        env.invalidate_all()
        return bench.timed(env, step, env)


def import_register(env, days=("2026-05-01", "2026-07-01")):
    """Import the register's answer; the dialog's own time, in seconds."""
    wizard = env["privacy.opposition.import"].create({"file": register_file(*days)})
    start = time.perf_counter()
    wizard.action_import()
    return time.perf_counter() - start


def create_by_orm(env):
    start = time.perf_counter()
    env["privacy.opposition.register.entry"].create(
        [
            {
                "e164": number(i),
                "date_registered": "2026-05-01" if i % 2 else "2026-07-01",
            }
            for i in range(1, PARTNERS + 1)
        ]
    )
    return time.perf_counter() - start


def reimport_register(env):
    import_register(env)
    return import_register(env, days=("2026-05-02", "2026-07-02"))


def check_calls(registered):
    """The call check of one number (median of 50) and of every partner, with
    the register empty or holding the 100,000 numbers."""

    def step(env):
        if registered:
            import_register(env)
            env.flush_all()
            env.cr.execute("ANALYZE privacy_opposition_register_entry")
        telephony = env["privacy.telephony"]
        times = []
        for i in range(1, 51):
            env.invalidate_all()
            start = time.perf_counter()
            telephony.check_contact(channel="call", phone=number(i * 1999))
            times.append(time.perf_counter() - start)
        env.invalidate_all()
        start = time.perf_counter()
        allowed = env["res.partner"].search_count(
            [("ref", "=", REF)] + env["privacy.partner.consent"]._partner_domain("call")
        )
        return statistics.median(times), time.perf_counter() - start, allowed

    return step


def main():
    args = parse_args()
    import odoo

    registry = bench.open_registry(args.database, "privacy_gdpr")
    with registry.cursor() as cr:
        load(odoo.api.Environment(cr, odoo.SUPERUSER_ID, {}))
        cr.commit()
    load_avg = ", ".join(f"{value:.1f}" for value in os.getloadavg())

    print(f"\n== Import of {PARTNERS:,} numbers, {args.repeat} runs each ==")
    results = {}
    for _run in range(args.repeat):
        for name, step in (
            ("import (new)", import_register),
            ("ORM create", create_by_orm),
            ("import (update)", reimport_register),
        ):
            _elapsed, queries, timed = in_rollback(registry, step)
            results.setdefault(name, []).append((timed, queries))
    for name, runs in results.items():
        print(
            f"{name:>16}: {statistics.median(t for t, _q in runs):.2f} s "
            f"(min {min(t for t, _q in runs):.2f} s), {runs[-1][1]} queries "
            "in the whole step"
        )
    ratio = statistics.median(t for t, _q in results["import (new)"]) / (
        statistics.median(t for t, _q in results["ORM create"])
    )
    print(f"import / ORM create: {ratio:.2f}")

    print(f"\n== Call check, register empty and with {PARTNERS:,} numbers ==")
    checks = {}
    for _run in range(args.repeat):
        for registered in (False, True):
            _elapsed, _queries, answer = in_rollback(registry, check_calls(registered))
            checks.setdefault(registered, []).append(answer)
    for registered, runs in checks.items():
        label = f"{PARTNERS:,} registered" if registered else "register empty"
        print(
            f"{label:>18}: API check {statistics.median(r[0] for r in runs) * 1e3:.2f}"
            f" ms, every partner {statistics.median(r[1] for r in runs):.3f} s, "
            f"{runs[-1][2]:,} allowed"
        )
    for index, what in ((0, "API check"), (1, "every partner")):
        full = statistics.median(r[index] for r in checks[True])
        empty = statistics.median(r[index] for r in checks[False])
        print(f"{what}: registered / empty {full / empty:.2f}")
    print(f"\nLoad average at the start: {load_avg}")


if __name__ == "__main__":
    main()
