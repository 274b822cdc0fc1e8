"""Benchmark: export the partner base with consents, ours against Odoo's native export.

In one run, on its own database (dropped and re-created unless --reuse):

1. loads 100,000 partners with three consent types each, fast: one SQL insert
   of the partners, one of their answers, and the foundation's placeholder lines
   (one SQL statement) for the partners without an answer;
2. exports them with our export (the same ``privacy.consent.export`` job the
   wizard and the scheduled action run: keyset batches, streamed XLSX/CSV file,
   stored as an attachment) and with Odoo's native export of comparable fields
   (``res.partner.export_data`` of name, company, e-mail, phone, mobile, language,
   the consents' type, state, date given, expiry date and method through the
   ``privacy_consent_ids`` one2many, and the request/answer date-times, then the
   very ``from_data`` of Odoo's XLSX and CSV export controllers);
3. loads 100,000 more partners and exports again at 200,000.

Each export runs in its own process: the time is that of the export alone (the
registry is loaded before the clock starts), the memory is the peak resident set
size of that process (``ru_maxrss``: Odoo's own footprint included, as a
worker's limit would see it).

Usage: make bench-export [BENCH_DB=...]
   or: python benchmarks/bench_export.py --database privacy_gdpr_bench_export
"""

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import devtools
from devtools import ROOT, bench

SIZES = (100_000, 200_000)
FORMATS = ("xlsx", "csv")
BENCH_REF = "bench-export"


# ------------------------------------------------------------
# Children: each step runs in a process of its own
# ------------------------------------------------------------


def load_partners(env, total):
    """Bring the benchmark partners to ``total``, three consent lines each.

    Partners are inserted in one statement (their commercial partner set on the
    way); four in five answered, inserted in one statement; the foundation's
    placeholders (one statement) add the "no answer" lines of the others.
    """
    cr = env.cr
    start = bench.count_partners(cr, BENCH_REF)
    if start >= total:
        return 0
    cr.execute(
        """
        INSERT INTO res_partner (
            id, commercial_partner_id, name, complete_name, commercial_company_name,
            email, email_normalized, phone, mobile, lang, ref, active, type,
            is_company, privacy_request_date, privacy_answer_date,
            create_uid, create_date, write_uid, write_date)
        SELECT s.id, s.id, 'Contact ' || g, 'Contact ' || g, 'Company ' || (g %% 997),
               'contact' || g || '@example.com', 'contact' || g || '@example.com',
               '+33 1 42 ' || lpad((g %% 1000000)::text, 6, '0'),
               '+33 6 ' || lpad((g %% 100000000)::text, 8, '0'),
               'en_US', %(ref)s, true, 'contact', false,
               CASE WHEN g %% 2 = 0
                    THEN now() at time zone 'UTC' - (g %% 700) * interval '1 hour'
               END,
               CASE WHEN g %% 4 = 0
                    THEN now() at time zone 'UTC' - (g %% 700) * interval '1 minute'
               END,
               1, now() at time zone 'UTC', 1, now() at time zone 'UTC'
          FROM (SELECT nextval('res_partner_id_seq') AS id, g
                  FROM generate_series(%(start)s + 1, %(total)s) AS g) AS s
        RETURNING id
        """,
        {"ref": BENCH_REF, "start": start, "total": total},
    )
    new_ids = [row[0] for row in cr.fetchall()]
    cr.execute(
        """
        INSERT INTO privacy_partner_consent (
            partner_id, type_id, company_id, state, method, date_given, date_expiry,
            user_id, create_uid, create_date, write_uid, write_date)
        SELECT p.id, t.id, t.company_id,
               (ARRAY['given', 'refused', 'withdrawn'])[1 + (p.id + t.sequence) %% 3],
               (ARRAY['oral', 'email', 'web_form', 'import'])[1 + p.id %% 4],
               a.date_given,
               a.date_given + NULLIF(t.validity_days, 0),
               1, 1, now() at time zone 'UTC', 1, now() at time zone 'UTC'
          FROM res_partner p
          JOIN privacy_consent_type t ON t.active
         CROSS JOIN LATERAL (
               SELECT CASE WHEN (p.id + t.sequence) %% 3 = 0
                           THEN current_date - (p.id %% 900) END AS date_given) a
         WHERE p.id = ANY(%(ids)s) AND p.id %% 5 <> 0
        """,
        {"ids": new_ids},
    )
    partners = env["res.partner"].browse(new_ids)
    env["privacy.partner.consent"]._create_placeholders(partners=partners)
    cr.execute("ANALYZE res_partner")
    cr.execute("ANALYZE privacy_partner_consent")
    cr.commit()
    return len(new_ids)


def export_ours(env, file_format):
    export = env["privacy.consent.export"].create(
        {"name": "benchmark", "file_format": file_format, "partner_domain": "[]"}
    )
    export._run_export()
    return export.row_count, export.attachment_id.file_size


