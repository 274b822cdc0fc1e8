#!/usr/bin/env bash
# Prepares this machine to run and test privacy_gdpr: a Python virtualenv with
# Odoo 18.0 and the project's dependencies, a PostgreSQL to talk to, Chromium
# for the browser tests, wkhtmltopdf for PDF reports, and the Odoo
# configuration file .odoo.conf. It installs none of the addons: Odoo uses this
# checkout through .odoo.conf.
# Running it again only redoes what is missing.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VENV="${PRIVACY_GDPR_VENV:-$HOME/.venvs/privacy_gdpr}"
ODOO_SOURCE_URL="${ODOO_SOURCE_URL:-https://nightly.odoo.com/18.0/nightly/src/odoo_18.0.latest.tar.gz}"
CONF="$ROOT/.odoo.conf"
PRIVATE_PG="$ROOT/.pgdata"
PRIVATE_PG_PORT=54329

say() { echo "setup: $*"; }
die() { echo "setup: ERROR: $*" >&2; exit 1; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }
apt_install() {
    command -v apt-get >/dev/null || return 1
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1 \
        || { as_root apt-get update -qq >/dev/null 2>&1 \
             && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1; }
}

# --- Python --------------------------------------------------------------
pick_python() {
    for candidate in "${PYTHON:-}" python3.12 python3.11 python3.10 python3; do
        [ -n "$candidate" ] && command -v "$candidate" >/dev/null || continue
        if "$candidate" -c 'import sys; sys.exit(not (3, 10) <= sys.version_info[:2] <= (3, 12))'; then
            command -v "$candidate"; return 0
        fi
    done
    return 1
}
if [ ! -x "$VENV/bin/python" ]; then
    PY="$(pick_python)" || die "Python 3.10, 3.11 or 3.12 is missing: install python3 and python3-venv."
    say "creating the virtualenv $VENV with $PY"
    "$PY" -m venv "$VENV" || die "cannot create $VENV: install python3-venv."
    "$VENV/bin/pip" install -q --upgrade pip setuptools wheel 2>/dev/null
fi
# pip warns about every missing local index of this machine's pip.conf: noise.
PIP=(pip_install)
pip_install() {
    "$VENV/bin/pip" install -q --disable-pip-version-check "$@" \
        2> >(grep -v "^WARNING: Location '.*' is ignored" >&2)
}

# --- Odoo 18.0 -----------------------------------------------------------
if ! "$VENV/bin/python" -c 'import odoo.release as r; assert r.version_info[:2] == (18, 0)' 2>/dev/null; then
    say "Odoo 18.0 is not importable in $VENV: installing it from $ODOO_SOURCE_URL"
    apt_install build-essential python3-dev libpq-dev libldap2-dev libsasl2-dev \
        libxml2-dev libxslt1-dev libjpeg-dev zlib1g-dev \
        || say "could not install the build packages with apt; continuing"
    "${PIP[@]}" -r "$ROOT/requirements-odoo.txt" \
        || die "Odoo is missing and its dependencies failed to install (see above)."
    "${PIP[@]}" --no-build-isolation "odoo @ $ODOO_SOURCE_URL" \
        || die "Odoo 18.0 is missing and could not be installed from $ODOO_SOURCE_URL: install it into $VENV (pip install <odoo 18.0 source>) and run make setup again."
fi

# --- Project dependencies ------------------------------------------------
"${PIP[@]}" -r "$ROOT/requirements-dev.txt" || die "the project's Python dependencies failed to install."
# The addons are not installed: Odoo and the tests use this checkout through
# .odoo.conf's addons_path. A pip-installed copy (odoo-addon-privacy_gdpr,
# odoo-addon-privacy_gdpr_sale...) would shadow it in odoo.addons: removed.
SHADOWING="$("$VENV/bin/python" - <<'PY'
import importlib.metadata
import re

names = {
    re.sub(r"[-_.]+", "-", dist.metadata["Name"] or "").lower()
    for dist in importlib.metadata.distributions()
}
print(" ".join(sorted(n for n in names if n.startswith("odoo-addon-privacy-gdpr"))))
PY
)"
if [ -n "$SHADOWING" ]; then
    say "removing the pip-installed $SHADOWING, which would shadow this checkout"
    # shellcheck disable=SC2086
    "$VENV/bin/pip" uninstall -q -y $SHADOWING
fi

# --- Chromium, for the browser tours -------------------------------------
if ! command -v chromium >/dev/null && ! command -v chromium-browser >/dev/null \
        && ! command -v google-chrome >/dev/null; then
    say "installing Chromium for the browser tests"
    apt_install chromium || say "WARNING: Chromium could not be installed: the browser tours will fail."
