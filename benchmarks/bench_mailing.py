"""Benchmark: the consent filter of mass mailings against Odoo without it.

In its own database (created with privacy_gdpr and Email Marketing on first
run), brings the partners to ``--partners`` (default 100,000) with SQL bulk
inserts: half with a valid e-mail
consent, a tenth with an expired one, a tenth with a withdrawn one, the rest
without an answer (the "no answer" lines come from the foundation's
placeholders).

Then, in one run, it queues the same e-mail mailing with the company switch
"mass mailings filter recipients" on and off, at 1,000 recipients and at all
of them. QUEUING is what the mass mailing queue does for a mailing until its
first batch of e-mails exists:

1. ``mailing._get_remaining_recipients()``: the recipients left to send to;
   switch on, one more query over the ids of Odoo's search leaves out those
   without a valid consent;
2. ``mailing.action_send_mail(first_batch)``: Odoo's composer renders the first
   ``mail.batch_size`` (50) remaining recipients into queued ``mail.mail``
   records with their traces. Nothing is sent (the force-send limit is 0, as for
   any large mailing).

Step 1 is also timed alone. The SQL queries the filter adds (on minus off) are
counted at both sizes, and those of the form's "recipients without consent"
counter.

COMPLETION, switch on only, is timed apart: when every recipient is composed,
``mailing._privacy_cancel_remaining()`` writes the cancelled "No valid consent"
trace of every recipient without consent (one ``INSERT ... SELECT``). Switch
off there is nothing to compare it with: Odoo composes these recipients'
e-mails instead, so the script prints what composing them would cost at Odoo's
price per e-mail of the first batch. Queuing the whole mailing (every e-mail
composed) is not measured: Odoo's own duplicate check re-reads every
trace of the mailing at each batch of 50, which takes hours at that size on a
small machine.

Each measurement runs in a transaction rolled back afterwards, so every run
starts from the same state; on and off alternate after a warm-up, and the
medians are compared. The machine's load and the peak memory of this process
and of the database's PostgreSQL backends are printed before and after.

Usage: python benchmarks/bench_mailing.py [--database NAME] [--repeat N]
                                          [--partners N]
"""

import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from devtools import bench

PARTNERS = 100_000
SMALL = 1_000
BATCH = 50  # Odoo's default mail.batch_size
REF_SMALL, REF_LARGE = "bench-mailing-s", "bench-mailing-l"
RATIO_TARGET = 1.05
CANCEL_TARGET = 30  # seconds, for the recipients without consent of 1,000,000
COUNTER_TARGET = 1  # second


def parse_args():
    parser = bench.argument_parser(
        __doc__.split("\n\n")[0],
        "privacy_gdpr_bench_mailing",
        partners=PARTNERS,
        repeat=5,
    )
    return parser.parse_args()


def load(env, total):
    """Bring the partners and their consents to ``total`` with SQL bulk
    statements: the first 1,000 are those of the small mailing."""
    from odoo.tools import SQL

    cr = env.cr
    start = time.perf_counter()
    new_ids = bench.insert_contacts(
        cr,
        (REF_SMALL, REF_LARGE),
        total,
        {
            "ref": SQL(
                "CASE WHEN g <= %s THEN %s ELSE %s END", SMALL, REF_SMALL, REF_LARGE
            )
        },
    )
    if not new_ids:
        return
    env["privacy.partner.consent"]._create_placeholders(
        partners=env["res.partner"].browse(new_ids)
    )
    email_type = env.ref("privacy_gdpr.consent_type_commercial_email")
    # i % 10 in 0..4: valid; 5: given long ago, expired today; 6: withdrawn;
    # 7..9: no answer. Spread over the ids so both sizes have the same mix.
    cr.execute(
        """
        UPDATE privacy_partner_consent c
           SET state = CASE WHEN c.partner_id %% 10 = 6
                            THEN 'withdrawn' ELSE 'given' END,
               method = 'import',
               date_given = CASE WHEN c.partner_id %% 10 = 5
                                 THEN current_date - 2000 ELSE current_date - 10 END,
               date_expiry = CASE WHEN c.partner_id %% 10 = 5
                                  THEN current_date - 2000 + 1095
                                  ELSE current_date - 10 + 1095 END
         WHERE c.type_id = %s AND c.partner_id = ANY(%s)
           AND c.partner_id %% 10 <= 6
        """,
        [email_type.id, new_ids],
    )
    env["ir.config_parameter"].set_param("mail.mail.force.send.limit", "0")
    cr.execute("ANALYZE")
    env.invalidate_all()
    print(
        f"Loaded {len(new_ids):,} partners in {time.perf_counter() - start:.1f} s "
        f"({total:,} in all)",
        flush=True,
    )


