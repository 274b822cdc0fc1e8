from urllib.parse import urlsplit

from lxml import html

from odoo.tests import tagged

from odoo.addons.privacy_gdpr.tests.consent_request_common import (
    PrivacyRequestHttpCase,
)

TRACKER = "https://tracker.example.com/t.js"
THIRD_PARTIES = (
    "googletagmanager",
    "plausible",
    "tracker.example.com",
    "fonts.googleapis",
)


@tagged("post_install", "-at_install")
class TestPrivacyPagesWithoutTrackers(PrivacyRequestHttpCase):
    """The preference and confirmation pages load nothing from a third party,
    whatever the website's analytics, custom code and cookie bar."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for website in cls.env["website"].search([]):
            website.write(
                {
                    "google_analytics_key": "G-TRACKER42",
                    "plausible_shared_key": "plausible-key",
                    "plausible_site": "www.example.com",
                    "custom_code_head": f'<script src="{TRACKER}"></script>',
                    "custom_code_footer": f'<img src="{TRACKER}?pixel=1"/>',
                    "cookies_bar": True,
                }
            )
        cls.type_newsletter.double_optin = True

    def assertFirstPartyOnly(self, response):
        page = response.text
        for third_party in THIRD_PARTIES:
            self.assertNotIn(third_party, page, response.url)
        root = html.fromstring(response.content)
        host = urlsplit(self.base_url()).netloc
        urls = root.xpath(
            "//script/@src | //link/@href | //img/@src | //iframe/@src"
            " | //source/@src | //video/@src | //audio/@src"
        )
        for url in urls:
            self.assertIn(urlsplit(url).netloc, ("", host), f"{url} on {response.url}")
        return root

    def test_pages_of_the_person_load_no_third_party(self):
        # Control: the website itself does load them.
        home = self.url_open("/")
        self.assertIn("googletagmanager", home.text)
        self.assertIn(TRACKER, home.text)

        path = self.send_request(self.partner)
        page = self.open_page(path)
        root = self.assertFirstPartyOnly(page)
        done = self.submit(path, {self.type_newsletter: "given"})
        self.assertFirstPartyOnly(done)
        self.assertFirstPartyOnly(
            self.open_page(self.partner._privacy_preferences_url())
        )
        confirmation = self.request_messages(self.partner)[:1]
        confirm_path = self.link_in(confirmation, "/privacy/confirm/")
        self.assertFirstPartyOnly(self.open_page(confirm_path))
        confirmed = self.submit(confirm_path, {}, form_id="o_privacy_confirm_form")
        self.assertFirstPartyOnly(confirmed)
        self.assertEqual(
            self.consent(self.partner, self.type_newsletter).state, "given"
        )
        self.assertFirstPartyOnly(self.open_page("/privacy/consent/forged", status=404))
        self.assertFirstPartyOnly(self.open_page(confirm_path, status=410))

        # Their style sheet is Bootstrap's, without the website's fonts.
        for href in root.xpath("//link[@rel='stylesheet']/@href"):
            css = self.url_open(href)
            self.assertEqual(css.status_code, 200)
            self.assertNotIn("fonts.googleapis", css.text)
            self.assertIn(".btn", css.text)
