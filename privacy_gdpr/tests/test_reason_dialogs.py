from odoo.tests import tagged

from odoo.addons.privacy_gdpr.exceptions import PrivacyReasonRefused

from .reason_common import ReasonRulesCase


@tagged("post_install", "-at_install")
class TestReasonDialogs(ReasonRulesCase):
    """The reason dialog and the e-mail composer offer only the reasons usable
    for the people contacted, say who objected and since when, and the server
    refuses the other reasons."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Wizard = cls.env["privacy.contact.reason.wizard"].with_user(cls.user_sales)

    def dialog(self, channel, partner, **values):
        action = self.Wizard.privacy_contact_check(
            channel, partner._name, partner.id, **values
        )
        return action and self.Wizard.browse(action["res_id"])

    def log_call(self, partner):
        return self.Wizard.with_context(
            active_model=partner._name,
            active_id=partner.id,
            default_channel="call",
            default_purpose="log_call",
        ).create({})

    def composer(self, partner, reason):
        return (
            self.env["mail.compose.message"]
            .with_user(self.user_sales)
            .with_context(
                default_model=partner._name,
                default_res_ids=partner.ids,
                default_composition_mode="comment",
            )
            .create(
                {
                    "subject": "Offer",
                    "body": "<p>Our offer</p>",
                    "partner_ids": partner.ids,
                    "privacy_contact_reason_id": reason.id,
                }
            )
        )

    def mails_to(self, partner):
        return (
            self.env["mail.mail"]
            .sudo()
            .search_count([("recipient_ids", "in", partner.ids)])
        )

    def assertOffersForObjector(self, form, state):
        self.assertIn("Camille Durand", form.privacy_objection_note)
        self.assertIn(f"{state} on {self.objected_on}", form.privacy_objection_note)
        self.assertIn(self.reason, form.privacy_allowed_reason_ids)
        self.assertIn(self.request, form.privacy_allowed_reason_ids)
        self.assertFalse(
            form.privacy_allowed_reason_ids & (self.elsewhere | self.customer)
        )

    def test_call_dialog_after_objection(self):
        wizard = self.dialog("call", self.partner, phone_number="+33 6 12 34 56 78")
        self.assertOffersForObjector(wizard, "withdrawn")
        wizard.privacy_contact_reason_id = self.elsewhere
        with self.assertRaisesRegex(PrivacyReasonRefused, "objected: Calls withdrawn"):
            wizard.action_confirm()
        self.assertFalse(self.logs(partner_id=self.partner.id))
        wizard.privacy_contact_reason_id = self.reason
        wizard.action_confirm()
        self.assertEqual(self.logs(partner_id=self.partner.id).reason_id, self.reason)

    def test_log_a_call_after_objection(self):
        wizard = self.log_call(self.partner)
        self.assertOffersForObjector(wizard, "withdrawn")
        wizard.privacy_contact_reason_id = self.elsewhere
        with self.assertRaisesRegex(PrivacyReasonRefused, "Camille Durand"):
            wizard.action_confirm()
        self.assertFalse(self.partner.message_ids.filtered("body"))
        self.assertFalse(self.logs(partner_id=self.partner.id))
        wizard.privacy_contact_reason_id = self.request
        wizard.action_confirm()
        self.assertEqual(self.logs(partner_id=self.partner.id).reason_id, self.request)
        self.assertTrue(self.partner.message_ids.filtered("body"))

    def test_email_dialog_after_objection(self):
        wizard = self.dialog("email", self.partner, partner_ids=self.partner.ids)
        self.assertOffersForObjector(wizard, "refused")
        wizard.privacy_contact_reason_id = self.elsewhere
        with self.assertRaisesRegex(
            PrivacyReasonRefused, "objected: Single e-mail refused"
        ):
            wizard.action_confirm()

    def test_email_composer_after_objection(self):
        composer = self.composer(self.partner, self.elsewhere)
        self.assertOffersForObjector(composer, "refused")
        before = self.mails_to(self.partner)
        with self.assertRaisesRegex(PrivacyReasonRefused, "Consent recorded elsewhere"):
            composer.action_send_mail()
        self.assertEqual(self.mails_to(self.partner), before)
        self.assertFalse(self.logs(partner_id=self.partner.id))
        # The chatter's RPC, which gives the reason in the context, too.
        with self.assertRaises(PrivacyReasonRefused):
            self.partner.with_user(self.user_sales).with_context(
                privacy_contact_reason_id=self.elsewhere.id
            ).message_post(
                body="Hello",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=self.partner.ids,
            )
        self.composer(self.partner, self.reason).action_send_mail()
        self.assertEqual(self.mails_to(self.partner), before + 1)
        self.assertEqual(self.logs(partner_id=self.partner.id).reason_id, self.reason)

    def test_business_prospect_offered_per_country_and_channel(self):
        cases = [
            ("call", self.it_company, {"phone_number": "+39 347 111 1111"}, True),
            ("email", self.it_company, {"partner_ids": self.it_company.ids}, False),
            ("email", self.fr_contact, {"partner_ids": self.fr_contact.ids}, True),
            ("call", self.fr_person, {"phone_number": "+33 6 33 33 33 33"}, False),
        ]
        for channel, partner, values, offered in cases:
            with self.subTest(channel=channel, partner=partner.name):
                wizard = self.dialog(channel, partner, **values)
                self.assertEqual(self.b2b in wizard.privacy_allowed_reason_ids, offered)
                self.assertFalse(wizard.privacy_objection_note)
        composer = self.composer(self.it_contact, self.b2b)
        self.assertNotIn(self.b2b, composer.privacy_allowed_reason_ids)
        with self.assertRaisesRegex(PrivacyReasonRefused, "Italy"):
            composer.action_send_mail()
        self.composer(self.fr_contact, self.b2b).action_send_mail()
        self.assertEqual(self.logs(partner_id=self.fr_contact.id).reason_id, self.b2b)

    def test_people_not_contacts_yet_get_reasons_that_check_nothing(self):
        recall = self.create_recall()
        # An e-mail about a document to an address of nobody known.
        wizard = self.dialog("email", self.fr_company, emails=["nobody@example.fr"])
        self.assertFalse(wizard.privacy_reason_partner_ids)
        self.assertEqual(wizard.privacy_new_contacts, "nobody@example.fr")
        self.assertIn(self.reason, wizard.privacy_allowed_reason_ids)
        self.assertIn(self.elsewhere, wizard.privacy_allowed_reason_ids)
        for reason in (self.vital, self.customer, self.b2b, recall):
            self.assertNotIn(reason, wizard.privacy_allowed_reason_ids)

    def test_reason_channels_and_countries_in_the_dialog(self):
        recall = self.create_recall()
        call_it = self.dialog("call", self.it_company, phone_number="+39 347 111")
        self.assertIn(recall, call_it.privacy_allowed_reason_ids)
        mail_it = self.dialog("email", self.it_company, partner_ids=self.it_company.ids)
        self.assertNotIn(recall, mail_it.privacy_allowed_reason_ids)
        call_fr = self.dialog("call", self.fr_person, phone_number="+33 6 33")
        self.assertNotIn(recall, call_fr.privacy_allowed_reason_ids)
        call_fr.privacy_contact_reason_id = recall
        with self.assertRaisesRegex(PrivacyReasonRefused, "not used in France"):
            call_fr.action_confirm()
        self.assertFalse(self.logs(partner_id=self.fr_person.id))
