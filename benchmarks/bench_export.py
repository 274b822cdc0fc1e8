"""Benchmark: export the partner base with consents, ours against Odoo's native export.

In one run, on its own database (dropped and re-created unless --reuse), for
each size of ``--partners`` (default 100,000 then 200,000):

1. brings the partners to that size with three consent types each, fast: one
   SQL insert of the partners, one of their answers, and the foundation's
   placeholder lines (one SQL statement) for the partners without an answer;
2. exports them with our export (the same ``privacy.consent.export`` job the
   wizard and the scheduled action run: keyset batches, streamed XLSX/CSV file,
   stored as an attachment) and with Odoo's native export of comparable fields
   (``res.partner.export_data`` of name, company, e-mail, phone, mobile, language,
   the consents' type, state, date given, expiry date and method through the
   ``privacy_consent_ids`` one2many, and the request/answer date-times, then the
   very ``from_data`` of Odoo's XLSX and CSV export controllers).

Odoo's native export holds every row in memory (2.2 GB of XLSX at 200,000
partners): it exports at most ``--native-limit`` partners (default 200,000),
its time extrapolated to the whole base at its rate and said so; 0 leaves it
out. Any export whose process goes over ``--memory-cap`` MB is stopped.

Each export runs in its own process: the time is that of the export alone (the
registry is loaded before the clock starts), the memory is the peak resident set
size of that process (``ru_maxrss``: Odoo's own footprint included, as a
worker's limit would see it). The machine's load is printed before and after.

Usage: make bench-export [BENCH_EXPORT_PARTNERS=1000000] [BENCH_EXPORT_DB=...]
   or: python benchmarks/bench_export.py --partners 1000000 --native-limit 100000
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
# Our export's time at most this share of the native export's.
TIME_TARGETS = {"xlsx": 1, "csv": 0.5}
MEMORY_TARGET_MB = 300
# Odoo's native export beyond this many partners needs GBs (2.2 GB of XLSX at
# 200,000): measured on this many, its rate extrapolated.
NATIVE_LIMIT = 200_000
MEMORY_CAP_MB = 3072
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
    from odoo.tools import SQL

    cr = env.cr
    new_ids = bench.insert_contacts(
        cr,
        (BENCH_REF,),
        total,
        {
            "commercial_company_name": SQL("'Company ' || mod(g, 997)"),
            "phone": SQL("'+33 1 42 ' || lpad(mod(g, 1000000)::text, 6, '0')"),
            "mobile": SQL("'+33 6 ' || lpad(mod(g, 100000000)::text, 8, '0')"),
            "privacy_request_date": SQL(
                "CASE WHEN mod(g, 2) = 0 THEN now() at time zone 'UTC'"
                " - mod(g, 700) * interval '1 hour' END"
            ),
            "privacy_answer_date": SQL(
                "CASE WHEN mod(g, 4) = 0 THEN now() at time zone 'UTC'"
                " - mod(g, 700) * interval '1 minute' END"
            ),
        },
    )
    if not new_ids:
        return 0
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


def export_ours(env, file_format, limit):
    """Our export of every partner (``limit`` is the native export's alone)."""
    export = env["privacy.consent.export"].create(
        {"name": "benchmark", "file_format": file_format, "partner_domain": "[]"}
    )
    export._run_export()
    partners = env["res.partner"].search_count([])
    return partners, export.row_count, export.attachment_id.file_size


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


def export_native(env, file_format, limit):
    """What /web/export/xlsx and /web/export/csv do, without the HTTP layer, for
    every partner or the first ``limit``."""
    import odoo.http

    from odoo.addons.web.controllers.export import CSVExport, ExcelExport

    Partner = env["res.partner"].with_context(import_compat=False)
    # The controllers read request.env (currency digits, error messages).
    odoo.http._request_stack.push(SimpleNamespace(env=env))
    records = Partner.search(
        [], offset=0, limit=limit or False, order="id" if limit else False
    )
    fields = native_fields()
    rows = records.export_data(fields).get("datas", [])
    fields_info = [{"name": fname, "label": fname, "type": "char"} for fname in fields]
    controller = ExcelExport() if file_format == "xlsx" else CSVExport()
    data = controller.from_data(fields_info, fields, rows)
    return len(records), len(rows), len(data)


def child_main(args):
    env = bench.admin_env(args.database)
    if args.load:
        added = load_partners(env, args.load)
        print(json.dumps({"added": added}))
        return
    started = time.perf_counter()
    exporter = export_ours if args.measure == "ours" else export_native
    partners, rows, size = exporter(env, args.format, args.limit)
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    env.cr.rollback()
    env.cr.close()
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_mb": peak_kb / 1024,
                "partners": partners,
                "rows": rows,
                "bytes": size,
            }
        )
    )


# ------------------------------------------------------------
# The run
# ------------------------------------------------------------


def run_child(database, *options, memory_cap=0):
    """Run a step in a child process and return what it printed, or None when
    it went over ``memory_cap`` MB (0: no cap) and was stopped: Odoo's native
    export holds every row in memory, several GB at a million partners."""
    command = [sys.executable, __file__, "--child", "--database", database, *options]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT
    ) as child:
        while True:
            try:
                stdout, stderr = child.communicate(timeout=0.5)
                break
            except subprocess.TimeoutExpired:
                if memory_cap and bench.resident_mb(child.pid) > memory_cap:
                    child.kill()
                    child.communicate()
                    return None
    if child.returncode:
        sys.exit(f"bench: ERROR in {' '.join(options)}:\n{stderr[-3000:]}")
    return json.loads(stdout.strip().splitlines()[-1])


