"""What the scripts of benchmarks/ share: their command line, their database,
an Odoo environment on it and the bulk loading of their partners.

Odoo is imported inside the functions that need it: a script's ``--help`` and
its parent process (bench_export.py runs each step in a child) do without it.
"""

import argparse
import os

from .odoo_process import install_database
from .paths import CONF
from .pg import database_exists


def argument_parser(description, database):
    """The command line of a benchmark, with its ``--database`` (``database``
    by default); the script adds its own options."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--database", default=database)
    return parser


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


def set_commercial_partners(cr):
    """Make the partners inserted by SQL their own commercial partner, as the
    ORM's compute does for a person without a company."""
    cr.execute(
        "UPDATE res_partner SET commercial_partner_id = id "
        "WHERE commercial_partner_id IS NULL"
    )


def backend_cpu(cr):
    """CPU seconds used so far by the PostgreSQL process of ``cr`` (a server
    on this machine): on a shared machine, wall time says more of the others'
    load than of the work measured."""
    cr.execute("SELECT pg_backend_pid()")
    with open(f"/proc/{cr.fetchone()[0]}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
