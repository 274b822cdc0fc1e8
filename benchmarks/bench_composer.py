"""Benchmark: the consent check of the composers' mass mode against Odoo
without it.

In its own database (created with privacy_gdpr and SMS on first run; the
bridge privacy_gdpr_sms installs itself), loads 10,000 partners with SQL bulk
inserts, each with an e-mail address and a mobile number; half have a valid
consent for e-mails and SMS, the others none.

Then, in one run, it sends from the contact list to all 10,000, as *Send
email* and *Send SMS* do in mass mode: the composer is created, the form's
counter of recipients without consent is read, and the composer sends
(``action_send_mail``: queued ``mail.mail``; ``action_send_sms``: queued
``sms.sms``). Three ways, in alternation after a warm-up:

- **off**: the channel's check switched off, Odoo's own send;
- **leave out**: check on, the people without consent left out (half the
  messages);
- **reason**: check on, sent to everybody with a contact reason, one contact
  log row per person without consent.

The target: composing and sending with the check on (leave out, and reason)
costs no more than 1.2 times the same send with the check off. Each
measurement runs in a transaction rolled back afterwards; the medians are
compared. The queries of the counter and of the split are counted at 10 and
at 10,000 recipients.

Usage: python benchmarks/bench_composer.py [--database NAME] [--repeat N]
"""

import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from devtools import bench

PARTNERS = 10_000
REF = "bench-composer"
WAYS = ("off", "leave_out", "reason")
CHANNELS = {"email": "mail.compose.message", "sms": "sms.composer"}


def parse_args():
    parser = bench.argument_parser(
        __doc__.split("\n\n")[0], "privacy_gdpr_bench_composer", repeat=3
    )
    return parser.parse_args()


def load(env):
    """Insert the partners and their consents once, with SQL bulk statements."""
    cr = env.cr
    if bench.count_partners(cr, REF) == PARTNERS:
        return
    print(f"Loading {PARTNERS:,} partners...", flush=True)
    start = time.perf_counter()
    cr.execute(
        """
        INSERT INTO res_partner (name, complete_name, email, email_normalized,
                                 mobile, ref, lang, type, active, is_company,
                                 create_uid, write_uid, create_date, write_date)
        SELECT 'Bench ' || i, 'Bench ' || i,
               'bench' || i || '@example.com', 'bench' || i || '@example.com',
               '+3361' || lpad(i::text, 7, '0'), %(ref)s,
               'en_US', 'contact', true, false, 1, 1,
               now() at time zone 'UTC', now() at time zone 'UTC'
          FROM generate_series(1, %(count)s) AS i
        """,
        {"count": PARTNERS, "ref": REF},
    )
    bench.set_commercial_partners(cr)
    partners = env["res.partner"].search([("ref", "=", REF)])
    env["privacy.partner.consent"]._create_placeholders(partners=partners)
    types = env.ref("privacy_gdpr.consent_type_commercial_email") | env.ref(
        "privacy_gdpr.consent_type_commercial_sms"
    )
    # Even ids: valid consents for e-mails and SMS; odd ids: no answer.
    cr.execute(
        """
        UPDATE privacy_partner_consent c
           SET state = 'given', method = 'import',
               date_given = current_date - 10,
               date_expiry = current_date - 10 + 1095
          FROM res_partner p
         WHERE c.partner_id = p.id AND c.type_id IN %s AND p.ref = %s
           AND p.id %% 2 = 0
        """,
        [tuple(types.ids), REF],
    )
    env["ir.config_parameter"].set_param("mail.mail.force.send.limit", "0")
    cr.execute("ANALYZE")
    env.invalidate_all()
    print(f"Loaded in {time.perf_counter() - start:.1f} s", flush=True)


def composer(env, channel, ids, way):
    """The composer of *Send email* / *Send SMS* on the contact list."""
    reason = env.ref("privacy_gdpr.contact_reason_contract")
    decision = {} if way == "off" else {"privacy_mass_decision": way}
    if way == "reason":
        decision["privacy_contact_reason_id"] = reason.id
    if channel == "email":
        return (
            env["mail.compose.message"]
            .with_context(
                active_model="res.partner",
                active_ids=ids,
                default_composition_mode="mass_mail",
            )
            .create({"subject": "Offers", "body": "<p>Hello</p>", **decision})
        )
    return (
        env["sms.composer"]
        .with_context(
            active_model="res.partner",
            active_ids=ids,
            default_composition_mode="mass",
            default_res_model="res.partner",
            default_res_ids=repr(ids),
            default_number_field_name="mobile",
        )
        .create({"body": "Offers", **decision})
    )


