"""Run the tests of every addon under pytest-odoo (`make pytest`).

First a fresh database prepared as the full phase of tools/run_tests.py
prepares its own (privacy_gdpr and the apps its bridges extend, every bridge
installed), without running any test; then

    pytest --odoo-database=<database> --odoo-config=.odoo.conf --odoo-http
           -p devtools.pytest_plugin <addon>/tests...

with the repository's root on PYTHONPATH, ending with pytest's summary and its
exit code. What runs differently from Odoo's runner, and the tests pytest must
not run, are in devtools/pytest_plugin.py. Arguments after the options go to
pytest (e.g. -x, -k name, a test file).
"""

import argparse
import importlib.util
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import run_tests

import devtools

PROG = "pytest"


def main():
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    parser.add_argument("--database", default="privacy_gdpr_pytest")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="use the database as it is, if it exists (no fresh install)",
    )
    args, pytest_args = parser.parse_known_args()
    if importlib.util.find_spec("odoo") is None:
        sys.exit(
            f"{PROG}: ERROR: Odoo is missing in {sys.executable}: run `make setup`."
        )
    devtools.require_conf(PROG)
    devtools.require_test_dependencies(PROG, marker="tests")
    devtools.require_test_dependencies(PROG, marker="pytest")

    if args.reuse and devtools.database_exists(args.database, prog=PROG):
        print(f"{PROG}: reusing {args.database}", flush=True)
    else:
        run_tests.PROG = PROG
        outcome = run_tests.full_phase(args.database, tags=None, install_only=True)
        if not outcome.ok():
            sys.exit(f"{PROG}: ERROR: {args.database} could not be prepared.")

    command = [
        sys.executable,
        "-m",
        "pytest",
        f"--odoo-database={args.database}",
        f"--odoo-config={devtools.CONF}",
        # HttpCase tests (the pages, the API, the tours) need Odoo's HTTP
        # server; without it pytest-odoo skips them.
        "--odoo-http",
        "-p",
        "devtools.pytest_plugin",
        # Deprecations inside Odoo's dependencies, which Odoo's runner hides.
        "-W",
        "ignore:'crypt' is deprecated:DeprecationWarning",
        "-W",
        "ignore:'cgi' is deprecated:DeprecationWarning",
        "-W",
        "ignore:pkg_resources is deprecated:UserWarning",
        *pytest_args,
    ]
    named = [
        arg
        for arg in pytest_args
        if not arg.startswith("-") and (devtools.ROOT / arg.split("::")[0]).exists()
    ]
    if not named:
        command += [f"{addon}/tests" for addon in devtools.addons()]
    print(f"{PROG}: {' '.join(command[1:])}", flush=True)
    result = subprocess.run(
        command, cwd=devtools.ROOT, env=devtools.subprocess_env(), check=False
    )
    # Non-zero on any failure, and (5) when no test was collected.
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
