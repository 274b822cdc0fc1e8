"""Benchmark: the telephony API's check under load, against the ceilings of
an Odoo endpoint that answers from the database.

In one run, on its own database (dropped and re-created unless --reuse):

1. installs privacy_gdpr and the benchmark's own addon privacy_gdpr_bench
   (benchmarks/addons, added to the addons path of this benchmark's Odoo only;
   it depends on sms, for res.partner's stock phone search), without demo
   data, and loads --partners partners (default 100,000; 1,000,000 works) in
   SQL: one INSERT ... SELECT generate_series writes French and Italian
   numbers in many formats and their E.164 forms, then the foundation's
   placeholders (one SQL statement) and one UPDATE giving a call consent to
   half of them (a tenth of those expired); a sample is then recomputed by the
   ORM and must match what was loaded;
2. creates a Privacy User with an API key;
3. starts Odoo with 2 workers on loopback (serving only this database) and
   measures, with wrk, the same concurrency for the same duration after a
   warm-up (4 connections by default: see --connections), the routes taking
   turns in rounds so that the load of the machine weighs on all alike:

   - ``ceiling``: the benchmark addon's ``/privacy_gdpr_bench/lookup``, auth
     "none": the same JSON parsed and one indexed SELECT on the stored E.164
     numbers through Odoo's cursor, the ceiling of any Odoo endpoint that
     answers from the database;
   - ``stock``: how a telephony integration asks stock Odoo today, JSON-RPC
     ``execute_kw`` of ``res.partner.search_read`` on ``phone_mobile_search``
     with the API key (it finds only the numbers stored in international
     format and answers no consent question);
   - ``check``: ``/privacy_gdpr/api/v1/check`` with random known (80 %) and
     unknown (20 %) numbers in various formats;
   - ``batch``: the same check for call lists of 1,000 numbers (``phones``);
   - ``refused``, for the record: the check refused before the lookup (an
     unknown channel, answered 400): Odoo's dispatch, the API key, the JSON
     and the validation without the number's parsing and the SQL query; its
     400s are expected and are not errors.

It prints the requests, throughput, latency and errors of each, and the
targets: check/ceiling >= 0.80, check/stock >= 1.5, the check's p99 < 20 ms,
0 errors, batch >= 20,000 numbers per second; and how much CPU wrk itself
used (it must not be the limit) and the machine's load average.

Usage: make bench-telephony [BENCH_ARGS="--partners 1000000"]
   or: python benchmarks/bench_telephony.py [--reuse] [--partners N]
       [--port 18271] [--rounds 10]
Needs wrk (Debian: apt-get install wrk).
"""

import argparse
import collections
import configparser
import functools
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import date, timedelta
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import devtools
from devtools import BENCH_DIR, CONF, bench

PARTNERS = 100_000
CONSENT_SHARE = 0.5  # partners with a call consent
EXPIRED_SHARE = 0.1  # of those, given too long ago
SAMPLE = 2_000  # numbers the load generator picks from
BATCH = 1_000  # numbers of a call list checked at once
BATCHES = 8  # call lists the load generator picks from
CHECK_PATH = "/privacy_gdpr/api/v1/check"
CEILING_PATH = "/privacy_gdpr_bench/lookup"
STOCK_PATH = "/jsonrpc"
BENCH_ADDONS = Path(__file__).resolve().parent / "addons"
LOGIN = "bench_telephony"
# Refused at the channel, the first field read: nothing is looked up.
REFUSED_BODY = json.dumps({"channel": "fax", "phone": "+33612345678"})

