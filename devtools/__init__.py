"""The helpers of the repository's development tools, in one place.

Shared by tools/ (the test runners), benchmarks/ and the tests' multi-worker
harness (privacy_gdpr/tests/multiworker.py): the paths of the checkout, Odoo's
configuration file .odoo.conf, PostgreSQL (connecting, creating and dropping
databases, reading the installed modules), Odoo's processes (a command line, a
database installed from scratch, a server in prefork mode) and Odoo's log.
What only the benchmarks share (their database, an environment on it) is in
the submodule devtools.bench, imported by them alone.

Not part of any addon distribution (see setup/): it is importable when the
repository's root is on ``sys.path``, which tools/run_tests.py,
tools/run_pytest.py and the scripts of benchmarks/ arrange.
"""

from .paths import BENCH_DIR, CONF, LOG_DIR, ROOT, addons, manifest
from .pg import (
    connect,
    database_exists,
    drop_database,
    execute_autocommit,
    installed_modules,
    read_conf,
    require_conf,
)
from .odoo_process import (
    OdooServer,
    free_port,
    install_database,
    odoo_command,
    stop_process_group,
    subprocess_env,
)
from .odoo_log import LOG_RECORD_RE, TEST_IMPORT_FAILURE_RE, log_records
from .requirements import require_test_dependencies
