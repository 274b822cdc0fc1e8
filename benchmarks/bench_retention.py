"""Benchmark: the daily retention job (privacy.retention.candidate) at scale.

In its own database (created with privacy_gdpr on first run, or any database
of the project given with --database), loads ``--partners`` contacts (default
100,000) with SQL bulk inserts: each with an e-mail address and a mobile
number in E.164; six in ten created seven years ago (past a 36-month limit),
the others two months ago. Each old one has an answer in its consent history
with an IP address: six years ago for most (past the 60-month evidence limit:
the address is cleared), a month ago for a fifth of them (kept); a tenth of
the old ones wrote a message two months ago (kept).

Then, each time in a transaction rolled back afterwards:

1. DRY RUN: the job with "anonymise automatically" off: it lists the contacts
   past the limit and changes nothing else;
2. APPLY: the job with it on, run again as the scheduler does while contacts
   are left (each run anonymises at most 20,000 of them, in one chunk:
   suppression entries hashed in Python, one INSERT per chunk; then it clears
   old proof addresses).

Prints the seconds of the longest run against the 60-second budget of a
daily job, of all the runs (wall time, and CPU time of Odoo's process and of
its PostgreSQL backend together: on a shared machine the wall time measures
the others' load too), the SQL queries of the first run, the contacts
listed after it and anonymised in all.

Usage: python benchmarks/bench_retention.py [--database NAME] [--partners N]
"""

import logging
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import devtools
from devtools import CONF, bench

REF = "bench-retention"
OWN_COLUMNS = (
    "name",
    "complete_name",
    "email",
    "email_normalized",
    "mobile",
    "privacy_mobile_e164",
    "ref",
    "lang",
    "type",
    "active",
    "is_company",
    "create_uid",
    "write_uid",
    "create_date",
    "write_date",
)
BUDGET = 60.0


def parse_args():
    parser = bench.argument_parser(
        __doc__.split("\n\n")[0], "privacy_gdpr_bench_retention"
    )
    parser.add_argument("--partners", type=int, default=100_000)
    return parser.parse_args()


def load(env, count):
    """Insert the contacts and their activity once, with SQL bulk statements."""
    from odoo.tools import SQL

    cr = env.cr
    loaded = bench.count_partners(cr, REF)
    if loaded == count:
        return
    if loaded:
        # Deleting them would take longer than making the database again.
        sys.exit(
            f"bench: the database holds {loaded:,} bench contacts: drop it or "
            f"give --partners {loaded}"
        )
    print(f"Loading {count:,} contacts...", flush=True)
    start = time.perf_counter()
    # Columns the installed apps require (e.g. Invoicing's), copied from a
    # contact made by the ORM.
    model = env["res.partner"].create({"name": "Bench model", "ref": REF})
    cr.execute(
        """
        SELECT column_name FROM information_schema.columns
         WHERE table_name = 'res_partner' AND is_nullable = 'NO'
           AND column_default IS NULL AND column_name NOT IN %s
        """,
        [tuple(OWN_COLUMNS) + ("id",)],
    )
    required = [SQL.identifier(row[0]) for row in cr.fetchall()]
    cr.execute(
        SQL(
            """
            INSERT INTO res_partner (%(own)s %(required)s)
            SELECT 'Bench ' || i, 'Bench ' || i,
                   'bench' || i || '@example.com', 'bench' || i || '@example.com',
                   '+336' || lpad(i::text, 8, '0'), '+336' || lpad(i::text, 8, '0'),
                   %(ref)s, 'en_US', 'contact', true, false, 1, 1,
                   CASE WHEN mod(i, 10) < 6 THEN now() - interval '7 years'
                        ELSE now() - interval '2 months' END,
                   now() %(copied)s
              FROM generate_series(1, %(count)s) AS i
              JOIN res_partner m ON m.id = %(model)s
            """,
            own=SQL(", ").join(SQL.identifier(column) for column in OWN_COLUMNS),
            required=SQL("").join(SQL(", %s", column) for column in required),
            copied=SQL("").join(SQL(", m.%s", column) for column in required),
            count=count - 1,
            ref=REF,
            model=model.id,
        )
    )
    bench.set_commercial_partners(cr)
    email_type = env.ref("privacy_gdpr.consent_type_commercial_email")
    # An old answer with an IP address for every old contact; a recent one
    # for a fifth of them.
    cr.execute(
        """
        INSERT INTO privacy_consent_history (partner_id, type_id, source,
                                             old_state, new_state, date,
                                             proof_ip, proof_user_agent,
                                             create_uid, write_uid,
                                             create_date, write_date)
        SELECT p.id, %(type)s, 'page', 'none', 'refused',
               CASE WHEN p.id %% 5 = 0 THEN now() - interval '1 month'
                    ELSE now() - interval '6 years' END,
               '192.0.2.1', 'Bench', 1, 1, now(), now()
          FROM res_partner p
         WHERE p.ref = %(ref)s AND p.create_date < now() - interval '3 years'
        """,
        {"type": email_type.id, "ref": REF},
    )
    cr.execute(
        """
        INSERT INTO mail_message (author_id, model, res_id, message_type, body,
                                  date, create_uid, write_uid, create_date,
                                  write_date)
        SELECT p.id, 'res.partner', p.id, 'email', '<p>Hello</p>',
               now() - interval '2 months', 1, 1, now(), now()
          FROM res_partner p
         WHERE p.ref = %(ref)s AND p.create_date < now() - interval '3 years'
           AND p.id %% 10 = 3
        """,
        {"ref": REF},
    )
    cr.execute("ANALYZE")
    env.invalidate_all()
    print(f"Loaded in {time.perf_counter() - start:.1f} s", flush=True)