LUA = """
local bodies = {%(bodies)s}
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
%(auth)s
local counter = 0
function setup(thread)
    counter = counter + 1
    thread:set("seed", counter)
end
function init(args)
    math.randomseed(os.time() * 100 + tonumber(wrk.thread:get("seed")))
end
function request()
    return wrk.format(nil, nil, nil, bodies[math.random(#bodies)])
end
function done(summary, latency, requests)
    local e = summary.errors
    io.write(string.format(
        'RESULT {"requests": %%d, "duration_us": %%d, "connect": %%d, "read": %%d, '
        .. '"write": %%d, "status": %%d, "timeout": %%d, "p50_us": %%d, '
        .. '"p90_us": %%d, "p99_us": %%d, "max_us": %%d}\\n',
        summary.requests, summary.duration, e.connect, e.read, e.write, e.status,
        e.timeout, latency:percentile(50), latency:percentile(90),
        latency:percentile(99), latency.max))
    -- Every latency seen (microseconds) and how often: the percentiles of
    -- several runs are those of their merged distributions.
    local seen = {}
    for i = 1, #latency do
        local value, count = latency(i)
        seen[#seen + 1] = string.format("%%d:%%d", value, count)
    end
    io.write("LATENCIES " .. table.concat(seen, ",") .. "\\n")
end
"""


# ------------------------------------------------------------
# Numbers: French and Italian, in the formats people write
# ------------------------------------------------------------


def unknown_number(rng):
    """A valid number that no loaded partner has: a French 02 or Italian 02
    (Milan) landline, prefixes that :func:`load_partners` never writes."""
    if rng.random() < 0.6:
        # Not 026x: numbers of Réunion and Mayotte, some invalid in France.
        return "FR", "2" + rng.choice("012345789") + f"{rng.randrange(10**7):07d}"
    return "IT", "02" + f"{rng.randrange(10**8):08d}"


def write_french(digits, rng):
    pairs = " ".join(("0" + digits)[i : i + 2] for i in range(0, 10, 2))
    return rng.choice(
        [
            pairs,
            pairs.replace(" ", "."),
            pairs.replace(" ", "-"),
            "0" + digits,
            f"+33 {digits[0]} " + pairs[3:],
            "+33" + digits,
            "0033" + digits,
            f"+33 (0){digits[0]} " + pairs[3:],
        ]
    )


def write_italian(digits, rng):
    spaced = f"{digits[:3]} {digits[3:6]} {digits[6:]}"
    return rng.choice(
        [
            spaced,
            digits,
            spaced.replace(" ", "."),
            "+39 " + spaced,
            "+39" + digits,
            "0039 " + spaced.replace(" ", "-"),
        ]
    )


def write_number(country, digits, rng):
    """``digits`` of ``country`` written as people do, with or without prefix."""
    return (write_french if country == "FR" else write_italian)(digits, rng)


# ------------------------------------------------------------
# Database
# ------------------------------------------------------------


def bench_conf():
    """The configuration of this benchmark's Odoo: the checkout's, with the
    benchmark's addons added to the addons path (users never install them)."""
    parser = configparser.ConfigParser()
    parser.read(CONF)
    options = parser["options"]
    options["addons_path"] = f"{options['addons_path']},{BENCH_ADDONS}"
    BENCH_DIR.mkdir(exist_ok=True)
    path = BENCH_DIR / "bench_telephony.conf"
    with path.open("w") as conf:
        parser.write(conf)
    return path


def open_env(database):
    return bench.odoo_env(database, conf=bench_conf(), options=("--log-level", "warn"))


def create_database(database):
    step("install privacy_gdpr and privacy_gdpr_bench")
    devtools.install_database(
        database, "privacy_gdpr,privacy_gdpr_bench", conf=bench_conf(), prog="bench"
    )


