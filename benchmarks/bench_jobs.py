"""Benchmark: the daily expiry and renewal jobs against bare SQL updates.

On its own database (created with privacy_gdpr, no demo data, on the first
run; later runs bring it to ``--partners``), loads the contacts with SQL bulk
statements, each with the "no answer" lines of the default consent types, and
answers to their e-mail consent as a base that has run the jobs every day: a
twentieth expire today, a twentieth enter the renewal notice (30 days) today,
half of them gave it on other days (those in the notice already asked), the
rest never answered.

Then, alternating, each in a transaction rolled back afterwards (tables
vacuumed in between), ``--repeat`` times:

- the expiry: ``_expire_consents`` of the company's day, as the scheduled
  action runs it (the consents marked expired and their history rows, one
  statement), against a bare ``UPDATE`` of the same consents: same ``SET``,
  same ``WHERE``, no history;
- the renewal: ``_mark_renewal_batch`` for every partner due (the whole day's
  consents marked in one statement), against a bare ``UPDATE`` with the same
  ``SET`` and the same conditions written by hand.

It prints the medians, their ratio (target at most 2), the statements each job
issues, then one run of the renewal as the scheduled action does it (a batch
of 200 partners, their requests e-mailed: Odoo's mail composition, one e-mail
per partner) and what the day's partners cost at that rate. The machine's load
and the peak memory of this process and of the PostgreSQL backends are printed
before and after.

Usage: make bench-jobs [BENCH_JOBS_PARTNERS=1000000] [BENCH_JOBS_DB=...]
   or: python benchmarks/bench_jobs.py --partners 100000 [--repeat 3]
"""

import statistics
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from devtools import bench

BENCH_REF = "bench-jobs"
RENEWAL_DAYS = 30
RATIO_TARGET = 2


def load(env, total):
    """Bring the contacts to ``total``, with their consents to e-mails."""
    cr = env.cr
    started = time.perf_counter()
    new_ids = bench.insert_contacts(cr, (BENCH_REF,), total)
    if not new_ids:
        return
    Consent = env["privacy.partner.consent"]
    Consent._create_placeholders(partners=env["res.partner"].browse(new_ids))
    email_type = env.ref("privacy_gdpr.consent_type_commercial_email")
    # partner % 20: 0 expires today, 1 enters the notice today, 2..11 expire on
    # another day of the validity (asked already when in the notice), 12..19
    # never answered. The expiry is the day given plus the type's validity.
    cr.execute(
        """
        UPDATE privacy_partner_consent c
           SET state = 'given', method = 'import',
               date_expiry = e.day, date_given = e.day - e.validity_days,
               renewal_requested = e.day <= current_date + %(notice)s
                                   AND c.partner_id %% 20 > 1
          FROM (SELECT c2.id, t.validity_days,
                       current_date + CASE c2.partner_id %% 20
                           WHEN 0 THEN 0
                           WHEN 1 THEN %(notice)s
                           ELSE 1 + c2.partner_id %% (t.validity_days - 1)
                       END AS day
                  FROM privacy_partner_consent c2
                  JOIN privacy_consent_type t ON t.id = c2.type_id
                 WHERE c2.type_id = %(type)s AND c2.partner_id = ANY(%(ids)s)
                   AND c2.partner_id %% 20 < 12) e
         WHERE c.id = e.id
        """,
        {"notice": RENEWAL_DAYS, "type": email_type.id, "ids": new_ids},
    )
    cr.execute("ANALYZE res_partner")
    cr.execute("ANALYZE privacy_partner_consent")
    cr.commit()
    print(
        f"Loaded {len(new_ids):,} contacts in {time.perf_counter() - started:.1f} s "
        f"({total:,} in all)",
        flush=True,
    )


def company_filter(company):
    """The company condition of the expiry, as ``_expire_consents`` writes it."""
    from odoo.tools import SQL

    return SQL(
        """
        (c.company_id = %(company)s
         OR (c.company_id IS NULL AND c.partner_id IN (
             SELECT p.id FROM res_partner p
              WHERE COALESCE(p.company_id, %(company)s) = %(company)s)))
        """,
        company=company.id,
    )


def expiry_job(env, company, day):
    return len(env["privacy.partner.consent"]._expire_consents(day, company))


def expiry_bare(env, company, day):
    from odoo import fields
    from odoo.tools import SQL

    env.cr.execute(
        SQL(
            """
            UPDATE privacy_partner_consent c
               SET state = 'expired', write_uid = %s, write_date = %s
             WHERE c.state = 'given' AND c.date_expiry <= %s AND %s
            """,
            env.uid,
            fields.Datetime.now(),
            day,
            company_filter(company),
        )
    )
    return env.cr.rowcount


