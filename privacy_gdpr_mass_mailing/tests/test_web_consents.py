from odoo.tests import tagged

from odoo.addons.privacy_gdpr.events import PrivacyEvent
from odoo.addons.privacy_gdpr.tests.web_form_common import PrivacyWebFormCase


@tagged("post_install", "-at_install")
class TestNewsletterWebConsents(PrivacyWebFormCase):
    """Consents ticked when subscribing to a mailing list on the website: on
    the contact with the subscriber's e-mail, counted by the mailing filter
    once given."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, mail_notify_force_send=False))
        cls.env.company.privacy_check_mass_mailing = True
        cls.type_newsletter.double_optin = True
        cls.mailing_list = cls.env["mailing.list"].create({"name": "Web news"})

    def subscribe(self, email, consent_types=None):
        contact = self.env["mailing.contact"].create(
            {"name": "Ada Lovelace", "email": email, "list_ids": self.mailing_list.ids}
        )
        contact._privacy_record_web_consents(
            self.web_answers(consent_types or self.type_newsletter),
            self.web_proof(contact),
        )
        return contact

    def click(self):
        """The click on the double opt-in link."""
        return PrivacyEvent("double_optin", method="web_form", ip="192.0.2.8")

    def mailing(self):
        return self.env["mailing.mailing"].create(
            {
                "subject": "Web news",
                "body_html": "<p>News</p>",
                "mailing_model_id": self.env["ir.model"]._get_id("mailing.list"),
                "contact_list_ids": [(6, 0, self.mailing_list.ids)],
            }
        )

    def test_recorded_on_the_contact_with_the_address(self):
        contact = self.subscribe("CAMILLE@example.fr")
        self.assertEqual(
            self.consent(self.partner, self.type_newsletter).state, "pending"
        )
        request = self.partner.privacy_request_ids
        self.assertEqual(
            (request.res_model, request.res_id), ("mailing.contact", contact.id)
        )

    def test_a_contact_is_created_for_a_new_address(self):
        self.subscribe("ada@example.fr")
        partner = self.env["res.partner"].search([("email", "=", "ada@example.fr")])
        self.assertEqual(partner.name, "Ada Lovelace")
        self.assertEqual(self.consent(partner, self.type_newsletter).state, "pending")

    def test_the_filter_counts_confirmed_consents_only(self):
        self.subscribe("ada@example.fr")
        mailing = self.mailing()
        self.assertEqual(mailing.privacy_no_consent_count, 1)
        partner = self.env["res.partner"].search([("email", "=", "ada@example.fr")])
        partner.privacy_request_ids._confirm(
            PrivacyEvent("double_optin", ip="192.0.2.8")
        )
        mailing.invalidate_recordset()
        self.assertEqual(mailing.privacy_no_consent_count, 0)

    def test_the_blocklist_is_lifted_once_the_consent_is_given(self):
        blocked = self.env["mail.blacklist"]._add("ada@example.fr")
        self.subscribe("ada@example.fr")
        self.assertTrue(blocked.active, "pending: nothing is lifted yet")
        partner = self.env["res.partner"].search([("email", "=", "ada@example.fr")])
        partner.privacy_request_ids._confirm(
            PrivacyEvent("double_optin", ip="192.0.2.8")
        )
        self.assertFalse(blocked.active)

    def test_a_consent_without_mailings_keeps_the_blocklist(self):
        blocked = self.env["mail.blacklist"]._add("ada@example.fr")
        self.subscribe("ada@example.fr", self.type_sms)
        self.assertTrue(blocked.active)