# Partner g (0, 1, ...) of the load: French when g % 5 < 3, else Italian; its
# number's 8 last digits k (7 for French mobiles, whose next digit is limited)
# are a bijection of g (7919 is prime to 10), so every partner has its own
# number but one in a hundred, which takes the number (and country) of the
# partner before it (a shared number); up to 10,000,000 partners. Phone: a
# French 01 or Italian 06 landline; mobile (3 in 10): a French 06 0 or Italian
# 33x mobile.
# Each is written in one of 4 ways (g % 4), and its E.164 form is the country
# code and the national digits, as phonenumbers formats them: the sample
# recomputed by the ORM checks that.
LOAD_SQL = """
WITH g AS (
    SELECT g, CASE WHEN g %% 100 = 99 THEN g - 1 ELSE g END AS src,
           %(first)s + g AS id
      FROM generate_series(0, %(count)s - 1) AS g
), n AS (
    SELECT g, id, src %% 5 < 3 AS fr, g %% 4 AS form, g %% 10 < 3 AS has_mobile,
           lpad(((src::bigint * 7919 + 12345) %% 100000000)::text, 8, '0') AS k,
           lpad(((src::bigint * 7919 + 12345) %% 10000000)::text, 7, '0') AS k7
      FROM g
), d AS (
    SELECT id, fr, form,
           CASE WHEN fr THEN '1' ELSE '06' END || k AS phone,
           CASE WHEN NOT has_mobile THEN NULL
                WHEN fr THEN '60' || k7 ELSE '33' || k END AS mobile
      FROM n
)
INSERT INTO res_partner (
    id, name, complete_name, phone, mobile, country_id,
    privacy_phone_e164, privacy_mobile_e164, commercial_partner_id,
    active, type, is_company, partner_share, lang,
    create_uid, write_uid, create_date, write_date)
SELECT id, 'Bench ' || id, 'Bench ' || id,
       pg_temp.privacy_bench_written(phone, fr, form),
       pg_temp.privacy_bench_written(mobile, fr, form),
       CASE WHEN fr THEN %(fr)s ELSE %(it)s END,
       CASE WHEN fr THEN '+33' ELSE '+39' END || phone,
       CASE WHEN fr THEN '+33' ELSE '+39' END || mobile,
       id, true, 'contact', false, true, 'en_US',
       1, 1, now() at time zone 'utc', now() at time zone 'utc'
  FROM d
"""
# National digits written as people do (see write_french, write_italian).
WRITTEN_SQL = """
CREATE FUNCTION pg_temp.privacy_bench_written(digits text, fr boolean, form int)
RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN digits IS NULL THEN NULL
        WHEN fr THEN CASE form
            WHEN 0 THEN '0' || substr(digits, 1, 1) || ' ' || substr(digits, 2, 2)
                        || ' ' || substr(digits, 4, 2) || ' ' || substr(digits, 6, 2)
                        || ' ' || substr(digits, 8, 2)
            WHEN 1 THEN '0' || digits
            WHEN 2 THEN '+33 ' || substr(digits, 1, 1) || ' ' || substr(digits, 2, 2)
                        || ' ' || substr(digits, 4, 2) || ' ' || substr(digits, 6, 2)
                        || ' ' || substr(digits, 8, 2)
            ELSE '+33' || digits END
        ELSE CASE form
            WHEN 0 THEN substr(digits, 1, 3) || ' ' || substr(digits, 4, 3)
                        || ' ' || substr(digits, 7)
            WHEN 1 THEN digits
            WHEN 2 THEN '+39 ' || substr(digits, 1, 3) || ' ' || substr(digits, 4, 3)
                        || ' ' || substr(digits, 7)
            ELSE '0039' || digits END
    END
$$
"""


