"""Concurrency and multi-worker deployment, against Odoo in prefork mode.

Odoo is started with 2 HTTP workers and a cron worker on the test database,
with data committed for the purpose (see multiworker.py); clients are threads
sending real HTTP requests released together. If Odoo cannot be started the
tests fail: nothing is skipped.
"""

import logging
import os
import time
from datetime import datetime, timedelta
from pathlib import Path

from odoo import fields
from odoo.tests import TransactionCase, tagged

from . import multiworker as mw
from .consent_request_common import USER_AGENT, PrivacyRequestHttpCase

_logger = logging.getLogger(__name__)

# The soak's length in `make test`; `make soak` runs it for minutes.
SOAK_SECONDS = int(os.environ.get("PRIVACY_SOAK_SECONDS", "15"))
ROUNDS = 4


@tagged("post_install", "-at_install", "privacy_multiworker")
class TestMultiWorker(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.database = cls.env.cr.dbname
        cls.fixture = mw.make_fixture(cls.database, "t", partners=20, staff=2)
        cls.addClassCleanup(mw.remove_fixture, cls.database, cls.fixture)
        log_dir = Path(__file__).resolve().parents[2] / ".test-logs"
        cls.server = mw.PreforkServer(
            cls.database, log_dir / f"{cls.database}-prefork.log"
        )
        cls.addClassCleanup(cls.server.stop)
        cls.server.start()

    def setUp(self):
        super().setUp()
        self.log_offset = self.server.log_size()

    def assertServerClean(self):
        self.assertEqual(self.server.problems(self.log_offset), [], "server log")

    def url(self, partner_id):
        return self.server.url + self.fixture.paths[partner_id]

    def history(self, cr, partner_id, type_id=None):
        cr.execute(
            """SELECT new_state, request_id, user_id FROM privacy_consent_history
                WHERE partner_id = %s AND (%s IS NULL OR type_id = %s) ORDER BY id""",
            [partner_id, type_id, type_id],
        )
        return cr.fetchall()

    def open_request(self, partner_id):
        """The id and link of the partner's open request (new after a resend)."""
        with mw.committed_cursor(self.database) as cr:
            consent_request = mw.admin_env(cr)["privacy.consent.request"].search(
                [("partner_id", "=", partner_id), ("state", "=", "sent")], limit=1
            )
            path = mw.urlparse(consent_request._get_url()).path
            return consent_request.id, self.server.url + path

    def answers_of(self, cr, request_id):
        cr.execute(
            "SELECT count(*) FROM privacy_consent_history WHERE request_id = %s",
            [request_id],
        )
        return cr.fetchone()[0]

    def test_ten_clients_submit_one_page(self):
        """The same page load posted by 10 clients at once, 5 saying yes and 5
        no: one is recorded, the 9 others are told it was already answered."""
        partner_id = self.fixture.partner_ids[10]
        type_id = self.fixture.type_ids[0]
        first = mw.new_session()
        status, form = mw.open_page(first, self.url(partner_id))
        self.assertEqual(status, 200)
        answers = ["given", "refused"] * 5

        def post(answer):
            session = mw.new_session()
            session.cookies.update(first.cookies)
            return mw.submit(session, self.server.url, form, {type_id: answer})

        started = time.time()
        results = mw.run_together(*(lambda a=a: post(a) for a in answers))
        elapsed = time.time() - started
        outcomes = [result[1] for result in results]
        self.assertEqual(outcomes.count("recorded"), 1, results)
        self.assertEqual(outcomes.count("stale"), 9, results)
        winner = answers[outcomes.index("recorded")]
        with mw.committed_cursor(self.database) as cr:
            rows = self.history(cr, partner_id, type_id)
            self.assertEqual([row[0] for row in rows], [winner])
            env = mw.admin_env(cr)
            partner = env["res.partner"].browse(partner_id)
            consent = partner.privacy_consent_ids.filtered(
                lambda c: c.type_id.id == type_id
            )
            self.assertEqual(consent.state, winner)
            # Retried transactions wrote nothing twice: one summary, one answer.
            summaries = partner.message_ids.filtered(
                lambda m: m.subtype_id == env.ref("privacy_gdpr.mt_consent_answer")
            )
            self.assertEqual(len(summaries), 1)
            self.assertEqual(
                len(partner.privacy_request_ids.filtered("date_answer")), 1
            )
        # The page shown again says so, with the current choice to change it.
        session = mw.new_session()
        session.cookies.update(first.cookies)
        status, form_again = mw.open_page(session, self.url(partner_id))
        self.assertEqual(status, 200)
        self.assertNotEqual(form_again["data"]["version"], form["data"]["version"])
        _logger.info(
            "10 concurrent submissions of one page: 1 recorded, 9 already answered, "
            "%.1f s, %d retried transactions",
            elapsed,
            self.server.retries(self.log_offset),
        )
        self.assertServerClean()

    def test_submission_races_resend(self):
        """A page posted while a staff member sends a new request (which
        supersedes the link): recorded before, or refused as superseded after;
        never both, never a 500."""
        partner_id = self.fixture.partner_ids[11]
        type_id = self.fixture.type_ids[0]
        staff = mw.staff_session(
            self.server.url, self.database, self.fixture.staff_logins[0]
        )
        outcomes = []

        def call(model, method, *args):
            return mw.json_rpc(
                staff,
                self.server.url,
                "/web/dataset/call_kw",
                {"model": model, "method": method, "args": list(args), "kwargs": {}},
            )

        def resend():
            # The person may have refused meanwhile: the staff member confirms
            # asking again in the dialog, as they would in the form.
            wizard = call(
                "privacy.consent.request.wizard",
                "create",
                {"partner_ids": [[6, 0, [partner_id]]], "include_objectors": True},
            )
            return call(
                "privacy.consent.request.wizard", "action_send", [wizard["result"]]
            )

        for _round in range(ROUNDS):
            request_id, url = self.open_request(partner_id)
            session = mw.new_session()
            status, form = mw.open_page(session, url)
            self.assertEqual(status, 200)
            answer = mw.flip(form["states"][type_id])
            submitted, resent = mw.run_together(
                lambda s=session, f=form, a=answer: mw.submit(
                    s, self.server.url, f, {type_id: a}
                ),
                resend,
            )
            self.assertNotIn("error", resent, resent)
            self.assertIn(submitted[0], (200, 410), submitted)
            outcomes.append(submitted[0])
            with mw.committed_cursor(self.database) as cr:
                recorded = self.answers_of(cr, request_id)
                self.assertEqual(recorded, 1 if submitted[0] == 200 else 0)
                cr.execute(
                    "SELECT state FROM privacy_consent_request WHERE id = %s",
                    [request_id],
                )
                self.assertEqual(cr.fetchone()[0], "superseded")
                self.assertEqual(mw.history_problems(cr, [partner_id]), [])
        _logger.info("submission against resend, %d rounds: %s", ROUNDS, outcomes)
        self.assertServerClean()

    def test_submission_races_expiry_cron(self):
        """A page posted at the moment its link expires, while the expiry
        scheduled action runs: recorded and answered, or refused as expired;
        the scheduled action never fails."""
        partner_id = self.fixture.partner_ids[12]
        type_id = self.fixture.type_ids[0]
        outcomes = []
        for offset in (-1.0, -0.5, 0.0, 0.5)[:ROUNDS]:
            with mw.committed_cursor(self.database) as cr:
                env = mw.admin_env(cr)
                consent_request = env["privacy.consent.request"]._create_for_partners(
                    env["res.partner"].browse(partner_id), "request"
                )
                # Whole seconds, as stored: the link dies at expiry.
                expiry = fields.Datetime.now() + timedelta(seconds=4)
                consent_request.write({"date_expiry": expiry})
                url = self.server.url + mw.urlparse(consent_request._get_url()).path
                request_id = consent_request.id
            session = mw.new_session()
            status, form = mw.open_page(session, url)
            self.assertEqual(status, 200)
            answer = mw.flip(form["states"][type_id])
            wait = (expiry - datetime.utcnow()).total_seconds() + offset
            time.sleep(max(wait, 0))
            submitted, cron = mw.run_together(
                lambda s=session, f=form, a=answer: mw.submit(
                    s, self.server.url, f, {type_id: a}
                ),
                lambda: self.run_expiry_cron(),
            )
            self.assertFalse(isinstance(cron, Exception), cron)
            self.assertIn(submitted[0], (200, 410), submitted)
            outcomes.append(submitted[0])
            with mw.committed_cursor(self.database) as cr:
                cr.execute(
                    "SELECT state FROM privacy_consent_request WHERE id = %s",
                    [request_id],
                )
                state = cr.fetchone()[0]
                rows = self.answers_of(cr, request_id)
                if submitted[0] == 200:
                    self.assertEqual((state, rows), ("answered", 1))
                else:
                    self.assertIn(state, ("sent", "expired"))
                    self.assertEqual(rows, 0)
                self.assertEqual(mw.history_problems(cr, [partner_id]), [])
        _logger.info("submission against expiry, %d rounds: %s", ROUNDS, outcomes)
        self.assertServerClean()

    def run_expiry_cron(self):
        with mw.committed_cursor(self.database) as cr:
            mw.admin_env(cr)["privacy.partner.consent"]._cron_expire_and_renew()

    def test_two_users_record_one_partner(self):
        """Two staff members record the same partner's two consents at the same
        moment, with opposite answers: both succeed, no history row is lost,
        and the result is one of the two, never a mix."""
        partner_id = self.fixture.partner_ids[13]
        type_ids = self.fixture.type_ids[:2]
        sessions = [
            mw.staff_session(self.server.url, self.database, login)
            for login in self.fixture.staff_logins
        ]
        with mw.committed_cursor(self.database) as cr:
            consents = (
                mw.admin_env(cr)["res.partner"]
                .browse(partner_id)
                .privacy_consent_ids.filtered(lambda c: c.type_id.id in type_ids)
                .sorted(lambda c: type_ids.index(c.type_id.id))
            )
            consent_ids = consents.ids
        today = fields.Date.to_string(fields.Date.today())
        given = {"state": "given", "method": "email", "date_given": today}
        refused = {"state": "refused", "method": "phone", "date_given": False}
        choices = [(given, refused), (refused, given)]

        def record(session, values):
            return mw.json_rpc(
                session,
                self.server.url,
                "/web/dataset/call_kw",
                {
                    "model": "res.partner",
                    "method": "write",
                    "args": [
                        [partner_id],
                        {
                            "privacy_consent_ids": [
                                (1, consent_id, vals)
                                for consent_id, vals in zip(consent_ids, values)
                            ]
                        },
                    ],
                    "kwargs": {},
                },
            )

        for _round in range(ROUNDS):
            results = mw.run_together(
                *(
                    lambda s=session, v=values: record(s, v)
                    for session, values in zip(sessions, choices)
                )
            )
            for result in results:
                self.assertEqual(result.get("result"), True, result)
            with mw.committed_cursor(self.database) as cr:
                cr.execute(
                    """SELECT state FROM privacy_partner_consent
                        WHERE id = ANY(%s) ORDER BY array_position(%s, id)""",
                    [consent_ids, consent_ids],
                )
                states = tuple(row[0] for row in cr.fetchall())
                self.assertIn(states, [("given", "refused"), ("refused", "given")])
                self.assertEqual(mw.history_problems(cr, [partner_id]), [])
                cr.execute(
                    "SELECT count(*) FROM privacy_consent_history"
                    " WHERE consent_id = ANY(%s)",
                    [consent_ids],
                )
                rows = cr.fetchone()[0]
        _logger.info(
            "two users on one partner, %d rounds: %d history rows, %d retried "
            "transactions",
            ROUNDS,
            rows,
            self.server.retries(self.log_offset),
        )
        self.assertServerClean()

    def test_soak(self):
        """Checks, logs and page submissions together on 2 workers, with the
        expiry scheduled action triggered meanwhile: no error, every write
        accounted for."""
        result = mw.Soak(self.server, self.fixture, SOAK_SECONDS).run()
        figures, problems = mw.verify_soak(self.database, self.fixture, result)
        _logger.info(
            "soak: %d clients, %.0f s, %d requests (%d checks, %d logs, %d pages "
            "recorded, %d already answered), %d errors; rows checked: %d logs, "
            "%d history rows; %d retried transactions",
            result.clients,
            result.duration,
            result.requests,
            result.checks,
            result.logs_accepted,
            result.submissions_recorded,
            result.submissions_stale,
            len(result.errors),
            figures["log_rows"],
            figures["history_rows"],
            self.server.retries(self.log_offset),
        )
        self.assertEqual(result.errors, [])
        self.assertEqual(problems, [])
        self.assertGreater(result.logs_accepted, 0)
        self.assertGreater(result.submissions_recorded, 0)
        self.assertServerClean()


@tagged("post_install", "-at_install", "privacy_multiworker")
class TestExpiryMeetsAnAnswer(TransactionCase):
    """The expiry scheduled action against an answer committed while it runs,
    interleaved deterministically on two connections."""

    def test_expiry_meets_a_newer_answer(self):
        database = self.env.cr.dbname
        fixture = mw.make_fixture(database, "x", partners=1)
        self.addCleanup(mw.remove_fixture, database, fixture)
        partner_id, type_id = fixture.partner_ids[0], fixture.type_ids[0]
        with mw.committed_cursor(database) as cr:
            env = mw.admin_env(cr)
            consent_request = env["privacy.consent.request"].search(
                [("partner_id", "=", partner_id)]
            )
            consent_request.write(
                {"date_expiry": fields.Datetime.now() - timedelta(minutes=1)}
            )
            consent = env["privacy.partner.consent"].search(
                [("partner_id", "=", partner_id), ("type_id", "=", type_id)]
            )
            consent.write(
                {"state": "given", "method": "email", "date_given": fields.Date.today()}
            )
            env.flush_all()
            # Due to expire today, whatever the validity of the type.
            cr.execute(
                "UPDATE privacy_partner_consent SET date_expiry = current_date"
                " WHERE id = %s",
                [consent.id],
            )
            cron = env.ref(mw.EXPIRY_CRON)
            cr.execute("SELECT COALESCE(MAX(id), 0) FROM ir_cron_trigger")
            last_trigger = cr.fetchone()[0]
        with mw.committed_cursor(database) as cron_cr:
            # The run begins (its snapshot is taken)...
            cron_cr.execute("SELECT 1")
            # ... the person withdraws on the page meanwhile...
            with mw.committed_cursor(database) as cr:
                env = mw.admin_env(cr)
                env["privacy.partner.consent"].browse(consent.id).write(
                    {"state": "withdrawn", "date_given": False}
                )
                env["privacy.consent.request"].browse(consent_request.id).write(
                    {"state": "answered"}
                )
            # ... then the run meets those rows: no failure, it runs again soon.
            mw.admin_env(cron_cr)["privacy.partner.consent"]._cron_expire_and_renew()
        with mw.committed_cursor(database) as cr:
            cr.execute(
                "SELECT state FROM privacy_partner_consent WHERE id = %s", [consent.id]
            )
            self.assertEqual(cr.fetchone()[0], "withdrawn")
            cr.execute(
                "SELECT state FROM privacy_consent_request WHERE id = %s",
                [consent_request.id],
            )
            self.assertEqual(cr.fetchone()[0], "answered")
            self.assertEqual(mw.history_problems(cr, [partner_id]), [])
            cr.execute(
                """SELECT count(*) FROM ir_cron_trigger
                    WHERE id > %s AND cron_id = %s
                      AND call_at > now() at time zone 'utc'""",
                [last_trigger, cron.id],
            )
            self.assertTrue(cr.fetchone()[0], "the expiry runs again soon")


@tagged("post_install", "-at_install")
class TestStalePageLoad(PrivacyRequestHttpCase):
    """One page load posted twice (a second click, a second tab): the second
    post records nothing; a new page load changes the choices."""

    def test_second_post_of_one_page_load(self):
        path = self.send_request(self.partner)
        form = self.form_of(self.open_page(path))
        data = {
            field.get("name"): field.get("value")
            for field in form.xpath(".//input[@type='hidden']")
        }
        field_name = f"consent_{self.type_newsletter.id}"
        headers = {"User-Agent": USER_AGENT}
        first = self.url_open(
            form.get("action"), data={**data, field_name: "given"}, headers=headers
        )
        self.assertEqual(first.status_code, 200)
        second = self.url_open(
            form.get("action"), data={**data, field_name: "refused"}, headers=headers
        )
        self.assertEqual(second.status_code, 409)
        self.assertIn("already recorded", second.text)
        consent = self.consent(self.partner, self.type_newsletter)
        self.assertEqual(consent.state, "given")
        self.assertEqual(consent.history_ids.mapped("new_state"), ["given"])
        # A new page load carries the new version: its answer is recorded.
        self.submit(path, {self.type_newsletter: "refused"})
        self.assertEqual(consent.state, "withdrawn")
        self.assertEqual(
            consent.history_ids.mapped("new_state"), ["withdrawn", "given"]
        )