def measure(registry, apply):
    """Run the job in a transaction rolled back afterwards: once (the dry run),
    or as the scheduler does while contacts are left (one batch per run).

    :return: ((wall, CPU) seconds of each run, queries of the first, listed,
        anonymised)
    """
    from odoo import SUPERUSER_ID, api

    with registry.cursor() as cr:
        # All the work in the one backend whose CPU time is read.
        cr.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        env = api.Environment(cr, SUPERUSER_ID, {})
        companies = env["res.company"].search([])
        companies.write(
            {"privacy_retention_auto": apply, "privacy_retention_months": 36}
        )
        env.flush_all()
        env.invalidate_all()
        runs = []
        queries = cr.sql_log_count
        while True:
            start = time.perf_counter()
            cpu = time.process_time() + bench.backend_cpu(cr)
            remaining = env["privacy.retention.candidate"]._cron_retention()
            env.flush_all()
            runs.append(
                (
                    time.perf_counter() - start,
                    time.process_time() + bench.backend_cpu(cr) - cpu,
                )
            )
            if len(runs) == 1:
                queries = cr.sql_log_count - queries
                cr.execute("SELECT count(*) FROM privacy_retention_candidate")
                listed = cr.fetchone()[0]
            if not remaining:
                break
        cr.execute(
            "SELECT count(*) FROM res_partner"
            " WHERE ref = %s AND privacy_anonymised_date IS NOT NULL",
            [REF],
        )
        anonymised = cr.fetchone()[0]
        cr.rollback()
    return runs, queries, listed, anonymised


def main():
    args = parse_args()
    devtools.require_conf("bench")
    bench.install_once(args.database, "privacy_gdpr")
    import odoo

    odoo.tools.config.parse_config(["-c", str(CONF), "-d", args.database])
    odoo.netsvc.init_logger()
    logging.getLogger("odoo.addons.privacy_gdpr").setLevel(logging.WARNING)
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        load(env, args.partners)
        cr.execute("SELECT count(*) FROM res_partner")
        total = cr.fetchone()[0]
    print(f"{args.partners:,} bench contacts, {total:,} contacts in all", flush=True)
    for name, apply in (("dry run", False), ("apply", True)):
        runs, queries, listed, anonymised = measure(registry, apply)
        walls, cpus = zip(*runs, strict=True)
        print(
            f"  {name:8} {len(runs)} run(s); longest {max(walls):6.1f} s wall, "
            f"{max(cpus):6.1f} s CPU ({max(cpus) / BUDGET:.0%} of the "
            f"{BUDGET:.0f} s budget); all {sum(walls):6.1f} s wall, "
            f"{sum(cpus):6.1f} s CPU; first run {queries} queries, {listed:,} "
            f"listed after it; {anonymised:,} anonymised; load average "
            f"{os.getloadavg()[0]:.1f}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
