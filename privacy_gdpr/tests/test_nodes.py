"""Several Odoo servers on one database, as the nodes of a deployment behind a
load balancer: what is recorded through one node is what the others answer at
once, with no state of a process going stale.

Two servers (separate processes, prefork mode, one HTTP worker and a cron
worker each) serve the test database, with data committed for the purpose (see
multiworker.py). Changes go through node A as a user would make them (JSON-RPC
of the web client); the telephony check is asked of node B.
"""

from pathlib import Path

from odoo import fields
from odoo.tests import TransactionCase, tagged

from . import multiworker as mw

TAG = "nodes"


@tagged("post_install", "-at_install", "privacy_multiworker")
class TestTwoNodes(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.database = cls.env.cr.dbname
        cls.fixture = mw.make_fixture(cls.database, TAG, partners=3, staff=1)
        cls.addClassCleanup(mw.remove_fixture, cls.database, cls.fixture)
        with mw.committed_cursor(cls.database) as cr:
            env = mw.admin_env(cr)
            cls.company_id = env.company.id
            # A settings administrator, for the switches (removed with the fixture).
            admin = env["res.users"].create(
                {
                    "name": f"Multiworker {TAG} admin",
                    "login": f"mw-{TAG}-admin",
                    "password": f"mw-{TAG}-admin",
                    "groups_id": [(6, 0, env.ref("base.group_system").ids)],
                }
            )
            cls.fixture.user_ids.append(admin.id)
            cls.admin_login = admin.login
            cls.call_type_id = (
                env["privacy.consent.type"]
                .browse(cls.fixture.type_ids)
                .filtered("allow_call")[:1]
                .id
            )
        log_dir = Path(__file__).resolve().parents[2] / ".test-logs"
        cls.node_a, cls.node_b = (
            mw.PreforkServer(
                cls.database, log_dir / f"{cls.database}-node-{name}.log", workers=1
            )
            for name in ("a", "b")
        )
        cls.addClassCleanup(cls.node_a.stop)
        cls.addClassCleanup(cls.node_b.stop)
        for started in mw.run_together(cls.node_a.start, cls.node_b.start):
            if isinstance(started, Exception):
                raise started

    def setUp(self):
        super().setUp()
        self.offsets = [node.log_size() for node in (self.node_a, self.node_b)]

    def tearDown(self):
        for node, offset in zip((self.node_a, self.node_b), self.offsets):
            self.assertEqual(node.problems(offset), [], f"log of {node.log_path}")
        super().tearDown()

    def check_on_b(self, partner_id, key=None):
        """The telephony check of a call to ``partner_id``, asked of node B."""
        return mw.api_call(
            mw.new_session(),
            self.node_b.url,
            key or self.fixture.api_key,
            "check",
            {"channel": "call", "partner_id": partner_id},
        )

    def call_kw(self, session, model, method, *args):
        result = mw.json_rpc(
            session,
            self.node_a.url,
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": list(args), "kwargs": {}},
        )
        self.assertNotIn("error", result)
        return result["result"]

    def record_on_a(self, partner_id, values):
        """A staff member records the call consent of ``partner_id`` on node A."""
        session = mw.staff_session(
            self.node_a.url, self.database, self.fixture.staff_logins[0]
        )
        consent_id = self.call_kw(
            session,
            "privacy.partner.consent",
            "search",
            [("partner_id", "=", partner_id), ("type_id", "=", self.call_type_id)],
        )[0]
        self.call_kw(
            session,
            "res.partner",
            "write",
            [partner_id],
            {"privacy_consent_ids": [(1, consent_id, values)]},
        )

    def test_consent_and_objection_through_a_are_answered_by_b(self):
        partner_id = self.fixture.partner_ids[0]
        status, answer = self.check_on_b(partner_id)
        self.assertEqual(status, 200, answer)
        self.assertTrue(answer["check_active"])
        self.assertFalse(answer["allowed"])
        today = fields.Date.to_string(fields.Date.today())
        self.record_on_a(
            partner_id,
            {"state": "given", "method": "email", "date_given": today},
        )
        status, answer = self.check_on_b(partner_id)
        self.assertEqual(status, 200, answer)
        self.assertTrue(answer["allowed"])
        # The person objects: node B refuses at once.
        self.record_on_a(
            partner_id, {"state": "refused", "method": "phone", "date_given": False}
        )
        status, answer = self.check_on_b(partner_id)
        self.assertEqual(status, 200, answer)
        self.assertFalse(answer["allowed"])
        self.assertTrue(answer["reason_required"])

    def test_switch_changed_through_a_is_answered_by_b(self):
        partner_id = self.fixture.partner_ids[1]
        session = mw.staff_session(self.node_a.url, self.database, self.admin_login)
        self.addCleanup(
            self.call_kw,
            session,
            "res.company",
            "write",
            [self.company_id],
            {"privacy_check_call": True},
        )
        self.call_kw(
            session,
            "res.company",
            "write",
            [self.company_id],
            {"privacy_check_call": False},
        )
        status, answer = self.check_on_b(partner_id)
        self.assertEqual(status, 200, answer)
        self.assertFalse(answer["check_active"])
        self.assertTrue(answer["allowed"])
        self.call_kw(
            session,
            "res.company",
            "write",
            [self.company_id],
            {"privacy_check_call": True},
        )
        status, answer = self.check_on_b(partner_id)
        self.assertTrue(answer["check_active"])
        self.assertFalse(answer["allowed"])

    def test_key_revoked_through_a_is_refused_by_b(self):
        partner_id = self.fixture.partner_ids[2]
        # A second key of the API user, revoked here (the other tests keep theirs).
        with mw.committed_cursor(self.database) as cr:
            Key = mw.admin_env(cr)["res.users.apikeys"]
            key = (
                Key.with_user(self.fixture.user_ids[0])
                .sudo()
                ._generate(None, "revoked through node A", None)
            )
        # Node B knows the key (kept in its cache once accepted).
        self.assertEqual(self.check_on_b(partner_id, key)[0], 200)
        api_login = f"mw-{TAG}-api"
        session = mw.staff_session(self.node_a.url, self.database, api_login)
        key_ids = self.call_kw(
            session,
            "res.users.apikeys",
            "search",
            [("name", "=", "revoked through node A")],
        )
        self.assertEqual(len(key_ids), 1)
        # Revoking a key asks for the password again, as in Preferences.
        action = self.call_kw(session, "res.users.apikeys", "remove", key_ids)
        check_id = action["res_id"]
        self.call_kw(
            session,
            "res.users.identitycheck",
            "write",
            [check_id],
            {"password": api_login},
        )
        self.call_kw(session, "res.users.identitycheck", "run_check", [check_id])
        status, _answer = self.check_on_b(partner_id, key)
        self.assertEqual(status, 401)
        # The user's other key still works.
        self.assertEqual(self.check_on_b(partner_id)[0], 200)