def load_partners(env, rng, count):
    """Insert ``count`` partners with numbers in SQL, then their consents.

    :return: the (country, national digits) of a sample of their numbers
    """
    Partner = env["res.partner"]
    countries = {code: env.ref(f"base.{code.lower()}") for code in ("FR", "IT")}
    env.company.country_id = countries["FR"]
    env.flush_all()
    cr = env.cr
    cr.execute("LOCK TABLE res_partner IN EXCLUSIVE MODE")
    cr.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM res_partner")
    first_id = cr.fetchone()[0]
    cr.execute(WRITTEN_SQL)
    cr.execute(
        LOAD_SQL,
        {
            "first": first_id,
            "count": count,
            "fr": countries["FR"].id,
            "it": countries["IT"].id,
        },
    )
    cr.execute("SELECT setval('res_partner_id_seq', MAX(id)) FROM res_partner")
    partners = Partner.browse(range(first_id, first_id + count))
    env["privacy.partner.consent"]._create_placeholders(partners=partners)
    call_type = env.ref("privacy_gdpr.consent_type_commercial_phone")
    given_ids = rng.sample(partners.ids, int(count * CONSENT_SHARE))
    expired = int(len(given_ids) * EXPIRED_SHARE)
    today = date.today()
    for ids, days_ago in (
        (given_ids[expired:], 30),
        (given_ids[:expired], call_type.validity_days + 30),
    ):
        # date_expiry as the ORM computes it: date given + validity of the type.
        cr.execute(
            """
            UPDATE privacy_partner_consent
               SET state = 'given', method = 'phone', date_given = %(given)s,
                   date_expiry = %(given)s::date + %(validity)s
             WHERE type_id = %(type)s AND partner_id = ANY(%(ids)s)
            """,
            {
                "given": today - timedelta(days=days_ago),
                "validity": call_type.validity_days,
                "type": call_type.id,
                "ids": ids,
            },
        )
    env.invalidate_all()
    verify_computed(env, partners, rng)
    cr.execute(
        """
        SELECT e164 FROM (
            SELECT privacy_phone_e164 AS e164 FROM res_partner WHERE id >= %(first)s
             UNION ALL
            SELECT privacy_mobile_e164 FROM res_partner
             WHERE id >= %(first)s AND privacy_mobile_e164 IS NOT NULL
        ) AS numbers
         ORDER BY random() LIMIT %(sample)s
        """,
        {"first": first_id, "sample": SAMPLE * 10},
    )
    numbers = [
        ("FR" if number.startswith("+33") else "IT", number[3:])
        for (number,) in cr.fetchall()
    ]
    cr.commit()
    return numbers


def verify_computed(env, partners, rng):
    """The loaded E.164 numbers and expiry dates are what the ORM computes."""
    sample = partners.browse(rng.sample(partners.ids, 500))
    fields = [
        sample._fields["privacy_phone_e164"],
        sample._fields["privacy_mobile_e164"],
        sample.privacy_consent_ids._fields["date_expiry"],
    ]
    loaded = {p.id: (p.privacy_phone_e164, p.privacy_mobile_e164) for p in sample}
    consents = sample.privacy_consent_ids
    loaded_expiry = {c.id: c.date_expiry for c in consents}
    env.cr.execute("SAVEPOINT bench_verify")
    env.add_to_compute(fields[0], sample)
    env.add_to_compute(fields[1], sample)
    env.add_to_compute(fields[2], consents)
    env.flush_all()
    env.invalidate_all()
    computed = {p.id: (p.privacy_phone_e164, p.privacy_mobile_e164) for p in sample}
    computed_expiry = {c.id: c.date_expiry for c in consents}
    env.cr.execute("ROLLBACK TO SAVEPOINT bench_verify")
    env.invalidate_all()
    if computed != loaded or computed_expiry != loaded_expiry:
        raise SystemExit("bench: loaded values differ from the ORM's computation")


def create_api_user(env):
    user = env["res.users"].create(
        {
            "name": "Telephony bench",
            "login": LOGIN,
            "groups_id": [
                (6, 0, [env.ref("privacy_gdpr.group_privacy_user").id]),
            ],
        }
    )
    # The key's scope: None, valid for the external API (the stock lookup) too.
    key = env["res.users.apikeys"].with_user(user).sudo()._generate(None, "PBX", None)
    env.cr.commit()
    return user.id, key


def prepare(database, reuse, partners, rng):
    """The database, its numbers, and a Privacy User's API key."""
    BENCH_DIR.mkdir(exist_ok=True)
    state_file = BENCH_DIR / f"{database}.json"
    if reuse and state_file.exists():
        state = json.loads(state_file.read_text())
        if state.get("partners") == partners:
            step(f"reuse {database}")
            return state
    if not (reuse and devtools.database_exists(database, prog="bench")):
        create_database(database)
    env = open_env(database)
    try:
        step(f"load {partners} partners and their consents")
        started = time.perf_counter()
        numbers = load_partners(env, rng, partners)
        uid, key = create_api_user(env)
        loaded_in = time.perf_counter() - started
    finally:
        env.cr.close()
    # Fresh statistics, and indexes usable at once by every transaction.
    step("vacuum and analyse")
    vacuum(database)
    state = {
        "partners": partners,
        "numbers": numbers,
        "uid": uid,
        "key": key,
        "load_seconds": round(loaded_in, 1),
    }
    state_file.write_text(json.dumps(state))
    return state


