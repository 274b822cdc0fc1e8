from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.privacy_gdpr.exceptions import PrivacyReasonRequired

from .contact_common import PrivacyContactCase


@tagged("post_install", "-at_install")
class TestCallCheck(PrivacyContactCase):
    """Phone clicks (the check the web client makes) and "Log a call"."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Wizard = cls.env["privacy.contact.reason.wizard"].with_user(cls.user_sales)

    def check(self, record, number=False):
        action = self.Wizard.privacy_contact_check(
            "call", record._name, record.id, phone_number=number
        )
        return action and self.Wizard.browse(action["res_id"])

    def log_call(self, record):
        return self.Wizard.with_context(
            active_model=record._name,
            active_id=record.id,
            default_channel="call",
            default_purpose="log_call",
        ).create({})

    def test_phone_click_on_partner(self):
        for on in (True, False):
            with self.subTest(switch=on):
                self.switch("call", on)
                self.assertFalse(self.check(self.partner_2), "consent: call at once")
                wizard = self.check(self.partner, "+33 6 12 34 56 78")
                if not on:
                    self.assertFalse(wizard)
                    continue
                self.assertEqual(wizard.privacy_reason_partner_ids, self.partner)
                with self.assertRaisesRegex(PrivacyReasonRequired, "Camille"):
                    wizard.action_confirm()
                self.assertFalse(self.Log.search([]))
                wizard.write(
                    {
                        "privacy_contact_reason_id": self.reason.id,
                        "privacy_contact_note": "Delivery date",
                    }
                )
                result = wizard.action_confirm()
                self.assertEqual(
                    result["infos"]["privacy_contact"]["privacy_contact_reason_id"],
                    self.reason.id,
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
                            "message_id": False,
                        }
                    ],
                )
                self.assertFalse(self.partner.message_ids.filtered("body"))

    def test_log_a_call(self):
        for on in (True, False):
            with self.subTest(switch=on):
                self.switch("call", on)
                # With consent: recorded on the chatter, no log, no reason.
                wizard = self.log_call(self.partner_2)
                self.assertEqual(wizard.phone_number, self.partner_2.mobile)
                self.assertFalse(wizard.privacy_reason_required)
                wizard.write({"privacy_contact_note": "Asked for a quote"})
                wizard.action_confirm()
                note = self.partner_2.message_ids[0]
                self.assertIn("Asked for a quote", note.body)
                self.assertIn(self.partner_2.mobile, note.body)
                self.assertFalse(
                    self.Log.search([("partner_id", "=", self.partner_2.id)])
                )
                # Without consent: a reason when the check is on, and a log.
                for record in (self.partner,):
                    logs_before = self.Log.search([])
                    wizard = self.log_call(record)
                    self.assertEqual(wizard.privacy_reason_required, on)
                    if on:
                        with self.assertRaises(PrivacyReasonRequired):
                            wizard.action_confirm()
                        wizard.privacy_contact_reason_id = self.reason
                    wizard.action_confirm()
                    note = record.message_ids[0]
                    self.assertIn("Call", note.body)
                    log = self.Log.search([]) - logs_before
                    if not on:
                        self.assertFalse(log)
                        continue
                    self.assertRecordValues(
                        log,
                        [
                            {
                                "partner_id": self.partner.id,
                                "channel": "call",
                                "res_model": record._name,
                                "res_id": record.id,
                                "message_id": note.id,
                            }
                        ],
                    )

    def test_access_rights(self):
        """Nobody checks or logs a call about a document they may not read."""
        other_company = self.env["res.company"].create({"name": "Other company"})
        stranger = self.env["res.partner"].create(
            {
                "name": "Stranger",
                "phone": "+33 1 40 00 00 00",
                "company_id": other_company.id,
            }
        )
        with self.assertRaises(AccessError):
            self.Wizard.privacy_contact_check("call", "res.partner", stranger.id)
        with self.assertRaises(AccessError):
            self.Wizard.with_context(
                active_model="res.partner",
                active_id=stranger.id,
                default_channel="call",
                default_purpose="log_call",
            ).create({})
        # Nor through a dialog opened by someone who may read the contact.
        self.switch("call", True)
        wizard = self.env["privacy.contact.reason.wizard"].browse(
            self.env["privacy.contact.reason.wizard"].privacy_contact_check(
                "call", "res.partner", stranger.id
            )["res_id"]
        )
        wizard.privacy_contact_reason_id = self.reason
        with self.assertRaises(AccessError):
            wizard.with_user(self.user_sales).action_confirm()
        self.assertFalse(self.Log.search([]))
