from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.privacy_gdpr.exceptions import PrivacyReasonRequired

from .common import PrivacyLeadCase


@tagged("post_install", "-at_install")
class TestLeadCallCheck(PrivacyLeadCase):
    """Calls of leads: the person of a lead, and "Log a call" on leads."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Wizard = cls.env["privacy.contact.reason.wizard"].with_user(cls.user_sales)

    def check(self, record, number=False):
        action = self.Wizard.privacy_contact_check(
            "call", record._name, record.id, phone_number=number
        )
        return action and self.Wizard.browse(action["res_id"])

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

    def test_log_a_call_on_lead(self):
        self.switch("call", True)
        wizard = self.Wizard.with_context(
            active_model="crm.lead",
            active_id=self.lead.id,
            default_channel="call",
            default_purpose="log_call",
        ).create({})
        self.assertTrue(wizard.privacy_reason_required)
        with self.assertRaises(PrivacyReasonRequired):
            wizard.action_confirm()
        wizard.privacy_contact_reason_id = self.reason
        wizard.action_confirm()
        note = self.lead.message_ids[0]
        self.assertIn("Call", note.body)
        self.assertRecordValues(
            self.lead.privacy_contact_log_ids,
            [
                {
                    "partner_id": self.partner.id,
                    "channel": "call",
                    "res_model": "crm.lead",
                    "res_id": self.lead.id,
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
        self.switch("call", True)
        wizard = self.check(self.lead)
        wizard.privacy_contact_reason_id = self.reason
        with self.assertRaises(AccessError):
            wizard.with_user(salesman).action_confirm()
        self.assertFalse(self.Log.search([]))