def vacuum(database):
    devtools.execute_autocommit(
        database,
        "VACUUM FULL ANALYZE res_partner",
        "VACUUM FULL ANALYZE privacy_partner_consent",
        prog="bench",
    )


# ------------------------------------------------------------
# Load
# ------------------------------------------------------------


def start_odoo(database, port, log_path):
    """Odoo with 2 workers serving only this database (no list of databases at
    each request), on ``port`` of the loopback."""
    server = devtools.OdooServer(
        database,
        log_path,
        workers=2,
        cron_threads=0,
        port=port,
        log_level="warn",
        conf=bench_conf(),
        start_timeout=120,
    )
    try:
        return server.start()
    except RuntimeError as error:
        raise SystemExit(f"bench: {error}") from error


def post(port, path, body, key=None):
    headers = {"Content-Type": "application/json"}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", data=body.encode(), headers=headers
    )
    with urllib.request.urlopen(req, timeout=10) as response:
        return json.loads(response.read())


def e164(country, digits):
    return ("+33" if country == "FR" else "+39") + digits


def check_body(country, digits, rng):
    text = write_number(country, digits, rng)
    payload = {"channel": "call", "phone": text}
    if country == "IT" and not text.startswith(("+", "00")):
        payload["country"] = "IT"  # a national Italian number, from France
    return json.dumps(payload)


def ceiling_body(country, digits, _rng):
    return json.dumps({"channel": "call", "phone": e164(country, digits)})


