from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .consent_request_common import USER_AGENT, PrivacyRequestHttpCase


@tagged("post_install", "-at_install")
class TestDoubleOptin(PrivacyRequestHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.type_newsletter.double_optin = True

    def answer_given(self, partner=None):
        """Agree to the newsletter on the page; the confirmation link sent."""
        partner = partner or self.partner
        path = self.send_request(partner)
        self.submit(path, {self.type_newsletter: "given", self.type_sms: "given"})
        confirmations = self.confirmations(partner)
        self.assertEqual(len(confirmations), 1)
        return self.link_in(confirmations, "/privacy/confirm/")

    def confirmations(self, partner):
        return self.request_messages(partner).filtered(
            lambda m: "confirm your consent" in m.subject
        )

    def allowed(self, channel):
        return self.partner._privacy_check(channel)[self.partner.id]["allowed"]

    def test_pending_until_confirmed(self):
        confirm_path = self.answer_given()
        newsletter = self.consent(self.partner, self.type_newsletter)
        self.assertEqual(newsletter.state, "pending")
        self.assertFalse(newsletter.date_given)
        self.assertFalse(self.allowed("mass_mailing"))
        # A type without double opt-in is given at once.
        self.assertTrue(self.allowed("sms"))
        consent_request = self.partner.privacy_request_ids
        self.assertEqual(consent_request.confirm_type_ids, self.type_newsletter)

        # Opening the link (or a mail scanner prefetching it) confirms nothing.
        page = self.open_page(confirm_path)
        self.assertIn(self.type_newsletter.name, page.text)
        self.assertEqual(newsletter.state, "pending")

        response = self.submit(confirm_path, {}, form_id="o_privacy_confirm_form")
        self.assertIn("o_privacy_confirm_done", response.text)
        self.assertEqual(newsletter.state, "given")
        self.assertEqual(newsletter.date_given, self.visitor_today())
        self.assertTrue(self.allowed("mass_mailing"))
        self.assertTrue(consent_request.date_confirmed)
        # Proof of the click, on top of the proof of the answer.
        history = newsletter.history_ids
        self.assertEqual(history.mapped("new_state")[:2], ["given", "pending"])
        self.assertEqual(history[0].old_state, "pending")
        self.assertEqual(history[0].proof_user_agent, USER_AGENT)
        self.assertEqual(history[0].request_id, consent_request)
        self.assertIn("Confirmed from the link sent to", history[0].proof_text)
        self.assertIn("Yes, I agree", history[0].proof_text)
        self.assertGreaterEqual(history[0].proof_date, history[1].proof_date)

        # Used once only.
        self.open_page(confirm_path, status=410)
        self.submit_confirm_directly(confirm_path, 410)
        self.assertEqual(len(newsletter.history_ids), 2)

    def submit_confirm_directly(self, confirm_path, status):
        page = self.url_open(confirm_path)
        csrf_token = page.text.split('csrf_token: "', 1)[1].split('"', 1)[0]
        response = self.url_open(
            f"{confirm_path}/submit", data={"csrf_token": csrf_token}
        )
        self.assertEqual(response.status_code, status)
        self.assertNotIn(self.partner.name, response.text)
        return response

    def test_confirmation_bad_links(self):
        confirm_path = self.answer_given()
        newsletter = self.consent(self.partner, self.type_newsletter)
        token = self.token_of(confirm_path)
        # Tampered, or a request token used as a confirmation token.
        self.open_page(f"/privacy/confirm/{token[:-3]}abc", status=404)
        request_token = self.token_of(self.partner.privacy_request_ids._get_url())
        self.open_page(f"/privacy/confirm/{request_token}", status=404)
        # Expired.
        consent_request = self.partner.privacy_request_ids
        consent_request.sudo().confirm_date_expiry = fields.Datetime.now() - timedelta(
            minutes=1
        )
        self.submit_confirm_directly(confirm_path, 410)
        self.assertEqual(newsletter.state, "pending")
        consent_request.sudo().confirm_date_expiry = fields.Datetime.now() + timedelta(
            days=1
        )
        # Superseded by a newer answer on the page: a new confirmation e-mail.
        self.submit(
            self.link_in(self.request_messages(self.partner)[-1:]),
            {self.type_newsletter: "given"},
        )
        self.submit_confirm_directly(confirm_path, 410)
        self.assertEqual(newsletter.state, "pending")
        # Superseded by a new request: the answers are reset, links dead.
        newer = self.link_in(self.confirmations(self.partner)[:1], "/privacy/confirm/")
        self.send_request(self.partner)
        self.submit_confirm_directly(newer, 410)
        self.assertEqual(newsletter.state, "none")
        self.assertFalse(self.allowed("mass_mailing"))

    def test_refusing_after_giving_leaves_nothing_to_confirm(self):
        confirm_path = self.answer_given()
        path = self.link_in(self.request_messages(self.partner)[-1:])
        self.submit(path, {self.type_newsletter: "refused"})
        newsletter = self.consent(self.partner, self.type_newsletter)
        self.assertEqual(newsletter.state, "refused")
        response = self.submit(confirm_path, {}, form_id="o_privacy_confirm_form")
        self.assertIn("nothing left to confirm", response.text)
        self.assertEqual(newsletter.state, "refused")