def native_fields():
    """The columns of our export, in Odoo's native export: the partner's, its
    consents' through the ``privacy_consent_ids`` one2many, then the request
    and answer date-times."""
    from odoo.addons.privacy_gdpr.models.privacy_consent_export import (
        CONSENT_COLUMNS,
        PARTNER_COLUMNS,
    )

    dates = ["privacy_request_date", "privacy_answer_date"]
    partner = [name for name in PARTNER_COLUMNS if name not in ("id", *dates)]
    consents = [
        f"privacy_consent_ids/{name}"
        for name in CONSENT_COLUMNS
        if name != "partner_id"
    ]
    return partner + consents + dates


def export_native(env, file_format):
    """What /web/export/xlsx and /web/export/csv do, without the HTTP layer."""
    import odoo.http

    from odoo.addons.web.controllers.export import CSVExport, ExcelExport

    Partner = env["res.partner"].with_context(import_compat=False)
    # The controllers read request.env (currency digits, error messages).
    odoo.http._request_stack.push(SimpleNamespace(env=env))
    records = Partner.search([], offset=0, limit=False, order=False)
    fields = native_fields()
    rows = records.export_data(fields).get("datas", [])
    fields_info = [{"name": fname, "label": fname, "type": "char"} for fname in fields]
    controller = ExcelExport() if file_format == "xlsx" else CSVExport()
    data = controller.from_data(fields_info, fields, rows)
    return len(rows), len(data)


def child_main(args):
    env = bench.admin_env(args.database)
    if args.load:
        added = load_partners(env, args.load)
        print(json.dumps({"added": added}))
        return
    started = time.perf_counter()
    exporter = export_ours if args.measure == "ours" else export_native
    rows, size = exporter(env, args.format)
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    env.cr.rollback()
    env.cr.close()
    print(
        json.dumps(
            {"seconds": seconds, "peak_mb": peak_kb / 1024, "rows": rows, "bytes": size}
        )
    )


# ------------------------------------------------------------
# The run
# ------------------------------------------------------------


def run_child(database, *options):
    command = [sys.executable, __file__, "--child", "--database", database, *options]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    if result.returncode:
        sys.exit(f"bench: ERROR in {' '.join(options)}:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main():
    parser = bench.argument_parser(__doc__.split("\n")[0], "privacy_gdpr_bench_export")
    parser.add_argument(
        "--reuse", action="store_true", help="keep the database of a previous run"
    )
    parser.add_argument(
        "--sizes",
        default=",".join(map(str, SIZES)),
        help="the two numbers of partners to measure (default: %(default)s)",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--load", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--measure", choices=("ours", "native"), help=argparse.SUPPRESS)
    parser.add_argument("--format", choices=FORMATS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child_main(args)
    devtools.require_conf("bench")
    bench.create_unless_reused(args.database, args.reuse)

    sizes = tuple(int(size) for size in args.sizes.split(","))
    results = {}
    for size in sizes:
        started = time.perf_counter()
        added = run_child(args.database, "--load", str(size))["added"]
        print(
            f"Loaded {added} partners (three consents each) in "
            f"{time.perf_counter() - started:.1f} s: {size} in all",
            flush=True,
        )
        for file_format in FORMATS:
            for kind in ("ours", "native"):
                result = run_child(
                    args.database, "--measure", kind, "--format", file_format
                )
                results[size, kind, file_format] = result
                print(
                    f"  {kind:6} {file_format:4} {result['seconds']:8.1f} s "
                    f"{result['peak_mb']:8.0f} MB",
                    flush=True,
                )
    report(results, sizes)


def report(results, sizes):
    print()
    print(
        "| partners | export | format | rows | file (MB) | time (s) | peak RSS (MB) |"
    )
    print("|---:|---|---|---:|---:|---:|---:|")
    for (size, kind, file_format), result in results.items():
        print(
            f"| {size:,} | {kind} | {file_format} | {result['rows']:,} "
            f"| {result['bytes'] / 2**20:.1f} | {result['seconds']:.1f} "
            f"| {result['peak_mb']:.0f} |"
        )
    print()
    small, large = sizes
    failures = []
    for file_format in FORMATS:
        for size in sizes:
            ours = results[size, "ours", file_format]
            native = results[size, "native", file_format]
            time_ratio = ours["seconds"] / native["seconds"]
            memory_ratio = ours["peak_mb"] / native["peak_mb"]
            print(
                f"{file_format} at {size:,}: time ours/native {time_ratio:.2f}, "
                f"peak memory ours/native {memory_ratio:.2f}"
            )
            if time_ratio > 1:
                failures.append(f"{file_format} at {size:,}: ours slower than native")
        small_peak = results[small, "ours", file_format]["peak_mb"]
        large_peak = results[large, "ours", file_format]["peak_mb"]
        growth = large_peak / small_peak - 1
        print(
            f"{file_format}: our peak memory {small_peak:.0f} MB at {small:,}, "
            f"{large_peak:.0f} MB at {large:,} (growth {growth:+.1%})"
        )
        if small_peak >= 300:
            failures.append(f"{file_format}: {small_peak:.0f} MB at {small:,}")
        if growth >= 0.2:
            failures.append(f"{file_format}: memory grows {growth:.0%}")
    print()
    print("targets: " + ("all met" if not failures else "; ".join(failures)))


if __name__ == "__main__":
    main()
