"""What the scripts of benchmarks/ share: their command line, their database,
an Odoo environment on it and the bulk loading of their partners.

Odoo is imported inside the functions that need it: a script's ``--help`` and
its parent process (bench_export.py runs each step in a child) do without it.
"""

import argparse
import logging
import os
import resource
import time
from contextlib import contextmanager
from pathlib import Path

from .odoo_process import install_database
from .paths import CONF
from .pg import database_exists, execute_autocommit, require_conf


def argument_parser(description, database, *, partners=None, repeat=None):
    """The command line of a benchmark, with its ``--database`` (``database``
    by default), and ``--partners`` and ``--repeat`` when given their default;
    the script adds its own options."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--database", default=database)
    for option, default, what in (
        ("--partners", partners, "contacts loaded and measured"),
        ("--repeat", repeat, "runs of each measurement"),
    ):
        if default is not None:
            parser.add_argument(
                option, type=int, default=default, help=f"{what} (default: %(default)s)"
            )
    return parser


def open_registry(database, modules, quiet=()):
    """Odoo's registry of ``database``, created with ``modules`` on the first
    run, Odoo's log on the terminal (the loggers named in ``quiet`` at
    warnings only: they would log every e-mail or SMS the benchmark makes)."""
    require_conf("bench")
    import odoo

    odoo.tools.config.parse_config(["-c", str(CONF), "-d", database])
    odoo.netsvc.init_logger()
    for name in quiet:
        logging.getLogger(name).setLevel(logging.WARNING)
    install_once(database, modules)
    return odoo.modules.registry.Registry(database)


def install_once(database, modules):
    """Create ``database`` with ``modules`` when it does not exist yet: the
    next runs reuse it, with the partners already loaded."""
    if database_exists(database, prog="bench"):
        return
    print(f"Creating database {database} with privacy_gdpr...", flush=True)
    install_database(database, modules, prog="bench")


def create_unless_reused(database, reuse):
    """Create ``database`` anew with privacy_gdpr, unless ``--reuse`` keeps
    the one of a previous run."""
    if reuse:
        return
    # Flushed: Odoo's installation writes to the same terminal meanwhile.
    print(f"Creating {database} with privacy_gdpr (no demo data)...", flush=True)
    install_database(database, "privacy_gdpr", prog="bench")


def odoo_env(database, *, uid=None, context=None, conf=CONF, options=()):
    """An environment on ``database`` with a cursor of its own (the caller
    commits and closes it): as the superuser unless ``uid``, in English unless
    ``context``; ``options`` are added to Odoo's command line."""
    import odoo
    from odoo import SUPERUSER_ID, api

    odoo.tools.config.parse_config(["-c", str(conf), "-d", database, *options])
    registry = odoo.modules.registry.Registry(database)
    return api.Environment(
        registry.cursor(),
        SUPERUSER_ID if uid is None else uid,
        {"lang": "en_US"} if context is None else context,
    )


def admin_env(database):
    """``odoo_env`` as the administrator (a Privacy Manager), not the superuser,
    so that record rules apply as for a user; in Paris time, as a French
    office would see the dates."""
    return odoo_env(database, uid=2, context={"lang": "en_US", "tz": "Europe/Paris"})


def count_partners(cr, *refs):
    """How many partners a benchmark has already loaded, by their ``ref``."""
    cr.execute("SELECT count(*) FROM res_partner WHERE ref IN %s", [refs])
    return cr.fetchone()[0]


def insert_contacts(cr, refs, total, columns=None):
    """Bring the contacts of ``refs`` to ``total``, in one ``INSERT ... SELECT``
    over ``generate_series``: contact ``g`` is "Contact g", with the e-mail
    address contactg@example.com, in English, its own commercial partner, of
    ``ref`` the first of ``refs``. ``columns`` adds or replaces columns:
    ``{column: odoo.tools.SQL}``, an expression of ``g``.

    :return: the ids of the contacts added
    """
    from odoo.tools import SQL

    start = count_partners(cr, *refs)
    if start >= total:
        return []
    values = {
        "name": SQL("'Contact ' || g"),
        "complete_name": SQL("'Contact ' || g"),
        "email": SQL("'contact' || g || '@example.com'"),
        "email_normalized": SQL("'contact' || g || '@example.com'"),
        "lang": SQL("'en_US'"),
        "ref": SQL("%s", refs[0]),
        "active": SQL("true"),
        "type": SQL("'contact'"),
        "is_company": SQL("false"),
        **(columns or {}),
    }
    cr.execute(
        SQL(
            """
            INSERT INTO res_partner (id, commercial_partner_id, %(columns)s,
                                     create_uid, create_date, write_uid, write_date)
            SELECT s.id, s.id, %(values)s,
                   1, now() at time zone 'UTC', 1, now() at time zone 'UTC'
              FROM (SELECT nextval('res_partner_id_seq') AS id, g
                      FROM generate_series(%(start)s + 1, %(total)s) AS g) AS s
            RETURNING id
            """,
            columns=SQL(", ").join(map(SQL.identifier, values)),
            values=SQL(", ").join(values.values()),
            start=start,
            total=total,
        )
    )
    return [row[0] for row in cr.fetchall()]


