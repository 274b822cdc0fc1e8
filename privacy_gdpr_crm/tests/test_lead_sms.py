from odoo.tests import tagged

from odoo.addons.privacy_gdpr.exceptions import PrivacyReasonRequired
from odoo.addons.privacy_gdpr_sms.tests.test_sms_check import SmsCheckCase

from .common import PrivacyLeadCase, WithBridgesMixin


@tagged("post_install", "-at_install")
class TestLeadSms(WithBridgesMixin, SmsCheckCase, PrivacyLeadCase):
    """The SMS composer on leads: the person of a lead needs the reason."""

    bridges = ("privacy_gdpr_sms",)

    def test_comment_mode_on_leads(self):
        lead_2 = self.lead.copy({"partner_id": self.partner_2.id})
        leads = self.lead | lead_2
        for on in (True, False):
            with self.subTest(switch=on):
                self.switch("sms", on)
                composer = self.composer(leads)
                self.assertEqual(composer.composition_mode, "comment")
                self.assertFalse(composer.comment_single_recipient)
                before = len(self.sms_to(self.partner | self.partner_2))
                if on:
                    self.assertEqual(composer.privacy_reason_partner_ids, self.partner)
                    with self.assertRaises(PrivacyReasonRequired):
                        composer.action_send_sms_privacy()
                    self.assertEqual(
                        len(self.sms_to(self.partner | self.partner_2)), before
                    )
                    composer.privacy_contact_reason_id = self.reason
                composer.action_send_sms_privacy()
                self.assertEqual(
                    len(self.sms_to(self.partner | self.partner_2)), before + 2
                )
                logs = self.logs(channel="sms", res_model="crm.lead")
                self.assertEqual(len(logs), 1, "one log, of the first switch")
                self.assertRecordValues(
                    logs,
                    [{"partner_id": self.partner.id, "res_id": self.lead.id}],
                )
                self.assertEqual(logs.message_id.res_id, self.lead.id)

    def test_lead_without_partner(self):
        lead = self.env["crm.lead"].create(
            {
                "name": "Website request",
                "contact_name": "Luca Bianchi",
                "mobile": "+39 333 765 4321",
                "user_id": self.user_sales.id,
            }
        )
        self.switch("sms", False)
        composer = self.composer(lead, default_number_field_name="mobile")
        self.assertFalse(composer.privacy_reason_required)
        self.switch("sms", True)
        composer = self.composer(lead, default_number_field_name="mobile")
        self.assertEqual(composer.privacy_new_contacts, "Luca Bianchi")
        with self.assertRaises(PrivacyReasonRequired):
            composer.action_send_sms_privacy()
        self.assertFalse(lead.partner_id)
        composer.privacy_contact_reason_id = self.reason
        composer.action_send_sms_privacy()
        self.assertEqual(lead.partner_id.name, "Luca Bianchi")
        self.assertEqual(len(self.sms_to(lead.partner_id)), 1)
        self.assertRecordValues(
            self.logs(res_model="crm.lead", res_id=lead.id),
            [{"partner_id": lead.partner_id.id, "channel": "sms"}],
        )

    def test_automatic_sms_not_blocked(self):
        self.switch("sms", True)
        # What stock_sms, calendar_sms... do as the acting user.
        self.partner.with_user(self.user_sales)._message_sms("Your parcel left")
        self.assertEqual(len(self.sms_to(self.partner)), 1)
        self.assertFalse(self.Log.search([]))
