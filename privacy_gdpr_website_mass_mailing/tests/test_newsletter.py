import json

from lxml import html

from odoo.tests import tagged

from odoo.addons.privacy_gdpr_website.tests.common import PrivacyWebsiteCase

SUBSCRIBE_FORM = """
<div class="s_newsletter_subscribe_form s_newsletter_list js_subscribe"
     data-list-id="{list_id}" data-name="Newsletter Form"{attributes}>
    <div class="js_subscribed_wrap d-none">
        <p class="text-success">Thanks for registering!</p>
    </div>
    <div class="js_subscribe_wrap">
        <div class="input-group">
            <input type="email" name="email" class="js_subscribe_value form-control"/>
            <a role="button" href="#" class="btn btn-primary js_subscribe_btn o_submit">
                Subscribe
            </a>
        </div>
    </div>
</div>
"""


@tagged("post_install", "-at_install")
class TestNewsletterConsents(PrivacyWebsiteCase):
    """The newsletter block and popup ask a consent: a visitor subscribes in a
    browser and confirms, and the mailing filter counts them once confirmed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.type_news.double_optin = True
        cls.mailing_list = cls.env["mailing.list"].create(
            {"name": "Web news", "is_public": True}
        )
        types = json.dumps([{"id": cls.type_news.id, "display_name": "Web newsletter"}])
        attributes = f" data-privacy-consent-types='{types}'"
        form = SUBSCRIBE_FORM.format(list_id=0, attributes="")
        block = f"""
            <section class="s_newsletter_block s_newsletter_list"
                     data-snippet="s_newsletter_block"
                     data-list-id="{cls.mailing_list.id}"{attributes}>
                <div class="container">{form}</div>
            </section>"""
        form = SUBSCRIBE_FORM.format(list_id=cls.mailing_list.id, attributes=attributes)
        popup = f"""
            <div class="s_popup o_newsletter_popup" data-name="Newsletter Popup"
                 data-invisible="1">
                <div class="modal fade s_popup_middle o_newsletter_modal"
                     data-show-after="0" data-display="afterDelay"
                     data-consents-duration="7" data-bs-focus="false"
                     data-bs-backdrop="false" tabindex="-1" role="dialog">
                    <div class="modal-dialog d-flex">
                        <div class="modal-content oe_structure">
                            <div class="s_popup_close js_close_popup">x</div>
                            {form}
                        </div>
                    </div>
                </div>
            </div>"""
        for url, content in (("/privacy-newsletter", block), ("/privacy-popup", popup)):
            cls.env["website.page"].create(
                {
                    "name": url,
                    "url": url,
                    "type": "qweb",
                    "is_published": True,
                    "website_id": cls.website.id,
                    "arch": f"""<t t-name="{url}"><t t-call="website.layout">
                        <div id="wrap" class="oe_structure">{content}</div>
                    </t></t>""",
                }
            )

    def subscriber(self, email):
        return self.env["mailing.contact"].search([("email", "=", email)])

    def mailing(self):
        return self.env["mailing.mailing"].create(
            {
                "subject": "Web news",
                "body_html": "<p>News</p>",
                "mailing_model_id": self.env["ir.model"]._get_id("mailing.list"),
                "contact_list_ids": [(6, 0, self.mailing_list.ids)],
            }
        )

    def test_a_visitor_subscribes_and_confirms(self):
        self.start_tour(
            "/privacy-newsletter", "privacy_gdpr_newsletter_block", login=None
        )
        contact = self.subscriber("ada@example.fr")
        self.assertEqual(contact.list_ids, self.mailing_list)
        partner = self.env["res.partner"].search([("email", "=", "ada@example.fr")])
        self.assertEqual(len(partner), 1)
        consent = self.consent(partner, self.type_news)
        self.assertEqual(consent.state, "pending")
        self.assertIn("HeadlessChrome", consent.proof_user_agent)
        self.assertIn("Our monthly newsletter.", consent.proof_text)
        self.assertIn("newsletter_block", consent.proof_text)
        request = partner.privacy_request_ids
        self.assertEqual(
            (request.res_model, request.res_id), ("mailing.contact", contact.id)
        )
        # Pending: the mailing filter leaves the subscriber out.
        mailing = self.mailing()
        self.assertEqual(mailing.privacy_no_consent_count, 1)

        confirm_path = self.confirm_path(partner)
        self.start_tour(confirm_path, "privacy_gdpr_newsletter_confirm", login=None)
        self.assertEqual(consent.state, "given")
        mailing.invalidate_recordset()
        self.assertEqual(mailing.privacy_no_consent_count, 0)

    def test_a_visitor_subscribes_from_the_popup(self):
        self.start_tour("/privacy-popup", "privacy_gdpr_newsletter_popup", login=None)
        partner = self.env["res.partner"].search([("email", "=", "grace@example.fr")])
        self.assertEqual(self.consent(partner, self.type_news).state, "pending")
        self.assertIn(
            "newsletter_popup", self.consent(partner, self.type_news).proof_text
        )
        self.assertEqual(
            self.subscriber("grace@example.fr").list_ids, self.mailing_list
        )

    def test_without_a_ticked_box_odoo_subscribes_and_the_filter_leaves_out(self):
        self.start_tour(
            "/privacy-newsletter",
            "privacy_gdpr_newsletter_block_without_consent",
            login=None,
        )
        self.assertEqual(self.subscriber("alan@example.fr").list_ids, self.mailing_list)
        self.assertFalse(
            self.env["res.partner"].search([("email", "=", "alan@example.fr")])
        )
        self.assertEqual(self.mailing().privacy_no_consent_count, 1)

    def test_a_tampered_subscription_subscribes_nobody(self):
        fields_html = self.consent_fields(self.type_news, "mailing.contact")
        inputs = self.consent_inputs(fields_html, self.type_news)
        self.assertIn(
            "address is kept on the list", html.fromstring(fields_html).text_content()
        )
        for name, value in (
            (f"privacy_consent_{self.type_news.id}", "999"),
            (f"privacy_consent_{self.type_sms.id}", str(self.type_sms.id)),
            ("privacy_consent_form", "forged"),
        ):
            with self.subTest(name=name):
                result = self.make_jsonrpc_request(
                    "/website_mass_mailing/subscribe",
                    {
                        "list_id": self.mailing_list.id,
                        "value": "mallory@example.fr",
                        "subscription_type": "email",
                        **inputs,
                        name: value,
                    },
                )
                self.assertEqual(result["toast_type"], "danger")
                self.assertFalse(self.subscriber("mallory@example.fr"))
                self.assertFalse(
                    self.env["res.partner"].search(
                        [("email", "=", "mallory@example.fr")]
                    )
                )