def main():
    parser = bench.argument_parser(__doc__.split("\n")[0], "privacy_gdpr_bench_export")
    parser.add_argument(
        "--reuse", action="store_true", help="keep the database of a previous run"
    )
    parser.add_argument(
        "--partners",
        default=",".join(map(str, SIZES)),
        help="the numbers of partners to load and measure at, in increasing "
        "order (default: %(default)s)",
    )
    parser.add_argument(
        "--native-limit",
        type=int,
        default=NATIVE_LIMIT,
        help="Odoo's native export exports at most this many partners, its time "
        "extrapolated to the whole base; 0 leaves it out (default: %(default)s)",
    )
    parser.add_argument(
        "--memory-cap",
        type=int,
        default=MEMORY_CAP_MB,
        help="stop an export whose process goes over this many MB "
        "(default: %(default)s)",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--load", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--measure", choices=("ours", "native"), help=argparse.SUPPRESS)
    parser.add_argument("--format", choices=FORMATS, help=argparse.SUPPRESS)
    parser.add_argument("--limit", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child_main(args)
    devtools.require_conf("bench")
    bench.create_unless_reused(args.database, args.reuse)
    bench.report_machine("Before")

    sizes = tuple(int(size) for size in args.partners.split(","))
    kinds = ("ours", "native") if args.native_limit else ("ours",)
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
            for kind in kinds:
                limit = args.native_limit if kind == "native" else 0
                options = ["--measure", kind, "--format", file_format]
                result = run_child(
                    args.database,
                    *options,
                    "--limit",
                    str(limit),
                    memory_cap=args.memory_cap,
                )
                results[size, kind, file_format] = result
                print(
                    f"  {kind:6} {file_format:4} "
                    + (
                        f"{result['seconds']:8.1f} s {result['peak_mb']:8.0f} MB "
                        f"({result['partners']:,} partners)"
                        if result
                        else f"stopped over {args.memory_cap} MB"
                    ),
                    flush=True,
                )
    report(results, sizes)
    bench.report_machine("After")


def native_seconds(results, sizes, size, file_format):
    """The native export's time for every partner at ``size`` and how it was
    obtained: measured, extrapolated at its rate when it exported fewer
    partners, or at its rate at a smaller size when it could not finish
    (memory cap); None when never measured."""
    whole = results[size, "ours", file_format]["partners"]
    for at in sorted((s for s in sizes if s <= size), reverse=True):
        native = results.get((at, "native", file_format))
        if not native:
            continue
        seconds = native["seconds"] * whole / native["partners"]
        if at == size and native["partners"] >= whole:
            return seconds, "measured"
        how = f"extrapolated from its rate over {native['partners']:,} partners"
        if at != size:
            how += f" at {at:,}: it could not finish at {size:,}"
        return seconds, how
    return None, "not measured"


def report(results, sizes):
    print()
    print(
        "| partners | export | format | partners exported | rows | file (MB) "
        "| time (s) | peak RSS (MB) |"
    )
    print("|---:|---|---|---:|---:|---:|---:|---:|")
    for (size, kind, file_format), result in results.items():
        if not result:
            print(f"| {size:,} | {kind} | {file_format} | stopped: memory cap |")
            continue
        print(
            f"| {size:,} | {kind} | {file_format} | {result['partners']:,} "
            f"| {result['rows']:,} | {result['bytes'] / 2**20:.1f} "
            f"| {result['seconds']:.1f} | {result['peak_mb']:.0f} |"
        )
    print()
    failures = []
    for file_format in FORMATS:
        target = TIME_TARGETS[file_format]
        if not all(results[size, "ours", file_format] for size in sizes):
            failures.append(f"{file_format}: ours stopped over the memory cap")
            continue
        for size in sizes:
            ours = results[size, "ours", file_format]
            native, how = native_seconds(results, sizes, size, file_format)
            if native is None:
                print(f"{file_format} at {size:,}: native export {how}")
                continue
            time_ratio = ours["seconds"] / native
            print(
                f"{file_format} at {size:,}: time ours/native {time_ratio:.2f} "
                f"(target <= {target}; native {native:.1f} s, {how})"
            )
            if time_ratio > target:
                failures.append(f"{file_format} at {size:,}: time {time_ratio:.2f}")
        peaks = [results[size, "ours", file_format]["peak_mb"] for size in sizes]
        print(
            f"{file_format}: our peak memory "
            + ", ".join(f"{mb:.0f} MB at {size:,}" for mb, size in zip(peaks, sizes))
            + (f" (growth {peaks[-1] / peaks[0] - 1:+.1%})" if len(sizes) > 1 else "")
            + f", target under {MEMORY_TARGET_MB} MB"
        )
        failures += [
            f"{file_format}: {mb:.0f} MB at {size:,}"
            for mb, size in zip(peaks, sizes)
            if mb >= MEMORY_TARGET_MB
        ]
    print()
    print("targets: " + ("all met" if not failures else "; ".join(failures)))


if __name__ == "__main__":
    main()