def renewal_job(env, company, day):
    """Every partner due in one statement (one consent each in this base)."""
    partner_ids, _remaining = env["privacy.partner.consent"]._mark_renewal_batch(
        company, day, limit=None
    )
    return len(partner_ids)


def renewal_bare(env, company, day):
    """The conditions of ``_renewal_domain``, by hand."""
    from odoo import fields
    from odoo.tools import SQL

    env.cr.execute(
        SQL(
            """
            UPDATE privacy_partner_consent c
               SET renewal_requested = true, write_uid = %(uid)s, write_date = %(now)s
             WHERE c.state = 'given' AND c.renewal_requested IS NOT TRUE
               AND c.date_expiry > %(day)s AND c.date_expiry <= %(horizon)s
               AND c.type_id IN (SELECT id FROM privacy_consent_type WHERE active)
               AND (c.company_id IS NULL OR c.company_id = %(company)s)
               AND c.partner_id IN (
                   SELECT id FROM res_partner
                    WHERE (company_id IS NULL OR company_id = %(company)s)
                      AND email_normalized IS NOT NULL)
            """,
            uid=env.uid,
            now=fields.Datetime.now(),
            day=day,
            horizon=day + timedelta(days=company.privacy_renewal_days),
            company=company.id,
        )
    )
    return env.cr.rowcount


def renewal_run(env, company, day):
    return len(env["privacy.partner.consent"]._send_renewal_requests(day))


def measure(registry, step):
    """Run ``step`` once in a transaction rolled back afterwards.

    :return: (seconds, statements, what ``step`` returned)
    """
    with bench.rolled_back(
        registry, ["privacy_partner_consent", "privacy_consent_history"]
    ) as env:
        company = env.company
        return bench.timed(env, step, env, company, company._privacy_today())


def compare(registry, label, job, bare, repeat):
    """Time ``job`` and ``bare`` alternately and print the medians' ratio."""
    runs = {job: [], bare: []}
    for _run in range(repeat):
        for step in (job, bare):
            runs[step].append(measure(registry, step))
    medians = {step: statistics.median(run[0] for run in runs[step]) for step in runs}
    ratio = medians[job] / medians[bare]
    # The fewest of the runs: a run may also read again what another
    # transaction left out of the cache (the company's settings).
    statements = min(run[1] for run in runs[job])
    rows = runs[bare][-1][2]
    print(
        f"{label:8} {rows:>10,} rows: job {medians[job]:7.3f} s "
        f"({statements} statements, {runs[job][-1][2]:,} rows), bare UPDATE "
        f"{medians[bare]:7.3f} s, ratio {ratio:.2f} (target <= {RATIO_TARGET}): "
        + ("met" if ratio <= RATIO_TARGET else "MISSED"),
        flush=True,
    )


def main():
    parser = bench.argument_parser(
        __doc__.split("\n")[0], "privacy_gdpr_bench_jobs", partners=100_000, repeat=3
    )
    args = parser.parse_args()
    import odoo

    # As in Odoo's tests: e-mails are not sent, every run can be rolled back.
    threading.current_thread().testing = True
    registry = bench.open_registry(
        args.database, "privacy_gdpr", quiet=["odoo.addons.mail"]
    )
    bench.report_machine("Before", registry)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        env.company.write(
            {"privacy_renewal_enabled": True, "privacy_renewal_days": RENEWAL_DAYS}
        )
        load(env, args.partners)
        cr.commit()

    print(
        f"\n== Daily jobs at {args.partners:,} contacts, medians of "
        f"{args.repeat} alternate runs =="
    )
    compare(registry, "expiry", expiry_job, expiry_bare, args.repeat)
    compare(registry, "renewal", renewal_job, renewal_bare, args.repeat)

    seconds, statements, sent = measure(registry, renewal_run)
    due = measure(registry, renewal_bare)[2]
    per_partner = seconds / max(sent, 1)
    print(
        f"\nOne run of the renewal as scheduled: {sent} partners e-mailed in "
        f"{seconds:.2f} s ({statements} statements, {per_partner * 1e3:.0f} ms "
        f"per partner, Odoo's mail composition); the day's {due:,} consents due "
        f"at that rate: about {due * per_partner / 60:.0f} min in runs of {sent}"
    )
    bench.report_machine("After", registry)


if __name__ == "__main__":
    main()