def set_commercial_partners(cr):
    """Make the partners inserted by SQL their own commercial partner, as the
    ORM's compute does for a person without a company."""
    cr.execute(
        "UPDATE res_partner SET commercial_partner_id = id "
        "WHERE commercial_partner_id IS NULL"
    )


def loadavg():
    """The machine's load average over 1, 5 and 15 minutes."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _status_kb(pid, key):
    """The memory figure ``key`` (VmRSS, VmHWM) of process ``pid`` in kB, or
    None when the process is gone or not readable."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith(f"{key}:"):
            return int(line.split()[1])
    return None


def resident_mb(pid):
    """The resident memory of process ``pid`` now, in MB (0 once it ended)."""
    return (_status_kb(pid, "VmRSS") or 0) / 1024


def peak_memory(cr=None):
    """The peak resident memory (MB) of this process, of its children that
    ended, and of the PostgreSQL backends of ``cr``'s database, shared buffers
    they touched included (as ``top`` shows them): what a memory limit of the
    machine sees.
    """
    peaks = {
        "this process": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "children": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }
    if cr is not None:
        cr.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
        )
        backends = [_status_kb(pid, "VmHWM") for (pid,) in cr.fetchall()]
        peaks["PostgreSQL backend"] = max(filter(None, backends), default=0) / 1024
    return peaks


def report_machine(label, registry=None):
    """Print the load average and the peak memory of the processes measured so
    far, the PostgreSQL backends of ``registry``'s database included;
    ``label`` says when (before, after)."""
    if registry is None:
        peaks = peak_memory()
    else:
        with registry.cursor() as cr:
            peaks = peak_memory(cr)
    memory = ", ".join(f"{name} {mb:.0f} MB" for name, mb in peaks.items())
    print(f"{label}: load average {loadavg()}; peak RSS: {memory}", flush=True)
    if STEP_BACKEND_PEAKS:
        steps = ", ".join(
            f"{name} {mb:.0f} MB" for name, mb in sorted(STEP_BACKEND_PEAKS.items())
        )
        print(f"{label}: PostgreSQL backend's peak RSS in each step: {steps}")


@contextmanager
def rolled_back(registry, tables):
    """A superuser environment on a transaction of its own, rolled back at the
    end, so that every run starts from the same state; ``tables`` are vacuumed
    first, so that each run finds them as the first one did, without the rows
    of the runs rolled back."""
    from odoo import SUPERUSER_ID, api

    execute_autocommit(
        registry.db_name, f"VACUUM ANALYZE {', '.join(tables)}", prog="bench"
    )
    with registry.cursor() as cr:
        yield api.Environment(cr, SUPERUSER_ID, {})
        cr.rollback()


# The largest peak resident memory of the PostgreSQL backend during each step
# measured by ``timed``, by the step's name: the backend's peak since it started
# would include the bulk loading of the contacts, which no user runs.
STEP_BACKEND_PEAKS = {}


def _backend_pid(cr):
    cr.execute("SELECT pg_backend_pid()")
    return cr.fetchone()[0]


def _reset_peak(pid):
    """Bring the peak resident memory of process ``pid`` down to what it holds
    now (the kernel's ``clear_refs``), so that the next peak read is the
    step's; without the right to, the peak stays the process's whole life's."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        pass


def timed(env, step, *args):
    """Run ``step(*args)``, what was pending written before the clock starts and
    what it leaves pending written before it stops; the backend's peak memory
    during the step goes to ``STEP_BACKEND_PEAKS``.

    :return: (seconds, SQL queries, what ``step`` returned)
    """
    env.flush_all()
    pid = _backend_pid(env.cr)
    _reset_peak(pid)
    queries, started = env.cr.sql_log_count, time.perf_counter()
    returned = step(*args)
    env.flush_all()
    elapsed = time.perf_counter() - started
    peak = (_status_kb(pid, "VmHWM") or 0) / 1024
    name = step.__name__
    STEP_BACKEND_PEAKS[name] = max(STEP_BACKEND_PEAKS.get(name, 0), peak)
    return elapsed, env.cr.sql_log_count - queries, returned


def backend_cpu(cr):
    """CPU seconds used so far by the PostgreSQL process of ``cr`` (a server
    on this machine): on a shared machine, wall time says more of the others'
    load than of the work measured."""
    with open(f"/proc/{_backend_pid(cr)}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