def stock_body(database, uid, key):
    """The stock lookup of a number: ``body(country, digits, rng)``."""

    def body(country, digits, _rng):
        domain = [["phone_mobile_search", "=", e164(country, digits)]]
        args = [database, uid, key, "res.partner", "search_read", [domain]]
        args.append({"fields": ["id", "name"], "limit": 51})
        params = {"service": "object", "method": "execute_kw", "args": args}
        return json.dumps(
            {"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}
        )

    return body


def chosen_numbers(numbers, rng, count):
    """``count`` numbers: 80 % known, 20 % unknown."""
    chosen = [tuple(rng.choice(numbers)) for _i in range(count * 4 // 5)]
    chosen += [unknown_number(rng) for _i in range(count - len(chosen))]
    rng.shuffle(chosen)
    return chosen


def batch_bodies(numbers, rng):
    """Call lists of BATCH numbers in various formats (Italian ones with their
    prefix: a list is read in one country)."""
    bodies = []
    for _i in range(BATCHES):
        phones = [
            write_number(country, digits, rng) if country == "FR" else "+39 " + digits
            for country, digits in chosen_numbers(numbers, rng, BATCH)
        ]
        bodies.append(json.dumps({"channel": "call", "phones": phones}))
    return bodies


def lua_script(bodies, key=None):
    return LUA % {
        "bodies": ",\n".join(lua_string(body) for body in bodies),
        "auth": f'wrk.headers["Authorization"] = "Bearer {key}"' if key else "",
    }


def lua_string(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def run_wrk(url, lua, args, seconds, latency=True):
    """One wrk run of ``seconds``: its RESULT line, and the CPU wrk used."""
    command = ["wrk", "-t", str(args.threads), "-c", str(args.connections)]
    # A call list of 1,000 numbers on a busy machine may take over wrk's
    # default timeout of 2 s.
    command += ["-d", f"{seconds}s", "--timeout", "10s", "-s", lua, url]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    output = subprocess.run(
        command + (["--latency"] if latency else []),
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    lines = output.splitlines()
    line = next(x for x in lines if x.startswith("RESULT "))
    result = json.loads(line[len("RESULT ") :])
    line = next(x for x in lines if x.startswith("LATENCIES "))
    result["latencies"] = collections.Counter()
    for pair in filter(None, line[len("LATENCIES ") :].split(",")):
        value, count = map(int, pair.split(":"))
        result["latencies"][value] += count
    result["wrk_cpu"] = (after.ru_utime + after.ru_stime) - (
        before.ru_utime + before.ru_stime
    )
    result["errors"] = sum(
        result[k] for k in ("connect", "read", "write", "status", "timeout")
    )
    return result


def server_cpu(server, database):
    """{pid: CPU seconds} of the processes that serve the requests: Odoo's
    workers and the PostgreSQL backends of ``database``."""
    processes = []
    try:
        processes = psutil.Process(server.process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        pass
    for process in psutil.process_iter(["cmdline"]):
        cmdline = process.info["cmdline"] or []
        if (
            cmdline
            and cmdline[0].startswith("postgres:")
            and (f" {database} " in cmdline[0])
        ):
            processes.append(process)
    seconds = {}
    for process in processes:
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:
            continue
        seconds[process.pid] = times.user + times.system
    return seconds


def measure(port, scripts, args, cpu=None):
    """Load each route of ``scripts`` ({name: (path, lua script)}) alike.

    Each is warmed up, then they take turns for ``args.rounds`` rounds, so a
    change of the machine's load during the run weighs on all alike. Totals
    add up; latency percentiles are those of all the requests of all rounds.
    ``cpu()``: {pid: CPU seconds} of the serving processes, whose growth during
    each run is the CPU that its requests cost (``server_cpu``): unlike the
    throughput, it does not depend on what else the machine runs.
    """
    seconds = max(1, args.duration // args.rounds)
    results = {name: [] for name in scripts}
    with tempfile.TemporaryDirectory(dir=BENCH_DIR) as tmp:
        runs = {}
        for name, (path, script) in scripts.items():
            lua = Path(tmp, f"{name}.lua")
            lua.write_text(script)
            runs[name] = (f"http://127.0.0.1:{port}{path}", str(lua))
            run_wrk(*runs[name], args, args.warmup, latency=False)
        for round_ in range(args.rounds):
            step(f"round {round_ + 1}/{args.rounds}: {seconds} s per route")
            # The routes take turns in rotating order: none always follows
            # the same other.
            names = list(scripts)
            shift = round_ % len(names)
            names = names[shift:] + names[:shift]
            for name in names:
                before = cpu() if cpu else {}
                result = run_wrk(*runs[name], args, seconds)
                after = cpu() if cpu else {}
                result["server_cpu"] = sum(
                    used - before.get(pid, 0) for pid, used in after.items()
                )
                results[name].append(result)
    return {name: merge(rounds) for name, rounds in results.items()}


def merge(rounds):
    total = {
        key: sum(r[key] for r in rounds)
        for key in ("requests", "duration_us", "errors", "wrk_cpu", "server_cpu")
    }
    # CPU milliseconds per request of Odoo's workers and PostgreSQL.
    total["cpu_ms"] = total["server_cpu"] * 1000 / max(total["requests"], 1)
    latencies = sum((r["latencies"] for r in rounds), collections.Counter())
    total.update(
        {f"p{p}_us": percentile(latencies, p) for p in (50, 90, 99)},
    )
    total["rps"] = total["requests"] / (total["duration_us"] / 1e6)
    return total


def percentile(latencies, percent):
    """The latency below which ``percent`` % of ``latencies`` ({value: count})
    are."""
    rank = sum(latencies.values()) * percent / 100
    seen = 0
    for value in sorted(latencies):
        seen += latencies[value]
        if seen >= rank:
            return value
    return 0


def post_status(port, path, body, key=None):
    """``post``, or the status and JSON of the error answered."""
    try:
        return post(port, path, body, key)
    except urllib.error.HTTPError as error:
        return {"status": error.code, **json.loads(error.read() or b"{}")}


def sanity_check(port, state, bodies, rng):
    """Each route answers as expected, before the load."""
    key, numbers = state["key"], state["numbers"]
    known = post(port, CHECK_PATH, check_body(*numbers[0], rng), key)
    unknown = post(port, CHECK_PATH, check_body(*unknown_number(rng), rng), key)
    if not known["partners"] or unknown["partners"] or unknown["allowed"]:
        raise SystemExit(f"bench: unexpected answers {known} / {unknown}")
    ceiling = post(port, CEILING_PATH, ceiling_body(*numbers[0], rng))
    if ceiling["ids"] != [p["id"] for p in known["partners"]][: len(ceiling["ids"])]:
        raise SystemExit(f"bench: unexpected ceiling answer {ceiling} / {known}")
    stock = post(port, STOCK_PATH, bodies["stock"][0])
    batch = post(port, CHECK_PATH, bodies["batch"][0], key)
    if "result" not in stock or len(batch["results"]) != BATCH:
        raise SystemExit(f"bench: unexpected answers {stock} / {str(batch)[:500]}")
    refused = post_status(port, CHECK_PATH, REFUSED_BODY, key)
    if refused.get("status") != 400 or refused["error"].get("field") != "channel":
        raise SystemExit(f"bench: unexpected answer {refused} to {REFUSED_BODY}")


# ------------------------------------------------------------
# Report
# ------------------------------------------------------------


def step(message):
    print(f"bench: {message}", flush=True)


def report(results, args, state):
    def row(name, r):
        return (
            f"{name:<24} {r['requests']:>9} {r['rps']:>9.1f} {r['p50_us'] / 1000:>8.2f}"
            f" {r['p90_us'] / 1000:>8.2f} {r['p99_us'] / 1000:>8.2f}"
            f" {r['errors']:>7} {r['wrk_cpu'] / (r['duration_us'] / 1e6):>8.2f}"
            f" {r['cpu_ms']:>8.2f}"
        )

    ceiling, stock, check, batch, refused = (
        results[name] for name in ("ceiling", "stock", "check", "batch", "refused")
    )
    print()
    print(
        f"Telephony API check, {state['partners']} partners, Odoo --workers 2, wrk "
        f"-t{args.threads} -c{args.connections}, {args.duration}s each after "
        f"{args.warmup}s warm-up, in {args.rounds} alternate rounds "
        f"(latency: all rounds), {os.cpu_count()} CPUs, {time.strftime('%Y-%m-%d')}"
    )
    print(
        f"{'route':<24} {'requests':>9} {'req/s':>9} {'p50 ms':>8} {'p90 ms':>8}"
        f" {'p99 ms':>8} {'errors':>7} {'wrk CPU':>8} {'CPU ms':>8}"
    )
    print(row("one-query ceiling", ceiling))
    print(row("stock search_read", stock))
    print(row("check", check))
    print(row(f"batch of {BATCH}", batch))
    print(row("check refused", refused) + "  (400s expected)")
    print()
    # Per request, what each costs the machine beyond the ceiling (the same
    # workers serve them all; 1 / throughput is the machine's time per request).
    extra = 1 / check["rps"] - 1 / ceiling["rps"]
    before_lookup = 1 / refused["rps"] - 1 / ceiling["rps"]
    print(
        f"of the check's {extra * 1000:.2f} ms per request over the one-query "
        f"ceiling, {before_lookup * 1000:.2f} ms come before the lookup (API key, "
        f"JSON, validation) and {(extra - before_lookup) * 1000:.2f} ms from the "
        "lookup (number, record rules, consents, answer)"
    )
    print()
    # The same ratios from the CPU each request costs the serving processes:
    # what the throughputs would be on a machine doing nothing else.
    cores = os.cpu_count()
    print(
        f"by CPU per request: check/ceiling {ceiling['cpu_ms'] / check['cpu_ms']:.2f},"
        f" check/stock {stock['cpu_ms'] / check['cpu_ms']:.2f}, batch "
        f"{BATCH * 1000 / batch['cpu_ms']:.0f} numbers per CPU second "
        f"({cores} cores: {cores * BATCH * 1000 / batch['cpu_ms']:.0f} numbers/s)"
    )
    print()
    to_ceiling = check["rps"] / ceiling["rps"]
    to_stock = check["rps"] / stock["rps"]
    numbers_per_second = batch["rps"] * BATCH
    errors = check["errors"] + batch["errors"]
    verdicts = [
        ("check/one-query ceiling", f"{to_ceiling:.2f}", ">= 0.80", to_ceiling >= 0.8),
        ("check/stock lookup", f"{to_stock:.2f}", ">= 1.50", to_stock >= 1.5),
        (
            "check p99",
            f"{check['p99_us'] / 1000:.1f} ms",
            "< 20 ms",
            check["p99_us"] < 20_000,
        ),
        ("check and batch errors", str(errors), "0", errors == 0),
        (
            "batch numbers/s",
            f"{numbers_per_second:.0f}",
            ">= 20000",
            numbers_per_second >= 20_000,
        ),
    ]
    for name, value, target, ok in verdicts:
        print(f"{name:<26} {value:>10}  target {target:<8} {'OK' if ok else 'MISSED'}")
    print(
        f"(data loaded in {state.get('load_seconds', '?')} s; wrk CPU is in cores "
        "used by the load generator itself; load average (1, 5, 15 min) "
        f"{state['load_before']} before, {state['load_after']} after)"
    )
    return all(ok for *_rest, ok in verdicts)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default="privacy_gdpr_bench_telephony")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="reuse the database: loaded, or only installed",
    )
    parser.add_argument("--port", type=int, default=18271)
    parser.add_argument("--threads", type=int, default=2)
    # A PBX asks once per call: even a large call centre has a handful of checks
    # in flight. 4 keeps both workers busy at all times (the throughput is the
    # most they serve) without measuring the time spent queueing behind other
    # clients' requests (16 connections on 2 workers: 8 requests deep each).
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument(
        "--rounds",
        type=int,
        default=10,
        # Short turns: the load of a shared machine changes within seconds.
        help="turns the routes take (default 10)",
    )
    parser.add_argument(
        "--partners",
        type=int,
        default=PARTNERS,
        help=f"partners loaded (default {PARTNERS})",
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("bench: ERROR: wrk is missing (Debian: apt-get install wrk).")
    devtools.require_conf("bench")
    rng = random.Random(20240521)
    state = prepare(args.database, args.reuse, args.partners, rng)
    # The same numbers for the lookups: known (80 %) and unknown (20 %).
    chosen = chosen_numbers(state["numbers"], rng, SAMPLE)
    stock = stock_body(args.database, state["uid"], state["key"])
    bodies = {
        "ceiling": [ceiling_body(*number, rng) for number in chosen],
        "stock": [stock(*number, rng) for number in chosen],
        "check": [check_body(*number, rng) for number in chosen],
        "batch": batch_bodies(state["numbers"], rng),
        "refused": [REFUSED_BODY],
    }
    log_path = BENCH_DIR / f"{args.database}-odoo.log"
    step(f"start Odoo (2 workers) on 127.0.0.1:{args.port}, log in {log_path}")
    server = start_odoo(args.database, args.port, log_path)
    try:
        sanity_check(args.port, state, bodies, rng)
        # The machine may be shared: its load is part of the figures.
        state["load_before"] = os.getloadavg()
        key = state["key"]
        results = measure(
            args.port,
            {
                "ceiling": (CEILING_PATH, lua_script(bodies["ceiling"])),
                "stock": (STOCK_PATH, lua_script(bodies["stock"])),
                "check": (CHECK_PATH, lua_script(bodies["check"], key)),
                "batch": (CHECK_PATH, lua_script(bodies["batch"], key)),
                "refused": (CHECK_PATH, lua_script(bodies["refused"], key)),
            },
            args,
            functools.partial(server_cpu, server, args.database),
        )
        state["load_after"] = os.getloadavg()
    finally:
        server.stop()
    return 0 if report(results, args, state) else 1


if __name__ == "__main__":
    sys.exit(main())
