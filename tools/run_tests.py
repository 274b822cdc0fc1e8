"""Run the tests of the project's addons with Odoo's runner, in two phases.

core: privacy_gdpr alone, as on a database that has only Contacts. A fresh
    database <database>_core with Contacts (no tests), then privacy_gdpr
    installed on it with its tests. Prints the modules that installing
    privacy_gdpr added, and fails if one of them is an application or one of
    crm, mass_mailing, mass_mailing_sms, sale, website.
full: a fresh database <database> with privacy_gdpr and the apps its bridges
    extend (crm, mass_mailing, mass_mailing_sms, sale...: read from the
    bridges' manifests) and FULL_PHASE_EXTRA_MODULES, with the tests of every
    addon of the repository (only theirs: --test-tags names our addons).
    Fails if an addon of the repository is not installed there (each bridge
    must have installed itself).

Prints Odoo's warnings, errors and test progress, keeps the whole logs in
.test-logs/, and ends with a line per phase and one summary line for both:
"N passed, N failed, N errors of N tests" (the runner's own checks count as
tests). Exits non-zero on any failure or error: a test, Odoo itself (a module
that does not install), a tests package that Odoo could not import, a phase
where no test ran, a check. Refuses to start when a test dependency listed
in requirements-dev.txt is missing.

--install-only prepares the database(s) without running any test (make
pytest uses the full phase's).
"""

import argparse
import importlib.util
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import devtools

CORE = "privacy_gdpr"
# Installing the core must not bring any of these, nor any application.
FORBIDDEN = {"crm", "mass_mailing", "mass_mailing_sms", "sale", "website"}
RESULT_RE = re.compile(
    r"(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database"
)
SHOWN_RE = re.compile(
    r" (WARNING|ERROR|CRITICAL) |FAIL:|ERROR:|odoo\.tests\.stats"
    r"|Starting post tests|post-tests in"
)
PROG = "tests"
# Installed in the full phase for tests of ours that need them, never tested
# themselves: test_mail, whose query counts of posting and composing run
# with consent management switched off (privacy_gdpr/tests/test_mail_performance.py).
FULL_PHASE_EXTRA_MODULES = ["test_mail"]


def bridge_apps():
    """The modules outside the repository that the bridges extend: installed
    with the core in the full phase, so that every bridge installs itself."""
    ours = set(devtools.addons())
    return sorted(
        {
            dependency
            for addon in ours - {CORE}
            for dependency in devtools.manifest(addon)["depends"]
            if dependency not in ours
        }
    )


class Outcome:
    """What one phase (or both) counted: tests passed, failed, in error, run."""

    def __init__(self, name):
        self.name = name
        self.counts = Counter()
        self.seconds = 0.0

    def test_result(self, failed, errored, run):
        self.counts.update(
            failed=failed, errors=errored, run=run, passed=run - failed - errored
        )

    def check(self, ok, message):
        """A check of the runner's own: one more test, passed or failed."""
        self.counts.update(run=1, passed=int(ok), failed=int(not ok))
        if not ok:
            print(f"{PROG}: FAIL: {message}", flush=True)

    def error(self, message):
        self.counts.update(errors=1)
        print(f"{PROG}: ERROR: {message}", flush=True)

    def add(self, other):
        self.counts.update(other.counts)

    def ok(self):
        return not (self.counts["failed"] or self.counts["errors"])

    def line(self):
        counts = self.counts
        return (
            f"{counts['passed']} passed, {counts['failed']} failed, "
            f"{counts['errors']} errors of {counts['run']} tests"
        )


def run_odoo(outcome, log_path, *args, tests):
    """Run Odoo to completion with ``args``, appending its output to
    ``log_path`` and showing what SHOWN_RE matches; with ``tests``, count its
    test summary in ``outcome``. False when Odoo failed."""
    command = devtools.odoo_command(
        *args,
        "--stop-after-init",
        "--log-level",
        "info",
        "--max-cron-threads",
        "0",
    )
    if tests:
        command += ["--http-port", str(devtools.free_port())]
    else:
        command.append("--no-http")
    offset = log_path.stat().st_size if log_path.exists() else 0
    result = None
    with (
        log_path.open("a") as log,
        subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=devtools.ROOT,
            env=devtools.subprocess_env(),
        ) as odoo,
    ):
        for line in odoo.stdout:
            log.write(line)
            if SHOWN_RE.search(line):
                print(line, end="", flush=True)
            match = RESULT_RE.search(line)
            if match:
                result = tuple(int(n) for n in match.groups())
    import_failures = test_import_failures(log_path, offset)
    for message in import_failures:
        outcome.error(message)
    if import_failures:
        return False  # Odoo stopped there, as said
    if tests and result is None:
        outcome.error(
            f"Odoo ended (exit {odoo.returncode}) without a test summary; "
            f"see {log_path}"
        )
        return False
    if tests:
        outcome.test_result(*result)
        if result[2] == 0:
            outcome.error("no test ran.")
    # With failed tests Odoo exits 1: counted above already.
    if odoo.returncode and not (tests and (result[0] or result[1])):
        outcome.error(f"Odoo exited with {odoo.returncode}; see {log_path}")
    return odoo.returncode == 0


