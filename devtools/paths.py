"""Where things are in the checkout."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Written by `make setup` (tools/setup.sh): addons path, data dir, PostgreSQL.
CONF = ROOT / ".odoo.conf"
# Logs of the test runs (tools/run_tests.py, the prefork servers of the tests).
LOG_DIR = ROOT / ".test-logs"
# Logs and state of the benchmarks.
BENCH_DIR = ROOT / ".bench"


def addons():
    """The addons of the repository: each top-level folder with a manifest."""
    return sorted(path.parent.name for path in ROOT.glob("*/__manifest__.py"))


def manifest(addon):
    return ast.literal_eval((ROOT / addon / "__manifest__.py").read_text())