def mailing_for(env, refs, name):
    Mailing = env["mailing.mailing"]
    mailing = Mailing.search([("name", "=", name)], limit=1)
    if not mailing:
        mailing = Mailing.create(
            {
                "name": name,
                "subject": "Our news",
                "body_html": "<p>Hello {{ object.name }}, here is our news.</p>",
                "mailing_model_id": env["ir.model"]._get_id("res.partner"),
                "mailing_domain": repr(
                    [("ref", "in", refs), ("is_blacklisted", "=", False)]
                ),
            }
        )
    return mailing.id


def measure(registry, mailing_id, switch, step):
    """Run ``step`` on the mailing once, in a transaction rolled back afterwards.

    :return: (seconds, queries, cancelled traces, queued e-mails, what ``step``
        returned)
    """
    tables = ["mailing_trace", "mail_mail", "mail_message", "res_partner"]
    with bench.rolled_back(registry, [*tables, "privacy_partner_consent"]) as env:
        mailing = env["mailing.mailing"].browse(mailing_id)
        mailing.user_id.company_id.privacy_check_mass_mailing = switch
        env.flush_all()
        env.invalidate_all()
        elapsed, queries, returned = bench.timed(env, step, mailing)
        env.cr.execute(
            "SELECT count(*) FILTER (WHERE failure_type = 'privacy_no_consent'), "
            "count(*) FILTER (WHERE trace_status = 'outgoing') "
            "FROM mailing_trace WHERE mass_mailing_id = %s",
            [mailing_id],
        )
        cancelled, queued = env.cr.fetchone()
    return elapsed, queries, cancelled, queued, returned


def queue_mailing(mailing):
    """:return: the seconds of the first batch alone"""
    remaining = mailing._get_remaining_recipients()
    start = time.perf_counter()
    mailing.action_send_mail(remaining[:BATCH])
    mailing.env.flush_all()
    return time.perf_counter() - start


def remaining_recipients(mailing):
    mailing._get_remaining_recipients()


def complete_mailing(mailing):
    mailing._privacy_cancel_remaining()


def compare(registry, mailings, step, repeat):
    """``{size: {switch: [runs]}}``, on and off alternating after a warm-up."""
    results = {}
    for size, mailing_id in mailings.items():
        for switch in (True, False):
            measure(registry, mailing_id, switch, step)
        runs = {True: [], False: []}
        for run in range(repeat):
            for switch in (True, False):
                runs[switch].append(measure(registry, mailing_id, switch, step))
            print(f"  {size} recipients: run {run + 1}/{repeat} done", flush=True)
        results[size] = runs
    return results


def median(runs):
    return statistics.median(run[0] for run in runs)


def report(results):
    print(
        f"{'recipients':>10} {'switch':>6} {'median s':>9} {'min s':>7} "
        f"{'queries':>7} {'cancelled':>9} {'queued':>7}"
    )
    for size, runs in results.items():
        for switch in (True, False):
            _elapsed, queries, cancelled, queued, _returned = runs[switch][-1]
            fastest = min(run[0] for run in runs[switch])
            print(
                f"{size:>10} {'on' if switch else 'off':>6} "
                f"{median(runs[switch]):9.3f} {fastest:7.3f} {queries:7d} "
                f"{cancelled:9d} {queued:7d}"
            )