fi

# --- wkhtmltopdf, for PDF reports ---------------------------------------
# Debian's build: Odoo prints reports with it (the quotation with the
# customer's contact preferences, the test test_sale_report_pdf).
if ! command -v wkhtmltopdf >/dev/null; then
    say "installing wkhtmltopdf for PDF reports"
    apt_install wkhtmltopdf || say "WARNING: wkhtmltopdf could not be installed: reports print as HTML only and the PDF test will fail."
fi

# --- PostgreSQL ----------------------------------------------------------
pg_ok() { PGPASSWORD="${PGPASSWORD:-}" psql -h "$1" -p "$2" -U "$3" -d postgres -Atqc 'select 1' >/dev/null 2>&1; }
command -v psql >/dev/null || apt_install postgresql-client || true
command -v psql >/dev/null || die "PostgreSQL is missing: psql not found. Install postgresql (apt-get install postgresql) or set PGHOST/PGPORT/PGUSER."

DB_USER="${PGUSER:-$(id -un)}"
# Odoo refuses to connect as the role "postgres".
[ "$DB_USER" = postgres ] && DB_USER=odoo
if [ -n "${PGHOST:-}${PGPORT:-}" ]; then
    DB_HOST="${PGHOST:-127.0.0.1}"; DB_PORT="${PGPORT:-5432}"
    pg_ok "$DB_HOST" "$DB_PORT" "$DB_USER" \
        || die "PostgreSQL is missing: cannot connect to $DB_HOST:$DB_PORT as $DB_USER (PGHOST/PGPORT/PGUSER)."
elif pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    DB_HOST=127.0.0.1; DB_PORT=5432
    if ! pg_ok "$DB_HOST" "$DB_PORT" "$DB_USER"; then
        say "creating the PostgreSQL role $DB_USER"
        psql -h "$DB_HOST" -p "$DB_PORT" -U postgres -d postgres -qc "CREATE ROLE \"$DB_USER\" LOGIN CREATEDB" 2>/dev/null \
            || as_root runuser -u postgres -- psql -qc "CREATE ROLE \"$DB_USER\" LOGIN CREATEDB" 2>/dev/null || true
        pg_ok "$DB_HOST" "$DB_PORT" "$DB_USER" \
            || die "PostgreSQL is missing a role for Odoo: create one with CREATEDB and set PGUSER (Odoo refuses 'postgres')."
    fi
else
    INITDB="$(command -v initdb || ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)"
    [ -n "$INITDB" ] || die "PostgreSQL is missing: nothing listens on 127.0.0.1:5432 and initdb is not installed. Install postgresql (apt-get install postgresql) or set PGHOST/PGPORT/PGUSER."
    PGBIN="$(dirname "$INITDB")"
    RUN=(); [ "$(id -u)" = 0 ] && RUN=(runuser -u postgres --)
    if [ ! -f "$PRIVATE_PG/PG_VERSION" ]; then
        say "creating a private PostgreSQL cluster in $PRIVATE_PG"
        mkdir -p "$PRIVATE_PG"; [ "$(id -u)" = 0 ] && chown postgres "$PRIVATE_PG"
        "${RUN[@]}" "$PGBIN/initdb" -q -D "$PRIVATE_PG" -A trust -U "$DB_USER" >/dev/null
    fi
    DB_HOST=127.0.0.1; DB_PORT=$PRIVATE_PG_PORT
    if ! pg_isready -q -h "$DB_HOST" -p "$DB_PORT"; then
        "${RUN[@]}" "$PGBIN/pg_ctl" -D "$PRIVATE_PG" -l "$PRIVATE_PG/server.log" -w \
            -o "-p $DB_PORT -k /tmp -c listen_addresses=127.0.0.1" start >/dev/null \
            || die "PostgreSQL is missing: the private cluster in $PRIVATE_PG did not start (see $PRIVATE_PG/server.log)."
    fi
fi

# --- Odoo configuration --------------------------------------------------
cat > "$CONF" <<CONF
[options]
addons_path = $ROOT
data_dir = $ROOT/.odoo-data
db_host = $DB_HOST
db_port = $DB_PORT
db_user = $DB_USER
db_password = ${PGPASSWORD:-False}
http_interface = 127.0.0.1
CONF
say "ready: Odoo $("$VENV/bin/python" -c 'import odoo.release as r; print(r.version)'), PostgreSQL $DB_HOST:$DB_PORT as $DB_USER, config $CONF"
