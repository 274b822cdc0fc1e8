"""PostgreSQL, as Odoo's configuration file .odoo.conf reaches it."""

import configparser
import shutil
import sys
from contextlib import closing
from pathlib import Path

import psycopg2

from .paths import CONF


def read_conf(conf=CONF):
    """The ``[options]`` of an Odoo configuration file: ``{name: text}``."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(conf)
    return dict(parser["options"]) if parser.has_section("options") else {}


def require_conf(prog, conf=CONF):
    """Exit with one line when the configuration file is missing."""
    if not Path(conf).exists():
        sys.exit(
            f"{prog}: ERROR: {Path(conf).name} is missing: run `make setup` first."
        )


def connect(dbname="postgres", conf=CONF, prog="devtools"):
    """A connection in autocommit mode to ``dbname``, with the parameters of
    the configuration file (as Odoo's own ``connection_info_for``); exits with
    one line when PostgreSQL cannot be reached."""
    options = read_conf(conf)
    params = {"dbname": dbname}
    for key in ("host", "port", "user", "password", "sslmode"):
        value = options.get(f"db_{key}")
        if value not in (None, "", "False"):
            params[key] = value
    try:
        conn = psycopg2.connect(**params)
    except psycopg2.OperationalError as error:
        first_line = (str(error).strip().splitlines() or ["?"])[0]
        where = f"{params.get('host', 'its socket')}:{params.get('port', 5432)}"
        sys.exit(
            f"{prog}: ERROR: PostgreSQL is missing: cannot connect to {dbname} on "
            f"{where} as {params.get('user', 'the current user')} ({first_line}); "
            "start it or run `make setup`."
        )
    conn.autocommit = True
    return conn


def execute_autocommit(dbname, *statements, conf=CONF, prog="devtools"):
    """Run ``statements`` one by one outside of any transaction (VACUUM...)."""
    with closing(connect(dbname, conf, prog)) as conn, conn.cursor() as cr:
        for statement in statements:
            cr.execute(statement)


def database_exists(name, conf=CONF, prog="devtools"):
    with closing(connect("postgres", conf, prog)) as conn, conn.cursor() as cr:
        cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return bool(cr.fetchone())


def drop_database(name, conf=CONF, prog="devtools"):
    """Drop ``name`` if it exists (its sessions closed), and its filestore."""
    with closing(connect("postgres", conf, prog)) as conn, conn.cursor() as cr:
        cr.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    data_dir = read_conf(conf).get("data_dir")
    if data_dir:
        shutil.rmtree(Path(data_dir, "filestore", name), ignore_errors=True)


def installed_modules(name, conf=CONF, prog="devtools"):
    """``{module: is an application}`` of the modules installed in ``name``."""
    with closing(connect(name, conf, prog)) as conn, conn.cursor() as cr:
        cr.execute(
            "SELECT name, application FROM ir_module_module WHERE state = 'installed'"
        )
        return {module: bool(application) for module, application in cr.fetchall()}