def test_import_failures(log_path, offset):
    """A message for each record of the log since ``offset`` telling that a
    tests package of ours could not be imported (Odoo 18 lets the ImportError
    up from its test loader; older versions log "Can not `import`")."""
    with log_path.open(errors="replace") as log:
        log.seek(offset)
        text = log.read()
    ours = "|".join(re.escape(addon) for addon in devtools.addons())
    where_re = re.compile(rf'File "[^"]*/((?:{ours})/tests/[^"]+)"')
    messages = []
    for level, record in devtools.log_records(text):
        if level not in ("ERROR", "CRITICAL") or not (
            devtools.TEST_IMPORT_FAILURE_RE.search(record)
        ):
            continue
        if "odoo/tests/loader.py" not in record and "Can not `import`" not in record:
            continue
        places = where_re.findall(record)
        error = devtools.TEST_IMPORT_FAILURE_RE.findall(record)
        place = places[-1] if places else "a tests package"
        messages.append(
            f"Odoo could not import {place} ({error[-1].strip()}): the tests "
            f"of that addon did not run; see {log_path}"
        )
    return messages


def prepare_log(database):
    devtools.LOG_DIR.mkdir(exist_ok=True)
    log_path = devtools.LOG_DIR / f"{database}.log"
    log_path.write_text("")
    return log_path


def core_phase(database, install_only):
    """privacy_gdpr on a database with only Contacts; the modules it added."""
    database = f"{database}_core"
    outcome = Outcome("core")
    log_path = prepare_log(database)
    print(f"{PROG}: core: {CORE} alone on {database} (log {log_path})", flush=True)
    devtools.drop_database(database, prog=PROG)
    if not run_odoo(outcome, log_path, "-d", database, "-i", "contacts", tests=False):
        return outcome
    before = devtools.installed_modules(database, prog=PROG)
    args = ["-d", database, "-i", CORE]
    if not install_only:
        args += ["--test-enable", "--test-tags", f"/{CORE}"]
    run_odoo(outcome, log_path, *args, tests=not install_only)
    after = devtools.installed_modules(database, prog=PROG)
    added = sorted(set(after) - set(before))
    print(
        f"{PROG}: core: installing {CORE} on Contacts added {len(added)} modules: "
        + ", ".join(f"{name} (application)" if after[name] else name for name in added),
        flush=True,
    )
    unwanted = [name for name in added if after[name] or name in FORBIDDEN]
    if CORE not in after:
        outcome.check(False, f"{CORE} did not install on a database with Contacts")
    else:
        outcome.check(
            not unwanted,
            f"installing {CORE} alone added {', '.join(unwanted)}: applications, "
            f"or among {', '.join(sorted(FORBIDDEN))}",
        )
    return outcome


def full_phase(database, tags, install_only):
    """Every addon of the repository with the apps its bridges extend."""
    outcome = Outcome("full")
    log_path = prepare_log(database)
    modules = [CORE, *bridge_apps(), *FULL_PHASE_EXTRA_MODULES]
    print(
        f"{PROG}: full: {', '.join(modules)} on {database} (log {log_path})",
        flush=True,
    )
    devtools.drop_database(database, prog=PROG)
    args = ["-d", database, "-i", ",".join(modules)]
    if not install_only:
        args += ["--test-enable", "--test-tags", tags]
    run_odoo(outcome, log_path, *args, tests=not install_only)
    installed = devtools.installed_modules(database, prog=PROG)
    missing = [addon for addon in devtools.addons() if addon not in installed]
    outcome.check(
        not missing,
        f"addons of the repository not installed in the full phase: "
        f"{', '.join(missing)} (a bridge's auto_install did not trigger?)",
    )
    return outcome


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", default="privacy_gdpr_test")
    parser.add_argument(
        "--tags",
        help="Odoo --test-tags of the full phase, e.g. /privacy_gdpr:TestConsentCheck "
        "(default: every addon of the repository); alone, it runs the full phase only",
    )
    parser.add_argument(
        "--phase",
        choices=("core", "full", "all"),
        help="the phases to run (default: all, or full with --tags)",
    )
    parser.add_argument(
        "--install-only",
        action="store_true",
        help="prepare the database(s) and check the modules, without tests",
    )
    args = parser.parse_args()
    phase = args.phase or ("full" if args.tags else "all")
    tags = args.tags or ",".join(f"/{addon}" for addon in devtools.addons())

    if importlib.util.find_spec("odoo") is None:
        sys.exit(
            f"{PROG}: ERROR: Odoo is missing in {sys.executable}: run `make setup`."
        )
    devtools.require_conf(PROG)
    if not args.install_only:
        devtools.require_test_dependencies(PROG)

    outcomes = []
    if phase in ("core", "all"):
        started = time.time()
        outcomes.append(core_phase(args.database, args.install_only))
        outcomes[-1].seconds = time.time() - started
    if phase in ("full", "all"):
        started = time.time()
        outcomes.append(full_phase(args.database, tags, args.install_only))
        outcomes[-1].seconds = time.time() - started

    print(f"(full logs in {devtools.LOG_DIR})")
    for outcome in outcomes:
        print(f"{outcome.name}: {outcome.line()} ({outcome.seconds:.0f}s)")
    total = Outcome("all")
    for outcome in outcomes:
        total.add(outcome)
    print(total.line())
    return 0 if total.ok() else 1


if __name__ == "__main__":
    sys.exit(main())