def send(composer):
    if composer._name == "sms.composer":
        return composer.action_send_sms()
    return composer.action_send_mail()


def measure(registry, channel, ids, way):
    """Compose and send once, in a transaction rolled back afterwards.

    :return: (seconds, messages queued, contact log rows)
    """
    from odoo import SUPERUSER_ID, api

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        env.company[f"privacy_check_{channel}"] = way != "off"
        env.flush_all()
        env.invalidate_all()
        before = counts(cr, channel)
        start = time.perf_counter()
        wizard = composer(env, channel, ids, way)
        wizard.privacy_mass_without_count  # noqa: B018 - the form shows it
        send(wizard)
        env.flush_all()
        elapsed = time.perf_counter() - start
        queued, logged = (
            after - first for after, first in zip(counts(cr, channel), before)
        )
        cr.rollback()
    return elapsed, queued, logged


def counts(cr, channel):
    """The messages queued and the contact log rows, so far."""
    table = "mail_mail" if channel == "email" else "sms_sms"
    cr.execute(
        f"SELECT (SELECT count(*) FROM {table}), "
        "(SELECT count(*) FROM privacy_contact_log)"
    )
    return cr.fetchone()


def split_queries(registry, channel, ids):
    """Queries of the counter and the split, warm, as the form computes them."""
    from odoo import SUPERUSER_ID, api

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        env.company[f"privacy_check_{channel}"] = True
        wizard = composer(env, channel, ids, "leave_out")
        wizard._privacy_mass_split()
        env.flush_all()
        env.invalidate_all()
        queries = cr.sql_log_count
        wizard.privacy_mass_without_count  # noqa: B018
        queries = cr.sql_log_count - queries
        cr.rollback()
    return queries


def main():
    args = parse_args()
    import odoo

    # As in Odoo's tests: no commit between batches, every run rolled back.
    threading.current_thread().testing = True
    registry = bench.open_registry(
        args.database,
        "privacy_gdpr,sms",
        quiet=["odoo.addons.mail", "odoo.addons.sms", "odoo.addons.mass_mailing"],
    )
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        load(env)
        ids = env["res.partner"].search([("ref", "=", REF)], order="id").ids
        cr.commit()

    results = {}
    for channel in CHANNELS:
        for way in WAYS:
            measure(registry, channel, ids, way)  # warm-up
        runs = {way: [] for way in WAYS}
        for run in range(args.repeat):
            for way in WAYS:
                runs[way].append(measure(registry, channel, ids, way))
                print(f"    {channel} {way}: {runs[way][-1][0]:.2f} s", flush=True)
            print(f"  {channel}: run {run + 1}/{args.repeat} done", flush=True)
        results[channel] = runs

    print(f"\n== Mass send to {len(ids):,} contacts, {args.repeat} runs each ==")
    header = ("channel", "way", "median s", "min s", "queued", "logged")
    print("{:>7} {:>9} {:>9} {:>7} {:>7} {:>7}".format(*header))
    for channel, runs in results.items():
        for way in WAYS:
            times = [run[0] for run in runs[way]]
            _elapsed, queued, logged = runs[way][-1]
            print(
                f"{channel:>7} {way:>9} {statistics.median(times):9.3f} "
                f"{min(times):7.3f} {queued:7d} {logged:7d}"
            )
    print("\n== Summary ==")
    for channel, runs in results.items():
        off = statistics.median(run[0] for run in runs["off"])
        ratios = ", ".join(
            f"{way} {statistics.median(run[0] for run in runs[way]) / off:.3f}"
            for way in ("leave_out", "reason")
        )
        small, large = (
            split_queries(registry, channel, ids[:n]) for n in (10, len(ids))
        )
        print(
            f"{channel:>5}: ratio on/off {ratios} (target <= 1.2); queries of "
            f"the counter: {small} at 10, {large} at {len(ids):,} recipients"
        )


if __name__ == "__main__":
    main()
