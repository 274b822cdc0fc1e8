import base64
import json
import logging

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from ..events import PrivacyEvent
from .common import PrivacyCase
from .hostile_common import HostileInputMixin

PROOF_VALUES = {
    "proof_ip": "6.6.6.6",
    "proof_user_agent": "Forged/1.0",
    "proof_text": "I agree to everything",
    "proof_date": "2020-01-01 10:00:00",
    "proof_link": "/privacy/consent/forged",
    "import_file": "forged.csv",
    "import_row": 7,
}


@tagged("post_install", "-at_install")
class TestProofForgery(HostileInputMixin, HttpCase, PrivacyCase):
    """Proof forged over JSON-RPC, as a Privacy User and as a Privacy Manager:
    refused, and the evidence tables unchanged row for row."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.email_consent = cls.give(cls.partner, cls.type_email, days_ago=3)
        cls.other_request = cls.env["privacy.consent.request"]._create_for_partners(
            cls.partner_2, "request"
        )
        cls.own_request = cls.env["privacy.consent.request"]._create_for_partners(
            cls.partner, "request"
        )
        cls.proof_values = dict(
            PROOF_VALUES,
            user_id=cls.env.ref("base.user_admin").id,
            type_text_id=cls.type_email.text_id.id,
        )

    def setUp(self):
        super().setUp()
        # Odoo logs each refused RPC as a warning: expected here.
        http_logger = logging.getLogger("odoo.http")
        self.addCleanup(http_logger.setLevel, http_logger.level)
        http_logger.setLevel(logging.ERROR)

    def call(self, model, method, args, kwargs=None, context=None):
        """JSON-RPC ``model.method(*args, **kwargs)``: the error's message, or
        None when it succeeded."""
        kwargs = dict(kwargs or {}, context=context or {})
        response = self.url_open(
            f"/web/dataset/call_kw/{model}/{method}",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "id": 1,
                    "params": {
                        "model": model,
                        "method": method,
                        "args": args,
                        "kwargs": kwargs,
                    },
                }
            ),
            headers={"Content-Type": "application/json"},
        ).json()
        return response.get("error", {}).get("data", {}).get("message")

    def assertRefused(self, *call_args, **call_kwargs):
        with self.assertUnchanged():
            error = self.call(*call_args, **call_kwargs)
        self.assertTrue(error, "a forgery was accepted")
        return error

    def forge_as(self, user):
        self.authenticate(user.login, user.login)
        Consent = "privacy.partner.consent"
        answer = {"state": "given", "method": "email", "date_given": str(self.today)}
        for fname, value in self.proof_values.items():
            with self.subTest(user=user.login, write=fname):
                self.assertRefused(
                    Consent, "write", [self.email_consent.ids, {fname: value}]
                )
                self.assertRefused(
                    Consent, "write", [self.email_consent.ids, {**answer, fname: value}]
                )
            with self.subTest(user=user.login, create=fname):
                self.assertRefused(
                    Consent,
                    "create",
                    [
                        {
                            "partner_id": self.partner_2.id,
                            "type_id": self.type_email.id,
                            **answer,
                            fname: value,
                        }
                    ],
                )
        with self.subTest(user=user.login, history_values="forged"):
            self.assertRefused(
                Consent,
                "write",
                [self.email_consent.ids, {"state": "withdrawn"}],
                context={
                    "privacy_history_values": {
                        "user_id": self.env.ref("base.user_admin").id,
                        "date": "2020-01-01 00:00:00",
                        "new_state": "given",
                        "proof_ip": "6.6.6.6",
                    }
                },
            )
        with self.subTest(user=user.login, history_values="request of another"):
            self.assertRefused(
                Consent,
                "write",
                [self.email_consent.ids, {"state": "withdrawn"}],
                context={
                    "privacy_history_values": {"request_id": self.other_request.id}
                },
            )
        for key in ("privacy_event", "privacy_import_source"):
            with self.subTest(user=user.login, context=key):
                self.assertRefused(
                    Consent,
                    "write",
                    [self.email_consent.ids, {"state": "withdrawn", "method": "email"}],
                    context={
                        key: {"source": "page", "ip": "6.6.6.6", "file_name": "x.csv"}
                    },
                )
        with self.subTest(user=user.login, import_row=True):
            self.assertRefused(
                Consent,
                "write",
                [self.email_consent.ids, {**answer, "__privacy_import_row": 3}],
            )
        with self.subTest(user=user.login, history_create=True):
            self.assertRefused(
                "privacy.consent.history",
                "create",
                [
                    {
                        "consent_id": self.email_consent.id,
                        "partner_id": self.partner.id,
                        "type_id": self.type_email.id,
                        "source": "page",
                        "new_state": "given",
                        "proof_ip": "6.6.6.6",
                    }
                ],
                context={"privacy_event": {"source": "page"}},
            )
        with self.subTest(user=user.login, reference_alone=True):
            self.assertRefused(
                Consent, "write", [self.email_consent.ids, {"proof_reference": "REC-9"}]
            )
        # The same user records an answer of their own: accepted, with the
        # request of this very partner in the history.
        with self.subTest(user=user.login, genuine=True):
            error = self.call(
                Consent,
                "write",
                [self.email_consent.ids, {"state": "withdrawn", "method": "email"}],
                context={"privacy_history_values": {"request_id": self.own_request.id}},
            )
            self.assertIsNone(error)
            row = self.email_consent.history_ids[0]
            self.assertEqual(
                (row.source, row.user_id, row.request_id, row.proof_ip),
                ("staff", user, self.own_request, False),
            )

    def test_privacy_user_cannot_forge_proof(self):
        self.forge_as(self.user_privacy)

    def test_privacy_manager_cannot_forge_proof(self):
        self.forge_as(self.user_manager)


@tagged("post_install", "-at_install")
class TestProofWrittenByEvents(PrivacyCase):
    """Not even the superuser writes proof or history without an event."""

    def test_history_needs_an_event(self):
        History = self.env["privacy.consent.history"].sudo()
        values = {
            "partner_id": self.partner.id,
            "type_id": self.type_email.id,
            "source": "page",
            "new_state": "given",
        }
        with self.assertRaises(AccessError):
            History.create(values)
        with self.assertRaises(AccessError):
            History.with_context(privacy_event={"source": "page"}).create(values)
        with self.assertRaises(AccessError):
            self.env["privacy.partner.consent"].sudo().create(
                {
                    "partner_id": self.partner.id,
                    "type_id": self.type_email.id,
                    "state": "given",
                    "method": "email",
                    "date_given": self.today,
                    "proof_ip": "6.6.6.6",
                }
            )

    def test_context_defaults_write_no_answer(self):
        """Defaults of the context are not a way around the event."""
        consent = (
            self.env["privacy.partner.consent"]
            .with_context(
                default_state="given",
                default_method="web_form",
                default_date_given=self.today,
                default_proof_ip="6.6.6.6",
                default_user_id=self.env.ref("base.user_admin").id,
            )
            .create({"partner_id": self.partner.id, "type_id": self.type_post.id})
        )
        self.assertEqual(consent.state, "none")
        self.assertFalse(consent.sudo().proof_ip)
        self.assertFalse(consent.history_ids)

    def test_load_refuses_proof_columns(self):
        result = self.env["privacy.partner.consent"].load(
            ["partner_id", "type_id", "state", "method", "date_given", "proof_ip"],
            [
                [
                    self.partner.email,
                    self.type_email.code,
                    "given",
                    "email",
                    str(self.today),
                    "6.6.6.6",
                ]
            ],
        )
        self.assertFalse(result["ids"])
        self.assertIn("Proof cannot be imported", result["messages"][0]["message"])
        self.assertEqual(self.consent(self.partner, self.type_email).state, "none")

    def test_event_proof_replaces_proof(self):
        """A staff entry after an answer on the page carries no proof of it."""
        consent = self.consent(self.partner, self.type_email)
        consent._privacy_record(
            PrivacyEvent("page", ip="10.1.1.1", user_agent="Agent A", text="Yes"),
            {"state": "given", "method": "web_form", "date_given": self.today},
        )
        consent.write(
            {
                "state": "withdrawn",
                "method": "written",
                "proof_document": base64.b64encode(b"%PDF-1.4 letter"),
                "proof_document_name": "letter.pdf",
            }
        )
        consent = consent.sudo()
        self.assertFalse(consent.proof_ip or consent.proof_user_agent)
        self.assertEqual(consent.proof_document_name, "letter.pdf")
        withdrawal, answer = consent.history_ids
        self.assertEqual(
            (withdrawal.source, withdrawal.proof_ip, withdrawal.proof_user_agent),
            ("staff", False, False),
        )
        self.assertEqual(
            base64.b64decode(withdrawal.proof_document), b"%PDF-1.4 letter"
        )
        self.assertEqual((answer.source, answer.proof_ip), ("page", "10.1.1.1"))
