from urllib.parse import urlparse

from lxml import html

from odoo.tests import HttpCase

from .common import PrivacyCase

USER_AGENT = "Mozilla/5.0 (privacy-gdpr-test) Mobile"


class PrivacyRequestCase(PrivacyCase):
    """Consent requests: what was sent, and the links it carries."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The requests are e-mails in the chatter: keep mail features on.
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False))
        cls.env.company.email = "privacy@yourcompany.example.com"
        cls.subtype_request = cls.env.ref("privacy_gdpr.mt_consent_request")
        cls.subtype_answer = cls.env.ref("privacy_gdpr.mt_consent_answer")
        # Keep the e-mails sent (Odoo deletes them once sent): the person's
        # links are in them only, not in the chatter's copy.
        for xmlid in ("consent_request", "consent_renewal", "consent_confirm"):
            cls.env.ref(f"privacy_gdpr.mail_template_{xmlid}").auto_delete = False

    def request_messages(self, partner):
        return partner.message_ids.filtered(
            lambda m: m.subtype_id == self.subtype_request
        )

    def link_in(self, message, route="/privacy/consent/"):
        """The path of the link to ``route`` in the e-mail of ``message`` sent
        to the person (the copy in the chatter has no working link)."""
        message.ensure_one()
        mail = (
            self.env["mail.mail"]
            .sudo()
            .search(
                [
                    ("mail_message_id", "=", message.id),
                    ("recipient_ids", "in", message.partner_ids.ids),
                ]
            )
        )
        self.assertEqual(len(mail), 1, "one e-mail to the person")
        hrefs = [
            href
            for href in html.fromstring(mail.body_html).xpath("//a/@href")
            if route in href
        ]
        self.assertEqual(len(hrefs), 1, f"one {route} link in {mail.body_html}")
        return urlparse(hrefs[0]).path

    def send_request(self, partner):
        """Send a request to ``partner``; the path of the link it e-mailed."""
        partner.action_privacy_send_consent_request()
        return self.link_in(self.request_messages(partner)[:1])

    def token_of(self, path):
        return path.rstrip("/").split("/")[-1]


class PrivacyRequestHttpCase(HttpCase, PrivacyRequestCase):
    """The public pages, opened and submitted over HTTP as a visitor."""

    def setUp(self):
        super().setUp()
        self.authenticate(None, None)

    def visitor_today(self):
        """The day as the public pages record it: the company's."""
        return self.env.company._privacy_today()

    def open_page(self, path, status=200):
        response = self.url_open(path, headers={"User-Agent": USER_AGENT})
        self.assertEqual(response.status_code, status, response.text[:2000])
        return response

    def form_of(self, response, form_id="o_privacy_consent_form"):
        forms = html.fromstring(response.content).xpath(f'//form[@id="{form_id}"]')
        self.assertEqual(len(forms), 1)
        return forms[0]

    def submit(
        self, path, answers, status=200, form_id="o_privacy_consent_form", **extra
    ):
        """Open the page at ``path`` and post its form with ``answers``
        (``{consent_type: "given" | "refused"}``), as a browser would."""
        form = self.form_of(self.open_page(path), form_id)
        data = {
            field.get("name"): field.get("value")
            for field in form.xpath(".//input[@type='hidden']")
        }
        data.update(
            {
                f"consent_{consent_type.id}": value
                for consent_type, value in answers.items()
            }
        )
        data.update(extra)
        response = self.url_open(
            form.get("action"), data=data, headers={"User-Agent": USER_AGENT}
        )
        self.assertEqual(response.status_code, status, response.text[:2000])
        return response
