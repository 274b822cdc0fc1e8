"""Benchmark: the privacy dossier (PDF and XLSX) of a person with a long history.

In one run, on its own database (dropped and re-created with privacy_gdpr
unless --reuse):

1. loads, in a few SQL statements, a person with 1,000 rows of consent history
   and 1,000 rows of contact log (and 50 consent requests), and a person with
   10 of each;
2. builds each dossier's data, its workbook and its PDF, several times, as the
   administrator, and prints the times, the queries of the data and the ratios
   between both persons. The PDF is wkhtmltopdf's, as in production (its page
   has no style sheet to fetch). CPU seconds (this process and wkhtmltopdf)
   are printed with the times: on a loaded machine they say what the work
   costs.

Target: the PDF and the workbook of the long history together in under 3 s.

Usage: make bench-dossier [BENCH_DOSSIER_DB=...]
   or: python benchmarks/bench_dossier.py --database privacy_gdpr_bench_dossier
"""

import os
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import devtools
from devtools import bench

LONG, SHORT = 1000, 10
TARGET_SECONDS = 3.0


def load_person(env, name, rows):
    """A person with ``rows`` history rows and ``rows`` contact log rows."""
    partner = env["res.partner"].create(
        {"name": name, "email": f"{name.lower()}@example.com", "lang": "en_US"}
    )
    consent_type = env["privacy.consent.type"].search([], limit=1)
    reason = env["privacy.contact.reason"].search([], limit=1)
    env.flush_all()
    cr = env.cr
    cr.execute(
        """
        INSERT INTO privacy_consent_history (
            partner_id, type_id, company_id, source, old_state, new_state, method,
            date_given, user_id, date, proof_date, proof_ip, proof_text,
            proof_reference, note, create_uid, create_date, write_uid, write_date)
        SELECT %(partner)s, t.id, t.company_id,
               (ARRAY['page', 'staff', 'import', 'unsubscribe'])[1 + g %% 4],
               CASE WHEN g %% 2 = 0 THEN 'given' ELSE 'withdrawn' END,
               CASE WHEN g %% 2 = 0 THEN 'withdrawn' ELSE 'given' END,
               'web_form', current_date - g, 2,
               now() at time zone 'UTC' - g * interval '1 day',
               now() at time zone 'UTC' - g * interval '1 day',
               '192.0.2.' || (g %% 250),
               'I agree to receive the newsletter of the company, version ' || g,
               'REF-' || g, 'Answer number ' || g,
               1, now() at time zone 'UTC', 1, now() at time zone 'UTC'
          FROM generate_series(1, %(rows)s) AS g, privacy_consent_type t
         WHERE t.id = %(type)s
        """,
        {"partner": partner.id, "rows": rows, "type": consent_type.id},
    )
    cr.execute(
        """
        INSERT INTO privacy_contact_log (
            partner_id, channel, reason_id, legal_basis, note, user_id, company_id,
            date, create_uid, create_date, write_uid, write_date)
        SELECT %(partner)s, (ARRAY['email', 'call', 'sms'])[1 + g %% 3], %(reason)s,
               'contract', 'Delivery of order S' || g, 2, 1,
               now() at time zone 'UTC' - g * interval '1 hour',
               1, now() at time zone 'UTC', 1, now() at time zone 'UTC'
          FROM generate_series(1, %(rows)s) AS g
        """,
        {"partner": partner.id, "rows": rows, "reason": reason.id},
    )
    cr.execute(
        """
        INSERT INTO privacy_consent_request (
            partner_id, company_id, origin, state, user_id, lang, date_sent,
            text_shown, create_uid, create_date, write_uid, write_date)
        SELECT %(partner)s, 1, 'request', 'superseded', 2, 'en_US',
               now() at time zone 'UTC' - g * interval '1 week',
               'The whole text of the preference page, request ' || g,
               1, now() at time zone 'UTC', 1, now() at time zone 'UTC'
          FROM generate_series(1, %(requests)s) AS g
        """,
        {"partner": partner.id, "requests": max(rows // 20, 1)},
    )
    cr.commit()
    return partner


def cpu_seconds():
    """CPU time of this process and of its finished children (wkhtmltopdf):
    what the work costs, whatever else the machine runs."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def timed(function, *args):
    started, started_cpu = time.perf_counter(), cpu_seconds()
    result = function(*args)
    return result, time.perf_counter() - started, cpu_seconds() - started_cpu


def measure(env, partner, repeat):
    """Median wall and CPU seconds of the data, the workbook and the PDF;
    queries of the data."""
    Dossier = env["privacy.dossier"]
    times = {kind: [] for kind in ("data", "xlsx", "pdf")}
    queries = 0
    for _index in range(repeat):
        for kind, function in (
            ("data", Dossier._dossier_data),
            ("xlsx", Dossier._dossier_xlsx),
            ("pdf", Dossier._dossier_pdf),
        ):
            env.invalidate_all()
            before = env.cr.sql_log_count
            result, wall, cpu = timed(function, partner)
            times[kind].append((wall, cpu))
            if kind == "data":
                queries = env.cr.sql_log_count - before
            if kind == "pdf":
                assert result.startswith(b"%PDF"), "no PDF produced"
    return {
        kind: tuple(statistics.median(value[i] for value in values) for i in (0, 1))
        for kind, values in times.items()
    }, queries


def main():
    parser = bench.argument_parser(__doc__.split("\n")[0], "privacy_gdpr_bench_dossier")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--reuse", action="store_true", help="keep the database of a previous run"
    )
    args = parser.parse_args()
    devtools.require_conf("bench")
    bench.create_unless_reused(args.database, args.reuse)
    env = bench.admin_env(args.database)
    Partner = env["res.partner"]
    people = {}
    for name, rows in (("Long", LONG), ("Short", SHORT)):
        people[rows] = Partner.search([("name", "=", name)], limit=1) or load_person(
            env, name, rows
        )
    results = {rows: measure(env, people[rows], args.repeat) for rows in people}
    print()
    print(
        "| history and log rows | data (s) | queries | XLSX (s) | PDF (s) "
        "| PDF+XLSX (s) | PDF+XLSX CPU (s) |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for rows, (times, queries) in results.items():
        print(
            f"| {rows:,} | {times['data'][0]:.2f} | {queries} "
            f"| {times['xlsx'][0]:.2f} | {times['pdf'][0]:.2f} "
            f"| {times['xlsx'][0] + times['pdf'][0]:.2f} "
            f"| {times['xlsx'][1] + times['pdf'][1]:.2f} |"
        )
    (long_times, long_queries), (short_times, short_queries) = (
        results[LONG],
        results[SHORT],
    )
    total = long_times["xlsx"][0] + long_times["pdf"][0]
    ratios = ", ".join(
        f"{kind} {long_times[kind][0] / short_times[kind][0]:.1f}"
        for kind in ("data", "xlsx", "pdf")
    )
    print()
    print(
        f"ratios {LONG:,} / {SHORT:,} rows (wall): {ratios}; queries "
        f"{long_queries} / {short_queries}"
    )
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    failures = []
    if total >= TARGET_SECONDS:
        failures.append(f"PDF+XLSX of {LONG:,} rows in {total:.2f} s")
    if long_queries != short_queries:
        failures.append("the queries grow with the rows")
    print("targets: " + ("all met" if not failures else "; ".join(failures)))
    env.cr.close()


if __name__ == "__main__":
    main()
