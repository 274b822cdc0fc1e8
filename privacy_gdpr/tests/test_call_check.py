from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

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

    def test_phone_click_on_lead(self):
        self.switch("call", True)
        wizard = self.check(self.lead)
        self.assertEqual(wizard.privacy_reason_partner_ids, self.partner)
        wizard.privacy_contact_reason_id = self.reason
        wizard.action_confirm()
        self.assertRecordValues(
            self.Log.search([]),
            [
                {
                    "partner_id": self.partner.id,
                    "res_model": "crm.lead",
                    "res_id": self.lead.id,
                }
            ],
        )
        self.assertEqual(self.lead.privacy_contact_log_ids, self.Log.search([]))
        self.lead.partner_id = self.partner_2
        self.assertFalse(self.check(self.lead))

    def test_lead_without_partner(self):
        lead = self.env["crm.lead"].create(
            {
                "name": "Call back",
                "contact_name": "Marco Verdi",
                "phone": "+39 02 1234 5678",
                "user_id": self.user_sales.id,
            }
        )
        self.switch("call", False)
        self.assertFalse(self.check(lead))
        self.switch("call", True)
        wizard = self.check(lead)
        self.assertFalse(wizard.privacy_reason_partner_ids)
        self.assertEqual(wizard.privacy_new_contacts, "Marco Verdi")
        with self.assertRaises(PrivacyReasonRequired):
            wizard.action_confirm()
        self.assertFalse(lead.partner_id, "nothing created when refused")
        wizard.privacy_contact_reason_id = self.reason
        wizard.action_confirm()
        self.assertEqual(lead.partner_id.name, "Marco Verdi")
        self.assertRecordValues(
            self.Log.search([]),
            [
                {
                    "partner_id": lead.partner_id.id,
                    "res_model": "crm.lead",
                    "res_id": lead.id,
                }
            ],
        )

    def test_lead_matched_by_email(self):
        lead = self.env["crm.lead"].create(
            {"name": "Newsletter reply", "email_from": self.partner_2.email}
        )
        self.switch("call", True)
        self.assertFalse(self.check(lead), "the contact with this e-mail consented")
        lead.email_from = self.partner.email
        wizard = self.check(lead)
        self.assertEqual(wizard.privacy_reason_partner_ids, self.partner)
        wizard.privacy_contact_reason_id = self.reason
        wizard.action_confirm()
        self.assertEqual(lead.partner_id, self.partner)
        self.assertEqual(self.Log.search([]).partner_id, self.partner)

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
                for record in (self.partner, self.lead):
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
        salesman = new_test_user(
            self.env,
            login="privacy_own_leads",
            groups="base.group_user,sales_team.group_sale_salesman",
        )
        Wizard = self.env["privacy.contact.reason.wizard"].with_user(salesman)
        with self.assertRaises(AccessError):
            Wizard.privacy_contact_check("call", "crm.lead", self.lead.id)
        with self.assertRaises(AccessError):
            Wizard.with_context(
                active_model="crm.lead",
                active_id=self.lead.id,
                default_channel="call",
                default_purpose="log_call",
            ).create({})
        # Nor through a dialog opened by someone who may read the lead.
        wizard = self.check(self.lead)
        wizard.privacy_contact_reason_id = self.reason
        with self.assertRaises(AccessError):
            wizard.with_user(salesman).action_confirm()
        self.assertFalse(self.Log.search([]))
