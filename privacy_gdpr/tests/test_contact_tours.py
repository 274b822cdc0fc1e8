from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestContactTours(HttpCase):
    """The web client: phone clicks and the chatter, in headless Chromium."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_sales = new_test_user(
            cls.env,
            login="privacy_tour",
            password="privacy_tour",
            groups="base.group_user,base.group_partner_manager",
        )
        Type = cls.env["privacy.consent.type"]
        types = Type.create(
            [
                {"name": "Tour e-mail", "code": "TOUR_EMAIL", "allow_email": True},
                {"name": "Tour calls", "code": "TOUR_CALL", "allow_call": True},
            ]
        )
        Partner = cls.env["res.partner"]
        cls.partner = Partner.create(
            {
                "name": "Tour Camille",
                "email": "camille@example.fr",
                "mobile": "+33 6 12 34 56 78",
            }
        )
        cls.partner_2 = Partner.create(
            {
                "name": "Tour Giulia",
                "email": "giulia@example.it",
                "phone": "+39 347 123 4567",
            }
        )
        cls.env["privacy.partner.consent"].create(
            [
                {
                    "partner_id": cls.partner_2.id,
                    "type_id": consent_type.id,
                    "state": "given",
                    "method": "oral",
                    "date_given": "2025-01-01",
                    "proof_reference": "CALL-2025-0001",
                }
                for consent_type in types
            ]
        )
        cls.reason = cls.env.ref("privacy_gdpr.contact_reason_contract")
        cls.Log = cls.env["privacy.contact.log"]
        cls.env.company.write({"privacy_check_call": True, "privacy_check_email": True})

    def test_call_without_consent_asks_reason_then_logs(self):
        self.start_tour(
            f"/odoo/action-contacts.action_contacts/{self.partner.id}",
            "privacy_gdpr_call_without_consent",
            login="privacy_tour",
        )
        self.assertRecordValues(
            self.Log.search([]),
            [
                {
                    "partner_id": self.partner.id,
                    "channel": "call",
                    "reason_id": self.reason.id,
                    "note": "Delivery date",
                    "user_id": self.user_sales.id,
                    "res_model": "res.partner",
                    "res_id": self.partner.id,
                    "phone_number": "+33 6 12 34 56 78",
                }
            ],
        )

    def test_call_with_consent_starts_at_once(self):
        self.start_tour(
            "/odoo/action-contacts.action_contacts?view_type=list",
            "privacy_gdpr_call_with_consent",
            login="privacy_tour",
        )
        self.assertFalse(self.Log.search([]))

    def test_chatter_send_without_consent_asks_reason(self):
        self.start_tour(
            f"/odoo/action-contacts.action_contacts/{self.partner.id}",
            "privacy_gdpr_chatter_without_consent",
            login="privacy_tour",
        )
        message = self.partner.message_ids.filtered(
            lambda m: "Your kitchen is ready" in m.body
        )
        self.assertEqual(len(message), 1)
        self.assertEqual(message.partner_ids, self.partner)
        self.assertEqual(message.author_id, self.user_sales.partner_id)
        self.assertRecordValues(
            self.Log.search([]),
            [
                {
                    "partner_id": self.partner.id,
                    "channel": "email",
                    "reason_id": self.reason.id,
                    "note": "Order follow-up",
                    "user_id": self.user_sales.id,
                    "res_model": "res.partner",
                    "res_id": self.partner.id,
                    "message_id": message.id,
                }
            ],
        )

    def test_rpc_post_without_reason_is_refused(self):
        """The chatter's own route, called without the dialog's reason."""
        self.authenticate("privacy_tour", "privacy_tour")
        before = (
            self.env["mail.message"].search_count([]),
            self.env["mail.mail"].search_count([]),
        )
        params = {
            "thread_model": "res.partner",
            "thread_id": self.partner_2.id,
            "post_data": {
                "body": "Hello",
                "message_type": "comment",
                "subtype_xmlid": "mail.mt_comment",
                "partner_ids": [self.partner.id],
            },
        }
        with self.assertRaisesRegex(Exception, "PrivacyReasonRequired"):
            self.make_jsonrpc_request("/mail/message/post", params)
        self.assertEqual(
            (
                self.env["mail.message"].search_count([]),
                self.env["mail.mail"].search_count([]),
            ),
            before,
        )
        params["context"] = {"privacy_contact_reason_id": self.reason.id}
        self.make_jsonrpc_request("/mail/message/post", params)
        message = self.partner_2.message_ids[0]
        self.assertEqual(message.partner_ids, self.partner)
        self.assertEqual(self.Log.search([]).message_id, message)
        self.env.company.privacy_check_email = False
        params.pop("context")
        self.make_jsonrpc_request("/mail/message/post", params)
        self.assertEqual(len(self.Log.search([])), 1)

    def test_call_after_objection_offers_only_overriding_reasons(self):
        paul = self.env["res.partner"].create(
            {"name": "Tour Paul", "mobile": "+33 6 33 33 33 33"}
        )
        calls = self.env["privacy.consent.type"].search([("code", "=", "TOUR_CALL")])
        self.env["privacy.partner.consent"].create(
            {
                "partner_id": paul.id,
                "type_id": calls.id,
                "state": "withdrawn",
                "method": "oral",
                "proof_reference": "CALL-2025-0002",
            }
        )
        self.start_tour(
            f"/odoo/action-contacts.action_contacts/{paul.id}",
            "privacy_gdpr_call_after_objection",
            login="privacy_tour",
        )
        self.assertRecordValues(
            self.Log.search([]),
            [{"partner_id": paul.id, "channel": "call", "reason_id": self.reason.id}],
        )
