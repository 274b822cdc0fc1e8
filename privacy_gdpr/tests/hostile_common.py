import logging
from collections import Counter
from contextlib import contextmanager

from odoo.tools import SQL

# The one import of hypothesis of the hostile tests (they take it from here): a
# missing hypothesis fails the import of the tests with this message.
try:
    from hypothesis import (
        HealthCheck,
        assume,
        example,
        given,
        settings,
        strategies as st,
    )
except ImportError as error:
    raise ImportError(
        "privacy_gdpr's hostile input tests need hypothesis (requirements-dev.txt): "
        "run `make setup` or pip install hypothesis"
    ) from error

__all__ = [
    "HOSTILE_SETTINGS",
    "JSON_VALUES",
    "NASTY",
    "NASTY_TEXT",
    "WATCHED_TABLES",
    "HealthCheck",
    "HostileInputMixin",
    "assume",
    "example",
    "given",
    "settings",
    "st",
]

_logger = logging.getLogger(__name__)

# Examples per property: the hostile classes run in a few minutes on two cores.
# No example database: every run draws afresh, and CI leaves no files behind.
HOSTILE_SETTINGS = settings(
    max_examples=200,
    deadline=None,
    database=None,
    # Each run explores new cases; a failure prints how to replay it.
    print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Characters that break naive code: NUL (PostgreSQL refuses it), lone
# surrogates (not UTF-8), controls, right-to-left marks, combining marks.
NASTY = ["\x00", "\ud800", "\udfff", "\x1b[2J", "\u202e", "e\u0301", "\ufeff", "\n"]
NASTY_TEXT = st.one_of(
    st.text(max_size=40),
    st.builds(
        lambda head, nasty, tail: head + nasty + tail,
        st.text(max_size=20),
        st.sampled_from(NASTY),
        st.text(max_size=20),
    ),
    st.text(min_size=60, max_size=5000),
)
JSON_VALUES = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**80), max_value=2**80),
        st.floats(),
        NASTY_TEXT,
    ),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=10,
)
# Besides the addon's own tables, what the public page and the API may write.
WATCHED_TABLES = ("res_partner", "mail_message", "mail_mail", "mail_followers")


class HostileInputMixin:
    """Fingerprints of the tables that hostile requests must leave untouched,
    and the figures of a run (cases, requests, answers by status)."""

    def setUp(self):
        super().setUp()
        self.figures = Counter()
        self.statuses = Counter()
        self.env.cr.execute(
            r"""SELECT tablename FROM pg_tables
                 WHERE schemaname = 'public' AND tablename LIKE 'privacy\_%'"""
        )
        self.watched = sorted(
            [row[0] for row in self.env.cr.fetchall()] + list(WATCHED_TABLES)
        )

    def fingerprint(self):
        """``{table: (row count, digest of every row)}``: a digest also tells an
        update from nothing, which a count alone does not."""
        self.env.flush_all()
        prints = {}
        for table in self.watched:
            self.env.cr.execute(
                SQL(
                    "SELECT count(*), md5(coalesce(string_agg(t::text, ',' "
                    "ORDER BY t::text), '')) FROM %s t",
                    SQL.identifier(table),
                )
            )
            prints[table] = self.env.cr.fetchone()
        self.figures["rows checked"] += 2 * sum(
            count for count, _md5 in prints.values()
        )
        return prints

    @contextmanager
    def assertUnchanged(self, allowed=()):
        """The watched tables are the same after the block, ``allowed`` apart."""
        self.figures["cases"] += 1
        before = self.fingerprint()
        yield
        after = self.fingerprint()
        self.env.invalidate_all()
        changed = sorted(
            table
            for table in self.watched
            if before[table] != after[table] and table not in allowed
        )
        self.assertFalse(changed, "a refused request changed the database")

    def count_response(self, response):
        self.figures["requests"] += 1
        self.statuses[response.status_code] += 1
        return response

    def log_figures(self, name):
        """Log the figures quoted by README.md ("Hostile input")."""
        _logger.info(
            "hostile input %s: %s cases, %s requests, %s valid ones, %s rows "
            "checked, statuses %s",
            name,
            self.figures["cases"],
            self.figures["requests"],
            self.figures["accepted"],
            self.figures["rows checked"],
            dict(sorted(self.statuses.items())),
        )
