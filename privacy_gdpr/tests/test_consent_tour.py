from odoo.tests import tagged

from .consent_request_common import PrivacyRequestHttpCase


@tagged("post_install", "-at_install")
class TestConsentTour(PrivacyRequestHttpCase):
    def test_person_fills_the_page_in_a_browser(self):
        self.give(self.partner, self.type_call, method="phone")
        path = self.send_request(self.partner)
        self.start_tour(path, "privacy_gdpr_consent_page", login=None)
        self.assertEqual(
            self.consent(self.partner, self.type_newsletter).state, "given"
        )
        self.assertEqual(self.consent(self.partner, self.type_sms).state, "refused")
        # Left unanswered: unchanged.
        self.assertEqual(self.consent(self.partner, self.type_call).state, "given")
        self.assertEqual(self.consent(self.partner, self.type_post).state, "none")
        newsletter = self.consent(self.partner, self.type_newsletter)
        self.assertEqual(newsletter.method, "web_form")
        self.assertIn("HeadlessChrome", newsletter.proof_user_agent)
        self.assertEqual(self.partner.privacy_request_ids.state, "answered")
        self.assertTrue(self.partner.privacy_answer_date)
