import json
from urllib.parse import urlsplit

from lxml import etree, html

from odoo.tests import tagged

from odoo.addons.privacy_gdpr_website.tests.common import PrivacyWebsiteCase


@tagged("post_install", "-at_install")
class TestContactFormConsents(PrivacyWebsiteCase):
    """The Contact us form creating opportunities, with a consent box, as a
    visitor fills it in a browser: the lead, the contact, the consents and
    their proof after each."""

    def ask_consent_on_contact_form(self, consent_types):
        """The Contact us form as the website editor leaves it once it creates
        opportunities and asks ``consent_types``."""
        view = self.env.ref("website.contactus")
        arch = etree.fromstring(view.arch)
        form = arch.xpath("//form[@id='contactus_form']")[0]
        form.set("data-model_name", "crm.lead")
        form.set(
            "data-privacy-consent-types",
            json.dumps(
                [{"id": t.id, "display_name": t.display_name} for t in consent_types]
            ),
        )
        for old, new in (
            ("name", "contact_name"),
            ("company", "partner_name"),
            ("subject", "name"),
        ):
            for field in form.xpath(f".//*[@name='{old}']"):
                field.set("name", new)
        view.arch = etree.tostring(arch, encoding="unicode")

    def lead_of(self, email):
        return self.env["crm.lead"].search([("email_from", "=", email)])

    def test_the_editor_asks_a_consent_on_the_form(self):
        self.start_tour(
            self.env["website"].get_client_action_url("/contactus"),
            "privacy_gdpr_contact_form_editor",
            login="admin",
        )
        views = self.env["ir.ui.view"].search([("key", "=", "website.contactus")])
        arch = "".join(views.mapped("arch"))
        form = html.fromstring(arch).xpath("//form[@id='contactus_form']")[-1]
        self.assertEqual(form.get("data-model_name"), "crm.lead")
        self.assertEqual(
            [t["id"] for t in json.loads(form.get("data-privacy-consent-types"))],
            self.type_news.ids,
        )
        # The boxes are added when the page is shown: never saved with it.
        self.assertNotIn("o_privacy_consent", arch)
        self.assertNotIn("privacy_consent_form", arch)

    def test_a_visitor_without_then_with_a_consent(self):
        self.ask_consent_on_contact_form(self.type_news)
        self.start_tour(
            "/contactus", "privacy_gdpr_contact_form_without_consent", login=None
        )
        lead = self.lead_of("marie@example.fr")
        self.assertEqual(len(lead), 1)
        self.assertFalse(lead.partner_id)
        self.assertFalse(lead.privacy_web_consent_ids)
        self.assertNotIn("privacy_", lead.description)

        self.start_tour(
            "/contactus", "privacy_gdpr_contact_form_with_consent", login=None
        )
        lead = self.lead_of("pierre@example.fr")
        self.assertEqual(len(lead), 1)
        self.assertNotIn("privacy_", lead.description)
        # No contact yet: the consent waits on the lead, with its proof.
        self.assertFalse(lead.partner_id)
        self.assertFalse(
            self.env["res.partner"].search([("email", "=", "pierre@example.fr")])
        )
        row = lead.privacy_web_consent_ids
        self.assertEqual(len(row), 1)
        self.assertEqual((row.type_id, row.state), (self.type_news, "waiting"))
        self.assertEqual(row.proof_ip, "127.0.0.1")
        self.assertIn("HeadlessChrome", row.proof_user_agent)
        self.assertEqual(urlsplit(row.page_url).path, "/contactus")
        self.assertEqual(row.form_name, "contactus_form")
        self.assertEqual(row.email, "pierre@example.fr")
        self.assertIn("Our monthly newsletter.", row.text)
        self.assertIn("Data controller: Maison Durand SARL", row.notice)

        # Converted: the contact gets the consent, given on the day of the form.
        lead._handle_partner_assignment(create_missing=True)
        partner = lead.partner_id
        consent = self.consent(partner, self.type_news)
        self.assertEqual(consent.state, "given")
        self.assertEqual(consent.method, "web_form")
        self.assertEqual(consent.proof_date, row.proof_date)
        self.assertEqual(consent.proof_ip, "127.0.0.1")
        self.assertIn("HeadlessChrome", consent.proof_user_agent)
        self.assertIn("Our monthly newsletter.", consent.proof_text)
        self.assertIn("contactus_form", consent.proof_text)
        self.assertEqual((row.state, row.partner_id), ("applied", partner))
        self.assertEqual(row.request_id.origin, "web_form")
        self.assertEqual(
            (row.request_id.res_model, row.request_id.res_id), ("crm.lead", lead.id)
        )
        self.assertIn("carried from the lead", consent.history_ids.note)

    def test_a_contact_with_the_address_gets_the_consent_at_once(self):
        self.ask_consent_on_contact_form(self.type_news)
        partner = self.env["res.partner"].create(
            {"name": "Pierre Curie", "email": "Pierre@Example.fr"}
        )
        self.consent(partner, self.type_news).write(
            {"state": "withdrawn", "method": "email"}
        )
        self.start_tour(
            "/contactus", "privacy_gdpr_contact_form_with_consent", login=None
        )
        lead = self.lead_of("pierre@example.fr")
        # Odoo's website forms do not tie a lead to a contact: neither do we.
        self.assertFalse(lead.partner_id)
        consent = self.consent(partner, self.type_news)
        # An objection, then a ticked box: the new explicit consent it is.
        self.assertEqual(consent.state, "given")
        self.assertEqual(consent.history_ids[0].old_state, "withdrawn")
        self.assertEqual(lead.privacy_web_consent_ids.state, "applied")

    def test_double_opt_in_of_a_lead_without_contact(self):
        self.type_news.double_optin = True
        self.ask_consent_on_contact_form(self.type_news)
        self.start_tour(
            "/contactus", "privacy_gdpr_contact_form_with_consent", login=None
        )
        lead = self.lead_of("pierre@example.fr")
        row = lead.privacy_web_consent_ids
        self.assertEqual(row.state, "waiting")
        mail = self.env["mail.mail"].search(
            [("email_to", "=", "pierre@example.fr"), ("model", "=", "crm.lead")]
        )
        self.assertEqual(len(mail), 1)
        self.assertIn("Data controller: Maison Durand SARL", mail.body_html)
        link = urlsplit(
            html.fromstring(mail.body_html).xpath(
                "//a[contains(@href, '/privacy/lead/confirm/')]/@href"
            )[0]
        ).path
        self.authenticate(None, None)
        self.assertEqual(self.url_open(link).status_code, 200)
        page = html.fromstring(self.url_open(link).content)
        form = page.xpath("//form[@id='o_privacy_confirm_form']")[0]
        data = {i.get("name"): i.get("value") for i in form.xpath(".//input")}
        self.assertEqual(self.url_open(form.get("action"), data=data).status_code, 200)
        self.assertTrue(row.date_confirmed)
        self.assertEqual(self.url_open(link).status_code, 410)

        lead._handle_partner_assignment(create_missing=True)
        consent = self.consent(lead.partner_id, self.type_news)
        self.assertEqual(consent.state, "given")
        self.assertIn("Confirmed on", consent.proof_text)

    def test_an_unconfirmed_lead_consent_waits_for_the_contact_confirmation(self):
        self.type_news.double_optin = True
        self.ask_consent_on_contact_form(self.type_news)
        self.start_tour(
            "/contactus", "privacy_gdpr_contact_form_with_consent", login=None
        )
        lead = self.lead_of("pierre@example.fr")
        mail = self.env["mail.mail"].search([("email_to", "=", "pierre@example.fr")])
        link = urlsplit(
            html.fromstring(mail.body_html).xpath(
                "//a[contains(@href, '/privacy/lead/confirm/')]/@href"
            )[0]
        ).path
        lead._handle_partner_assignment(create_missing=True)
        partner = lead.partner_id
        self.assertEqual(self.consent(partner, self.type_news).state, "pending")
        # The contact's own confirmation replaces the lead's link.
        self.assertTrue(partner._privacy_consent_confirm_url())
        self.authenticate(None, None)
        self.assertEqual(self.url_open(link).status_code, 410)

    def test_a_tampered_contact_form_creates_no_lead(self):
        self.ask_consent_on_contact_form(self.type_news)
        data = {
            "contact_name": "Mallory",
            "email_from": "mallory@example.fr",
            "name": "Hello",
            "description": "Hello",
        }
        data.update(
            self.consent_inputs(
                self.consent_fields(self.type_news, "crm.lead"), self.type_news
            )
        )
        data[f"privacy_consent_{self.type_news.id}"] = "999"
        self.assertIn("error_fields", self.post_form("crm.lead", data))
        self.assertFalse(self.lead_of("mallory@example.fr"))
        data[f"privacy_consent_{self.type_sms.id}"] = str(self.type_sms.id)
        del data[f"privacy_consent_{self.type_news.id}"]
        self.assertIn("error_fields", self.post_form("crm.lead", data))
        self.assertFalse(self.lead_of("mallory@example.fr"))
