import logging
from datetime import datetime, timedelta
from urllib.parse import urlparse

from odoo import http
from odoo.tests import freeze_time, new_test_user, tagged

from ..models.privacy_consent_request import PREFERENCES_SCOPE
from .consent_request_common import USER_AGENT, PrivacyRequestHttpCase
from .hostile_common import HostileInputMixin


@tagged("post_install", "-at_install")
class TestPersonalLinks(HostileInputMixin, PrivacyRequestHttpCase):
    """Links only the person can use: not readable in the chatter, not usable
    by a signed-in employee, and a forwarded footer link gives nothing away."""

    def mails_of(self, message):
        return (
            self.env["mail.mail"].sudo().search([("mail_message_id", "=", message.id)])
        )

    def test_chatter_copy_has_no_working_link(self):
        follower = new_test_user(
            self.env, login="privacy_follower", groups="base.group_user"
        )
        self.partner.message_subscribe(
            follower.partner_id.ids, subtype_ids=self.subtype_request.ids
        )
        path = self.send_request(self.partner)
        consent_request = self.partner.privacy_request_ids
        token = self.token_of(path)
        message = self.request_messages(self.partner)
        self.assertNotIn(token, message.body)
        self.assertIn("personal-link.invalid", message.body)
        mails = self.mails_of(message)
        self.assertEqual(len(mails), 2)  # the person's and the follower's
        person = mails.filtered(lambda m: m.recipient_ids == self.partner)
        self.assertIn(token, person.body_html)
        self.assertNotIn(token, (mails - person).body_html)
        self.assertEqual(urlparse(consent_request._get_url()).path, path)
        self.open_page(path)
        # The same for the double opt-in confirmation.
        self.type_newsletter.double_optin = True
        self.submit(path, {self.type_newsletter: "given"})
        confirmation = self.request_messages(self.partner)[:1]
        confirm_path = self.link_in(confirmation, "/privacy/confirm/")
        self.assertNotIn(self.token_of(confirm_path), confirmation.body)
        self.open_page(confirm_path)

    def test_staff_session_on_a_persons_links(self):
        self.type_newsletter.double_optin = True
        path = self.send_request(self.partner)
        self.submit(path, {self.type_newsletter: "given"})
        confirm_path = self.link_in(
            self.request_messages(self.partner)[:1], "/privacy/confirm/"
        )
        preferences = urlparse(self.partner._privacy_preferences_url()).path
        form = self.form_of(self.open_page(path))
        data = {
            field.get("name"): field.get("value")
            for field in form.xpath(".//input[@type='hidden']")
        }
        self.authenticate(self.user_privacy.login, self.user_privacy.login)
        http_logger = logging.getLogger("odoo.http")
        self.addCleanup(http_logger.setLevel, http_logger.level)
        http_logger.setLevel(logging.ERROR)
        for link in (path, preferences, confirm_path):
            with (
                self.subTest(link=link),
                self.assertUnchanged(allowed=("res_users_log",)),
            ):
                page = self.url_open(link)
                self.assertEqual(page.status_code, 403)
                self.assertIn("answers must come", page.text)
                self.assertIn(self.user_privacy.name, page.text)
                posted = self.url_open(
                    f"{link}/submit",
                    data={
                        **data,
                        # A valid token of the employee's session.
                        "csrf_token": http.Request.csrf_token(self),
                        f"consent_{self.type_sms.id}": "given",
                    },
                )
                self.assertEqual(posted.status_code, 403)
        self.assertEqual(self.consent(self.partner, self.type_sms).state, "none")

    def test_forwarded_footer_link(self):
        """The footer link of a newsletter, opened by whoever it was forwarded
        to: "no" withdraws at once, "yes" waits for the confirmation e-mailed
        to the person's address."""
        self.give(self.partner, self.type_sms, method="email")
        path = urlparse(self.partner._privacy_preferences_url()).path
        self.submit(path, {self.type_sms: "refused", self.type_newsletter: "given"})
        sms = self.consent(self.partner, self.type_sms).sudo()
        self.assertEqual(sms.state, "withdrawn")
        row = sms.history_ids[0]
        self.assertEqual((row.source, row.proof_user_agent), ("page", USER_AGENT))
        self.assertIn("sha256:", row.proof_link)
        self.assertNotIn(self.token_of(path), row.proof_link)
        newsletter = self.consent(self.partner, self.type_newsletter)
        self.assertEqual(newsletter.state, "pending")
        self.assertFalse(
            self.partner._privacy_check("mass_mailing")[self.partner.id]["allowed"]
        )
        confirmation = self.request_messages(self.partner)[:1]
        self.assertEqual(confirmation.partner_ids, self.partner)
        confirm_path = self.link_in(confirmation, "/privacy/confirm/")
        form = self.form_of(self.open_page(confirm_path), "o_privacy_confirm_form")
        self.url_open(
            form.get("action"),
            data={"csrf_token": form.xpath(".//input[@name='csrf_token']/@value")[0]},
        )
        self.assertEqual(newsletter.state, "given")
        self.assertEqual(newsletter.history_ids[0].source, "double_optin")
        self.assertTrue(
            self.partner._privacy_check("mass_mailing")[self.partner.id]["allowed"]
        )

    def test_footer_link_expires(self):
        issued = datetime(2026, 3, 1, 9, 0)
        with freeze_time(issued):
            path = urlparse(self.partner._privacy_preferences_url()).path
        for days, status in ((179, 200), (180, 410)):
            with self.subTest(days=days), freeze_time(issued + timedelta(days=days)):
                self.open_page(path, status)
        self.env.company.privacy_preferences_link_days = 30
        with freeze_time(issued + timedelta(days=30, seconds=-1)):
            self.open_page(path, 200)
        with freeze_time(issued + timedelta(days=31)):
            self.open_page(path, 410)
        # A link of the earlier format (no issue time) counts as expired.
        Request = self.env["privacy.consent.request"]
        legacy = Request._sign(
            PREFERENCES_SCOPE, [self.partner.id, self.env.company.id]
        )
        self.open_page(f"/privacy/preferences/{legacy}", 410)
