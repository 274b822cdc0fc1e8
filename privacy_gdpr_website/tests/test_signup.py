from lxml import html

from odoo.tests import tagged

from .common import PrivacyWebsiteCase


@tagged("post_install", "-at_install")
class TestSignupConsents(PrivacyWebsiteCase):
    """The portal sign-up asks the consents of Settings > Website."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.website.write(
            {
                "auth_signup_uninvited": "b2c",
                "privacy_signup_consent_type_ids": [
                    (6, 0, (cls.type_news | cls.type_sms).ids)
                ],
            }
        )

    def test_a_visitor_signs_up_with_a_consent(self):
        self.start_tour("/web/signup", "privacy_gdpr_website_signup", login=None)
        user = self.env["res.users"].search([("login", "=", "sophie@example.fr")])
        self.assertTrue(user)
        partner = user.partner_id
        consent = self.consent(partner, self.type_news)
        self.assertEqual(consent.state, "given")
        self.assertEqual(consent.method, "web_form")
        self.assertIn("HeadlessChrome", consent.proof_user_agent)
        self.assertIn("Data controller: Maison Durand SARL", consent.proof_text)
        self.assertEqual(self.consent(partner, self.type_sms).state, "none")
        request = partner.privacy_request_ids
        self.assertEqual(request.form_name, "Portal sign-up")
        self.assertIn("/web/signup", request.page_url)

    def test_a_tampered_sign_up_creates_no_account(self):
        page = self.url_open("/web/signup")
        form = html.fromstring(page.content).xpath(
            "//form[hasclass('oe_signup_form')]"
        )[0]
        data = {
            field.get("name"): field.get("value") or ""
            for field in form.xpath(".//input[@type='hidden']")
        }
        box = form.xpath(".//div[@data-consent-code='T_WEB_NEWS']//input")[0]
        data.update(
            {
                "login": "mallory@example.fr",
                "name": "Mallory",
                "password": "correct horse battery",
                "confirm_password": "correct horse battery",
                box.get("name"): "999",
            }
        )
        before = self.env["privacy.consent.history"].search_count([])
        response = self.url_open("/web/signup", data=data)
        self.assertEqual(response.status_code, 200)
        error = html.fromstring(response.content).xpath("//p[hasclass('alert-danger')]")
        self.assertIn("nothing was sent", error[0].text_content())
        self.assertFalse(
            self.env["res.users"].search([("login", "=", "mallory@example.fr")])
        )
        self.assertEqual(self.env["privacy.consent.history"].search_count([]), before)
