import json
from urllib.parse import urlsplit

from lxml import html

from odoo.tests import HttpCase

from odoo.addons.privacy_gdpr.tests.consent_request_common import USER_AGENT


class PrivacyWebsiteCase(HttpCase):
    """Consent types asked on the website, the company's information (GDPR
    art. 13), and helpers that read and post the consent boxes as a browser
    does."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.website = cls.env.ref("website.default_website")
        cls.company = cls.website.company_id
        cls.company.write(
            {
                "email": "privacy@yourcompany.example.com",
                "country_id": cls.env.ref("base.fr").id,
                "privacy_controller_identity": (
                    "Maison Durand SARL, 3 rue des Lilas, Lyon"
                ),
                "privacy_policy_url": "https://www.maison-durand.example.com/privacy",
                "privacy_dpo_contact": "dpo@maison-durand.example.com",
            }
        )
        Type = cls.env["privacy.consent.type"]
        cls.type_news = Type.create(
            {
                "name": "Web newsletter",
                "code": "T_WEB_NEWS",
                "description": "Our monthly newsletter.",
                "info_url": "https://www.maison-durand.example.com/newsletter",
                "allow_mass_mailing": True,
                "allow_email": True,
                "validity_days": 365,
            }
        )
        cls.type_sms = Type.create(
            {
                "name": "Web SMS offers",
                "code": "T_WEB_SMS",
                "description": "Our offers by SMS.",
                "allow_sms": True,
            }
        )

    def consent_fields(self, consent_types, model, lang="en-US"):
        """The HTML of the consent boxes the website shows on a form creating
        ``model`` records (the endpoint the page asks)."""
        result = self.make_jsonrpc_request(
            "/privacy/web/consent_fields",
            {"type_ids": consent_types.ids, "model": model, "lang": lang},
        )
        return result["html"]

    def consent_inputs(self, fields_html, tick=()):
        """What a browser posts from the consent boxes ``fields_html``, with
        the boxes of ``tick`` (consent types) ticked."""
        root = html.fromstring(fields_html)
        data = {
            field.get("name"): field.get("value")
            for field in root.xpath(".//input[@type='hidden']")
        }
        for consent_type in tick:
            box = root.xpath(
                f".//div[@data-consent-code='{consent_type.code}']//input[@type='checkbox']"
            )
            data[box[0].get("name")] = box[0].get("value")
        return data

    def post_form(self, model, data):
        """Post a website form creating ``model`` as its JavaScript does; the
        JSON it answers."""
        response = self.url_open(
            f"/website/form/{model}",
            data=data,
            headers={
                "User-Agent": USER_AGENT,
                "Referer": f"{self.base_url()}/contactus",
            },
        )
        self.assertEqual(response.status_code, 200, response.text[:2000])
        return json.loads(response.text)

    def consent(self, partner, consent_type):
        return self.env["privacy.partner.consent"].search(
            [("partner_id", "=", partner.id), ("type_id", "=", consent_type.id)]
        )

    def confirm_path(self, partner):
        """The path of the double opt-in link e-mailed to ``partner``."""
        Request = self.env["privacy.consent.request"]
        return urlsplit(
            Request._awaiting_confirmation_for(partner)._get_confirm_url()
        ).path
