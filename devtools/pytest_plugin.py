"""The suite under pytest-odoo, as `make pytest` runs it (tools/run_pytest.py
loads this plugin with ``-p devtools.pytest_plugin``).

What differs from Odoo's own runner (`make test`), and what pytest must not
run, is said here and nowhere else.
"""

import pytest

import odoo

# Tests that cannot run under pytest-odoo: {node id or its start: why}. They
# are deselected (pytest's summary counts them), and run by `make test`.
EXCLUDED = {}


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Mark the running test as Odoo's runner does (``current_test``), before
    its class is set up: Odoo then sends no e-mail through SMTP (mass mailings,
    test mailings) and checks the test cursors of HTTP requests against it.
    pytest-odoo does it for Odoo 19 and later only."""
    odoo.modules.module.current_test = getattr(item, "instance", None) or True


def pytest_collection_modifyitems(config, items):
    kept, deselected = [], []
    for item in items:
        excluded = any(item.nodeid.startswith(node) for node in EXCLUDED)
        (deselected if excluded else kept).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


def pytest_report_header(config):
    if EXCLUDED:
        return [f"deselected (devtools/pytest_plugin.py): {', '.join(EXCLUDED)}"]
    return None
