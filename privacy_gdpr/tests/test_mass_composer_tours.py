from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException


class MassTourCase(HttpCase):
    """Two contacts named "Tour Mass": Camille without consent, Giulia with
    consent for e-mails and SMS; a salesman who sends from the contact list."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_sales = new_test_user(
            cls.env,
            login="privacy_mass",
            password="privacy_mass",
            groups="base.group_user,base.group_partner_manager",
        )
        types = cls.env["privacy.consent.type"].create(
            [
                {"name": "Mass e-mail", "code": "MASS_EMAIL", "allow_email": True},
                {"name": "Mass SMS", "code": "MASS_SMS", "allow_sms": True},
            ]
        )
        Partner = cls.env["res.partner"]
        cls.camille = Partner.create(
            {
                "name": "Tour Mass Camille",
                "email": "camille.mass@example.fr",
                "mobile": "+33 6 12 34 56 70",
            }
        )
        cls.giulia = Partner.create(
            {
                "name": "Tour Mass Giulia",
                "email": "giulia.mass@example.it",
                "mobile": "+39 347 123 4560",
            }
        )
        cls.env["privacy.partner.consent"].create(
            [
                {
                    "partner_id": cls.giulia.id,
                    "type_id": consent_type.id,
                    "state": "given",
                    "method": "oral",
                    "date_given": "2025-01-01",
                    "proof_reference": "CALL-2025-0002",
                }
                for consent_type in types
            ]
        )
        cls.partners = cls.camille | cls.giulia
        cls.reason = cls.env.ref("privacy_gdpr.contact_reason_contract")
        cls.Log = cls.env["privacy.contact.log"]
        cls.env.company.write({"privacy_check_email": True, "privacy_check_sms": True})

    def start_mass_tour(self, tour):
        self.start_tour(
            "/odoo/action-contacts.action_contacts?view_type=list",
            tour,
            login="privacy_mass",
        )

    def call_kw(self, model, method, args, kwargs=None):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    def assertLogged(self, channel, note):
        self.assertRecordValues(
            self.Log.search([("partner_id", "in", self.partners.ids)]),
            [
                {
                    "partner_id": self.camille.id,
                    "channel": channel,
                    "reason_id": self.reason.id,
                    "note": note,
                    "user_id": self.user_sales.id,
                }
            ],
        )


@tagged("post_install", "-at_install")
class TestMassComposerTours(MassTourCase):
    """*Send email* on the contact list, in headless Chromium and over RPC."""

    def mailed(self):
        return (
            self.env["mail.mail"]
            .sudo()
            .search([("recipient_ids", "in", self.partners.ids)])
            .recipient_ids
            & self.partners
        )

    def test_leave_out(self):
        self.start_mass_tour("privacy_gdpr_mass_email_leave_out")
        self.assertEqual(self.mailed(), self.giulia)
        self.assertFalse(self.Log.search([("partner_id", "in", self.partners.ids)]))

    def test_reason(self):
        self.start_mass_tour("privacy_gdpr_mass_email_reason")
        self.assertEqual(self.mailed(), self.partners)
        self.assertLogged("email", "Product recall")

    def test_rpc_without_decision_refused(self):
        self.authenticate("privacy_mass", "privacy_mass")
        context = {
            "default_composition_mode": "mass_mail",
            "default_model": "res.partner",
            "default_res_ids": repr(self.partners.ids),
        }
        composer_id = self.call_kw(
            "mail.compose.message",
            "create",
            [{"subject": "Spring offers", "body": "<p>Hello</p>"}],
            {"context": context},
        )
        with self.assertRaises(JsonRpcException) as refused:
            self.call_kw(
                "mail.compose.message",
                "action_send_mail",
                [[composer_id]],
                {"context": context},
            )
        self.assertIn("PrivacyReasonRequired", str(refused.exception))
        self.assertFalse(self.mailed())
        # With the decision, over RPC as in the form.
        self.call_kw(
            "mail.compose.message",
            "write",
            [[composer_id], {"privacy_mass_decision": "leave_out"}],
        )
        action = self.call_kw(
            "mail.compose.message",
            "action_send_mail",
            [[composer_id]],
            {"context": context},
        )
        self.assertEqual(action["domain"], [["id", "in", [self.camille.id]]])
        self.assertEqual(self.mailed(), self.giulia)
