"""Run every test of the project's addons on a fresh database with Odoo's runner.

Prints Odoo's warnings, errors and test progress, keeps the whole log in
.test-logs/, and ends with one summary line: "N passed, N failed, N errors".
Exits non-zero on any failure or error, when Odoo itself fails (a module that
does not install), and when no test ran at all.
"""

import argparse
import configparser
import importlib.util
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
CONF = ROOT / ".odoo.conf"
ADDONS = ["privacy_gdpr", "privacy_gdpr_sale"]
RESULT_RE = re.compile(
    r"(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database"
)
SHOWN_RE = re.compile(
    r" (WARNING|ERROR|CRITICAL) |FAIL:|ERROR:|odoo\.tests\.stats"
    r"|Starting post tests|post-tests in"
)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def recreate_database(name):
    options = configparser.ConfigParser()
    options.read(CONF)
    opts = options["options"]
    password = opts.get("db_password")
    try:
        conn = psycopg2.connect(
            dbname="postgres",
            host=opts.get("db_host"),
            port=opts.get("db_port"),
            user=opts.get("db_user"),
            password=None if password in (None, "False") else password,
        )
    except psycopg2.OperationalError as error:
        first_line = str(error).strip().splitlines()[0]
        sys.exit(
            f"tests: ERROR: PostgreSQL is missing: cannot connect to "
            f"{opts.get('db_host')}:{opts.get('db_port')} as {opts.get('db_user')} "
            f"({first_line}); start it or run `make setup`."
        )
    conn.autocommit = True
    with conn.cursor() as cr:
        cr.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", default="privacy_gdpr_test")
    parser.add_argument(
        "--tags",
        default=",".join(f"/{addon}" for addon in ADDONS),
        help="Odoo --test-tags, e.g. /privacy_gdpr:TestConsentCheck",
    )
    args = parser.parse_args()
    if importlib.util.find_spec("odoo") is None:
        sys.exit(
            f"tests: ERROR: Odoo is missing in {sys.executable}: run `make setup`."
        )
    if not CONF.exists():
        sys.exit("tests: ERROR: .odoo.conf is missing: run `make setup` first.")

    recreate_database(args.database)
    log_dir = ROOT / ".test-logs"
    log_dir.mkdir(exist_ok=True)
    log_path = log_dir / f"{args.database}.log"
    command = [
        sys.executable,
        "-m",
        "odoo",
        "-c",
        str(CONF),
        "-d",
        args.database,
        "-i",
        ",".join(ADDONS),
        "--test-enable",
        "--test-tags",
        args.tags,
        "--stop-after-init",
        "--http-port",
        str(free_port()),
        "--log-level",
        "info",
        "--max-cron-threads",
        "0",
    ]
    started = time.time()
    result = None
    with (
        log_path.open("w") as log,
        subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=ROOT,
        ) as odoo,
    ):
        for line in odoo.stdout:
            log.write(line)
            if SHOWN_RE.search(line):
                print(line, end="", flush=True)
            match = RESULT_RE.search(line)
            if match:
                result = tuple(int(n) for n in match.groups())
    elapsed = time.time() - started
    if result is None:
        print(
            f"tests: ERROR: Odoo ended (exit {odoo.returncode}) without a test "
            f"summary; see {log_path}"
        )
        print("0 passed, 0 failed, 1 errors (no test summary)")
        return 1
    failed, errored, run = result
    passed = run - failed - errored
    status = 0
    if run == 0:
        print("tests: ERROR: no test ran.")
        status = 1
    if failed or errored or odoo.returncode:
        status = 1
    print(f"(full log: {log_path}; {elapsed:.0f}s)")
    print(f"{passed} passed, {failed} failed, {errored} errors of {run} tests")
    return status


if __name__ == "__main__":
    sys.exit(main())
