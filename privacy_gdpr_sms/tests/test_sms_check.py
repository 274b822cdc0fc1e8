from odoo.tests import tagged

from odoo.addons.privacy_gdpr.exceptions import (
    PrivacyReasonRefused,
    PrivacyReasonRequired,
)
from odoo.addons.privacy_gdpr.tests.contact_common import PrivacyContactCase


class SmsCheckCase(PrivacyContactCase):
    """The SMS composer, as a salesman opens it on documents."""

    def composer(self, records, **context):
        context = {
            "default_res_model": records._name,
            "default_composition_mode": "comment",
            **context,
        }
        if len(records) == 1:
            context["default_res_id"] = records.id
        else:
            context["default_res_ids"] = repr(records.ids)
        return (
            self.env["sms.composer"]
            .with_user(self.user_sales)
            .with_context(**context)
            .create({"body": "Your order is ready"})
        )

    def sms_to(self, partners):
        return self.env["sms.sms"].sudo().search([("partner_id", "in", partners.ids)])


@tagged("post_install", "-at_install")
class TestSmsCheck(SmsCheckCase):
    """The SMS composer, single and on documents (comment mode)."""

    def test_single_sms(self):
        for on in (True, False):
            with self.subTest(switch=on):
                self.switch("sms", on)
                before = len(self.sms_to(self.partner))
                composer = self.composer(
                    self.partner, default_number_field_name="mobile"
                )
                self.assertTrue(composer.comment_single_recipient)
                self.assertEqual(composer.privacy_reason_required, on)
                if on:
                    self.assertEqual(composer.privacy_reason_partner_ids, self.partner)
                    with self.assertRaisesRegex(PrivacyReasonRequired, "Camille"):
                        composer.action_send_sms_privacy()
                    self.assertEqual(len(self.sms_to(self.partner)), before)
                    composer.write(
                        {
                            "privacy_contact_reason_id": self.reason.id,
                            "privacy_contact_note": "Delivery",
                        }
                    )
                composer.action_send_sms_privacy()
                self.assertEqual(len(self.sms_to(self.partner)), before + 1)
                message = self.partner.message_ids.filtered(
                    lambda m: m.message_type == "sms"
                )[:1]
                self.assertEqual(message.partner_ids, self.partner)
                logs = self.logs(message_id=message.id)
                if not on:
                    self.assertFalse(logs)
                    continue
                self.assertRecordValues(
                    logs,
                    [
                        {
                            "partner_id": self.partner.id,
                            "channel": "sms",
                            "reason_id": self.reason.id,
                            "note": "Delivery",
                            "user_id": self.user_sales.id,
                            "res_model": "res.partner",
                            "res_id": self.partner.id,
                        }
                    ],
                )

    def test_consented_partner_needs_no_reason(self):
        self.switch("sms", True)
        composer = self.composer(self.partner_2, default_number_field_name="mobile")
        self.assertFalse(composer.privacy_reason_required)
        composer.action_send_sms_privacy()
        self.assertEqual(len(self.sms_to(self.partner_2)), 1)
        self.assertFalse(self.Log.search([]))

    def test_comment_mode_on_documents(self):
        contacts = self.partner | self.partner_2
        for on in (True, False):
            with self.subTest(switch=on):
                self.switch("sms", on)
                composer = self.composer(contacts)
                self.assertEqual(composer.composition_mode, "comment")
                self.assertFalse(composer.comment_single_recipient)
                before = len(self.sms_to(contacts))
                if on:
                    self.assertEqual(composer.privacy_reason_partner_ids, self.partner)
                    with self.assertRaises(PrivacyReasonRequired):
                        composer.action_send_sms_privacy()
                    self.assertEqual(len(self.sms_to(contacts)), before)
                    composer.privacy_contact_reason_id = self.reason
                composer.action_send_sms_privacy()
                self.assertEqual(len(self.sms_to(contacts)), before + 2)
                logs = self.logs(channel="sms")
                self.assertEqual(len(logs), 1, "one log, of the first switch")
                self.assertRecordValues(
                    logs,
                    [
                        {
                            "partner_id": self.partner.id,
                            "res_model": "res.partner",
                            "res_id": self.partner.id,
                        }
                    ],
                )
                self.assertEqual(logs.message_id.res_id, self.partner.id)


@tagged("post_install", "-at_install")
class TestSmsObjection(SmsCheckCase):
    """SMS to a person who refused SMS: only reasons that override an objection
    are offered and accepted (GDPR art. 21(3))."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.record(cls.partner, cls.type_sms, state="refused")
        cls.marketing = cls.env.ref("privacy_gdpr.contact_reason_consent_elsewhere")

    def test_objection_is_shown_and_final(self):
        composer = self.composer(self.partner, default_number_field_name="mobile")
        self.assertIn("Camille Durand", composer.privacy_objection_note)
        self.assertIn("SMS refused", composer.privacy_objection_note)
        self.assertIn(self.reason, composer.privacy_allowed_reason_ids)
        self.assertNotIn(self.marketing, composer.privacy_allowed_reason_ids)
        before = len(self.sms_to(self.partner))
        composer.privacy_contact_reason_id = self.marketing
        with self.assertRaisesRegex(PrivacyReasonRefused, "objected: SMS refused"):
            composer.action_send_sms_privacy()
        self.assertEqual(len(self.sms_to(self.partner)), before)
        composer.privacy_contact_reason_id = self.reason
        composer.action_send_sms_privacy()
        self.assertEqual(len(self.sms_to(self.partner)), before + 1)
        self.assertEqual(self.logs(partner_id=self.partner.id).reason_id, self.reason)

    def test_business_prospect_never_for_sms_to_italy(self):
        company = self.env["res.partner"].create(
            {
                "name": "Bianchi Srl",
                "is_company": True,
                "country_id": self.env.ref("base.it").id,
                "mobile": "+39 347 111 1111",
            }
        )
        b2b = self.env.ref("privacy_gdpr.contact_reason_b2b_prospect")
        composer = self.composer(company, default_number_field_name="mobile")
        self.assertNotIn(b2b, composer.privacy_allowed_reason_ids)
        composer.privacy_contact_reason_id = b2b
        with self.assertRaisesRegex(PrivacyReasonRefused, "Italy"):
            composer.action_send_sms_privacy()
        company.country_id = self.env.ref("base.fr")
        composer = self.composer(company, default_number_field_name="mobile")
        self.assertIn(b2b, composer.privacy_allowed_reason_ids)
        composer.privacy_contact_reason_id = b2b
        composer.action_send_sms_privacy()
        self.assertEqual(self.logs(partner_id=company.id).reason_id, b2b)
