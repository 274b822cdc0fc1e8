from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.privacy_gdpr.events import PrivacyEvent
from odoo.addons.privacy_gdpr.tests.web_form_common import (
    WEB_USER_AGENT,
    PrivacyWebFormCase,
)


class LeadWebFormCase(PrivacyWebFormCase):
    """Leads created by a web form with consent boxes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, mail_notify_force_send=False))
        cls.ten_days_ago = fields.Datetime.now() - timedelta(days=10)

    def web_lead(self, email="lucie@example.fr", consent_types=None, **proof):
        lead = self.env["crm.lead"].create(
            {"name": "A kitchen", "contact_name": "Lucie Martin", "email_from": email}
        )
        lead._privacy_record_web_consents(
            self.web_answers(consent_types or self.type_newsletter | self.type_sms),
            self.web_proof(lead, date=self.ten_days_ago, **proof),
        )
        return lead


@tagged("post_install", "-at_install")
class TestLeadWebConsents(LeadWebFormCase):
    """Consents given on a web form that created a lead: they wait on the lead
    until it gets its contact, then are recorded there with their proof."""

    def test_without_contact_the_consents_wait_on_the_lead(self):
        lead = self.web_lead()
        rows = lead.privacy_web_consent_ids
        self.assertEqual(rows.type_id, self.type_newsletter | self.type_sms)
        self.assertEqual(set(rows.mapped("state")), {"waiting"})
        self.assertEqual(rows[0].proof_date, self.ten_days_ago)
        self.assertEqual(rows[0].proof_user_agent, WEB_USER_AGENT)
        self.assertEqual(rows[0].email, "lucie@example.fr")
        self.assertFalse(lead.partner_id)
        self.assertFalse(
            self.env["res.partner"].search([("email", "=", "lucie@example.fr")])
        )

    def assertCarried(self, lead, partner):
        newsletter = self.consent(partner, self.type_newsletter)
        self.assertEqual(newsletter.state, "given")
        self.assertEqual(newsletter.method, "web_form")
        # The day of the form, not of the conversion.
        self.assertEqual(
            newsletter.date_given,
            fields.Date.context_today(newsletter, self.ten_days_ago),
        )
        self.assertEqual(newsletter.proof_date, self.ten_days_ago)
        self.assertEqual(newsletter.proof_user_agent, WEB_USER_AGENT)
        self.assertIn("Web form “contactus_form”", newsletter.proof_text)
        self.assertIn("carried from the lead", newsletter.history_ids[0].note)
        self.assertEqual(self.consent(partner, self.type_sms).state, "given")
        rows = lead.privacy_web_consent_ids
        self.assertEqual(set(rows.mapped("state")), {"applied"})
        self.assertEqual(rows.partner_id, partner)
        self.assertEqual(rows.request_id.res_id, lead.id)

    def test_carried_when_the_customer_is_created(self):
        lead = self.web_lead()
        lead._handle_partner_assignment(create_missing=True)
        self.assertCarried(lead, lead.partner_id)

    def test_carried_by_the_conversion_to_an_existing_contact(self):
        lead = self.web_lead()
        # Another address: the lead is theirs all the same.
        wizard = (
            self.env["crm.lead2opportunity.partner"]
            .with_context(
                active_model="crm.lead", active_id=lead.id, active_ids=lead.ids
            )
            .create(
                {"action": "exist", "partner_id": self.partner_2.id, "name": "convert"}
            )
        )
        wizard.action_apply()
        self.assertEqual(lead.partner_id, self.partner_2)
        self.assertCarried(lead, self.partner_2)

    def test_carried_when_the_customer_is_chosen(self):
        lead = self.web_lead()
        lead.partner_id = self.partner
        self.assertCarried(lead, self.partner)
        # Once only.
        lead.partner_id = self.partner_2
        self.assertEqual(
            self.consent(self.partner_2, self.type_newsletter).state, "none"
        )

    def test_a_contact_with_the_address_gets_them_at_once(self):
        lead = self.web_lead(email="Camille@Example.fr")
        self.assertFalse(lead.partner_id)
        self.assertCarried(lead, self.partner)

    def test_a_later_answer_of_the_contact_stands(self):
        lead = self.web_lead()
        self.give(self.partner, self.type_newsletter, method="email")
        self.consent(self.partner, self.type_newsletter).state = "withdrawn"
        lead.partner_id = self.partner
        self.assertEqual(
            self.consent(self.partner, self.type_newsletter).state, "withdrawn"
        )
        newsletter_row = lead.privacy_web_consent_ids.filtered(
            lambda row: row.type_id == self.type_newsletter
        )
        self.assertEqual(newsletter_row.state, "superseded")
        self.assertEqual(self.consent(self.partner, self.type_sms).state, "given")

    def test_merged_leads_keep_their_consents(self):
        head = self.env["crm.lead"].create(
            {"name": "Head", "email_from": "other@example.fr"}
        )
        tail = self.web_lead()
        head.partner_id = self.partner_2
        merged = (head | tail)._merge_opportunity(auto_unlink=True)
        self.assertEqual(merged, head)
        self.assertFalse(tail.exists())
        self.assertEqual(len(head.privacy_web_consent_ids), 2)
        self.assertCarried(head, self.partner_2)

    def test_double_opt_in_asks_the_address_of_the_form(self):
        self.type_newsletter.double_optin = True
        lead = self.web_lead()
        mail = self.env["mail.mail"].search(
            [("model", "=", "crm.lead"), ("res_id", "=", lead.id)]
        )
        self.assertEqual(mail.email_to, "lucie@example.fr")
        self.assertIn("/privacy/lead/confirm/", mail.body_html)
        # Nobody was created to send it.
        self.assertFalse(
            self.env["res.partner"].search([("email", "=", "lucie@example.fr")])
        )
        row = lead.privacy_web_consent_ids.filtered(
            lambda r: r.type_id == self.type_newsletter
        )
        row._confirm(PrivacyEvent("double_optin", ip="192.0.2.77"))
        lead._handle_partner_assignment(create_missing=True)
        newsletter = self.consent(lead.partner_id, self.type_newsletter)
        self.assertEqual(newsletter.state, "given")
        self.assertIn("Confirmed on", newsletter.proof_text)

    def test_the_consents_of_a_lead_are_evidence(self):
        lead = self.web_lead()
        rows = lead.privacy_web_consent_ids
        for vals in (
            {"proof_ip": "6.6.6.6"},
            {"text": "Forged"},
            {"proof_date": fields.Datetime.now()},
        ):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                rows.sudo().write(vals)
        with self.assertRaises(UserError):
            rows.sudo().unlink()
        # The right to erasure: they go with their lead.
        lead.unlink()
        self.assertFalse(rows.exists())