def counter(registry, mailing_id):
    """Queries and seconds of the form's counter, and its value."""
    from odoo import SUPERUSER_ID, api

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        mailing = env["mailing.mailing"].browse(mailing_id)
        mailing.user_id.company_id.privacy_check_mass_mailing = True
        env.flush_all()
        warm = mailing.privacy_no_consent_count  # the form reads the mailing
        mailing.invalidate_recordset(["privacy_no_consent_count"])
        queries, start = cr.sql_log_count, time.perf_counter()
        value = mailing.privacy_no_consent_count
        assert value == warm
        elapsed, queries = time.perf_counter() - start, cr.sql_log_count - queries
        cr.rollback()
    return queries, elapsed, value


def main():
    args = parse_args()
    import odoo

    # As in Odoo's tests: the composer must not commit between batches, so that
    # every measurement can be rolled back.
    threading.current_thread().testing = True
    # Email Marketing's bridge privacy_gdpr_mass_mailing installs itself.
    registry = bench.open_registry(
        args.database, "privacy_gdpr,mass_mailing", quiet=["odoo.addons.mass_mailing"]
    )
    small = min(SMALL, args.partners)
    bench.report_machine("Before", registry)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        load(env, args.partners)
        # The mailings' domains select the partners by their ref: each size
        # gets its own mailing, so that a database grown to another size does
        # not reuse the counters of the previous one.
        mailings = {
            f"{small:,}": mailing_for(
                env, [REF_SMALL], f"Bench mailing {small:,} of {args.partners:,}"
            ),
            f"{args.partners:,}": mailing_for(
                env, [REF_SMALL, REF_LARGE], f"Bench mailing {args.partners:,}"
            ),
        }
        cr.commit()
    large = f"{args.partners:,}"

    print(f"\nRecipients step, {args.repeat} runs each:")
    step = compare(registry, mailings, remaining_recipients, args.repeat)
    print(f"\nQueuing (recipients + first batch), {args.repeat} runs each:")
    full = compare(registry, mailings, queue_mailing, args.repeat)

    print("\n== Recipients step: _get_remaining_recipients() ==")
    report(step)
    print(f"\n== Queuing: recipients + first batch of {BATCH} e-mails ==")
    report(full)
    print("\n== Summary ==")
    added = {}
    for size in mailings:
        ratio = median(full[size][True]) / median(full[size][False])
        step_ratio = median(step[size][True]) / median(step[size][False])
        added[size] = full[size][True][-1][1] - full[size][False][-1][1]
        print(
            f"{size:>9} recipients: queuing ratio on/off {ratio:.3f} "
            f"(target <= {RATIO_TARGET}), recipients step alone {step_ratio:.2f}; "
            f"SQL queries added by the filter: {added[size]}"
        )
    print(
        "SQL queries added: "
        + ("constant" if len(set(added.values())) == 1 else "NOT constant")
        + " in the number of recipients"
    )
    per_email = statistics.median(run[4] for run in full[large][False]) / BATCH
    print(
        f"\n== Completion (switch on): cancelled traces written, "
        f"{args.repeat} runs each =="
    )
    for size, mailing_id in mailings.items():
        runs = [
            measure(registry, mailing_id, True, complete_mailing)
            for _run in range(args.repeat)
        ]
        cancelled = runs[-1][2]
        print(
            f"{size:>9} recipients: {median(runs):.3f} s (min "
            f"{min(run[0] for run in runs):.3f} s), {runs[-1][1]} queries, "
            f"{cancelled:,} traces ({median(runs) / max(cancelled, 1) * 1e6:.0f} µs "
            f"each); Odoo composing their e-mails instead (switch off): about "
            f"{cancelled * per_email:.0f} s at {per_email * 1e3:.1f} ms per e-mail"
        )
    print(
        f"  (target at 1,000,000 recipients: about 500,000 traces in under "
        f"{CANCEL_TARGET} s)"
    )
    for size, mailing_id in mailings.items():
        queries, elapsed, value = counter(registry, mailing_id)
        print(
            f"Form counter, {size} recipients: {value:,} without consent, "
            f"{queries} queries, {elapsed:.3f} s (target under {COUNTER_TARGET} s)"
        )
    bench.report_machine("After", registry)


if __name__ == "__main__":
    main()
