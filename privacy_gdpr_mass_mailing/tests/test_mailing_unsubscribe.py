from urllib.parse import urlsplit

from lxml import html

from odoo import Command
from odoo.tests import HttpCase, tagged

from odoo.addons.privacy_gdpr.events import PrivacyEvent
from odoo.addons.privacy_gdpr.tests.consent_request_common import (
    USER_AGENT,
    PrivacyRequestHttpCase,
)

from .test_mass_mailing import MassMailingCase


class UnsubscribeCase(MassMailingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Same person twice, with e-mail, single e-mail and SMS consents.
        cls.p_twin = cls.env["res.partner"].create(
            {"name": "A valid twin", "email": "Valid@example.com"}
        )
        cls.give(cls.p_twin, cls.type_newsletter)
        cls.p_valid.mobile = "+33 6 12 34 56 01"
        cls.give(cls.p_valid, cls.type_email)
        cls.give(cls.p_valid, cls.type_sms)

    def contact(self, email, mailing_lists, **vals):
        return self.env["mailing.contact"].create(
            {
                "name": email,
                "email": email,
                "subscription_ids": [
                    Command.create({"list_id": mailing_list.id})
                    for mailing_list in mailing_lists
                ],
                **vals,
            }
        )

    def assertWithdrawn(self, partners, consent_type, method, note):
        for partner in partners:
            consent = self.consent(partner, consent_type)
            self.assertEqual(consent.state, "withdrawn")
            last = consent.history_ids.sorted("id")[-1]
            self.assertEqual((last.old_state, last.new_state), ("given", "withdrawn"))
            self.assertEqual(last.method, method)
            self.assertIn(note, last.note)

    def assertGiven(self, partner, consent_type):
        self.assertEqual(self.consent(partner, consent_type).state, "given")


@tagged("post_install", "-at_install")
class TestWithdrawal(UnsubscribeCase):
    def test_withdraw_only_valid_consents_of_the_channel(self):
        partners = self.p_valid | self.p_expired | self.p_none
        withdrawn = partners._privacy_withdraw(
            "mass_mailing", PrivacyEvent("staff", method="email", note="Asked by phone")
        )
        self.assertEqual(withdrawn, self.consent(self.p_valid, self.type_newsletter))
        self.assertWithdrawn(self.p_valid, self.type_newsletter, "email", "by phone")
        self.assertGiven(self.p_valid, self.type_email)
        self.assertGiven(self.p_valid, self.type_sms)
        # expired on its own: nothing to withdraw, no history
        self.assertEqual(
            self.consent(self.p_expired, self.type_newsletter).state, "given"
        )

    def test_blocklisted_email_withdraws_email_marketing(self):
        self.env["mail.blacklist"]._add("Camille <VALID@example.com>")
        self.assertWithdrawn(
            self.p_valid | self.p_twin, self.type_newsletter, "email", "blocklist"
        )
        self.assertGiven(self.p_valid, self.type_email)
        self.assertGiven(self.p_valid, self.type_sms)

    def test_leaving_every_list_withdraws(self):
        news, offers = self.env["mailing.list"].create(
            [{"name": "News"}, {"name": "Offers"}]
        )
        self.contact("valid@example.com", news | offers)
        news._update_subscription_from_email("valid@example.com", opt_out=True)
        self.assertGiven(self.p_valid, self.type_newsletter)
        offers._update_subscription_from_email("valid@example.com", opt_out=True)
        self.assertWithdrawn(
            self.p_valid | self.p_twin, self.type_newsletter, "web_form", "every"
        )
        self.assertGiven(self.p_valid, self.type_email)

    def test_bounces_blocklist_without_withdrawing(self):
        traces = self.env["mailing.trace"].create(
            [
                {
                    "model": "res.partner",
                    "res_id": self.p_valid.id,
                    "email": "valid@example.com",
                    "trace_status": "bounce",
                }
                for _i in range(5)
            ]
        )
        self.env.flush_all()
        # Bounced over two weeks, as Odoo requires before blocklisting.
        self.env.cr.execute(
            "UPDATE mailing_trace "
            "SET write_date = now() - (id %% 5) * interval '4 days' WHERE id IN %s",
            [tuple(traces.ids)],
        )
        traces.invalidate_recordset(["write_date"])
        self.env["mail.thread"]._routing_handle_bounce(
            None,
            {
                "bounced_email": "valid@example.com",
                "bounced_partner": self.env["res.partner"],
                "bounced_msg_ids": [],
                "bounced_message": self.env["mail.message"],
                "email_from": "mailer-daemon@example.com",
                "to": "bounce@example.com",
                "message_id": "<bounce@example.com>",
            },
        )
        self.assertTrue(self.p_valid.is_blacklisted)
        self.assertGiven(self.p_valid, self.type_newsletter)


@tagged("post_install", "-at_install")
class TestUnsubscribeLinks(HttpCase, UnsubscribeCase):
    """Odoo's own unsubscribe routes, as the person reaches them."""

    def one_click(self, url):
        """POST to Odoo's one-click unsubscribe address, as a mail client does
        (RFC 8058; the body is left out: Odoo ignores it)."""
        parts = urlsplit(url)
        return self.opener.post(
            f"{self.base_url()}{parts.path}?{parts.query}", timeout=12
        )

    def test_email_footer_one_click(self):
        mailing = self.mailing(self.p_valid)
        mailing.action_send_mail()
        url = mailing._get_unsubscribe_oneclick_url(
            "valid@example.com", self.p_valid.id
        )
        self.assertEqual(self.one_click(url).status_code, 200)
        self.assertTrue(self.p_valid.is_blacklisted)
        self.assertWithdrawn(
            self.p_valid | self.p_twin, self.type_newsletter, "email", "blocklist"
        )

    def test_unsubscribe_carries_its_own_proof(self):
        """A "yes" given on the page from one browser, then the unsubscribe
        link of a mailing from another: the withdrawal is the unsubscribe's,
        with its own IP, user agent, link and mailing."""
        consent = self.consent(self.p_valid, self.type_newsletter)
        consent._privacy_record(
            PrivacyEvent("page", ip="192.0.2.10", user_agent="Agent A", text="Yes"),
            {"state": "given", "method": "web_form", "date_given": self.today},
        )
        mailing = self.mailing(self.p_valid)
        mailing.action_send_mail()
        url = mailing._get_unsubscribe_oneclick_url(
            "valid@example.com", self.p_valid.id
        )
        parts = urlsplit(url)
        response = self.opener.post(
            f"{self.base_url()}{parts.path}?{parts.query}",
            headers={"User-Agent": "Agent B"},
            timeout=12,
        )
        self.assertEqual(response.status_code, 200)
        row = consent.sudo().history_ids[0]
        self.assertEqual(
            (row.source, row.new_state, row.method, row.mailing_id),
            ("unsubscribe", "withdrawn", "email", mailing),
        )
        self.assertEqual((row.proof_user_agent, row.proof_ip), ("Agent B", "127.0.0.1"))
        self.assertEqual(row.proof_link, f"/mailing/{mailing.id}/unsubscribe_oneclick")
        self.assertEqual(consent.sudo().proof_user_agent, "Agent B")
        # The twin's consent too, with the same proof.
        twin = self.consent(self.p_twin, self.type_newsletter).sudo().history_ids[0]
        self.assertEqual((twin.source, twin.mailing_id), ("unsubscribe", mailing))

    def test_blocklist_entered_by_staff(self):
        admin = self.env.ref("base.user_admin")
        self.env["mail.blacklist"].with_user(admin)._add("valid@example.com")
        row = self.consent(self.p_valid, self.type_newsletter).sudo().history_ids[0]
        self.assertEqual(
            (row.source, row.user_id, row.proof_ip, row.mailing_id.id),
            ("blocklist", admin, False, False),
        )

    def test_mailing_list_footer(self):
        mailing_list = self.env["mailing.list"].create({"name": "News"})
        contact = self.contact("valid@example.com", mailing_list)
        mailing = self.env["mailing.mailing"].create(
            {
                "subject": "News",
                "body_html": "<p>News</p>",
                "mailing_model_id": self.env["ir.model"]._get_id("mailing.list"),
                "contact_list_ids": mailing_list.ids,
            }
        )
        url = mailing._get_unsubscribe_oneclick_url("valid@example.com", contact.id)
        self.assertEqual(self.one_click(url).status_code, 200)
        self.assertTrue(contact.subscription_ids.opt_out)
        self.assertFalse(self.p_valid.is_blacklisted)
        self.assertWithdrawn(
            self.p_valid | self.p_twin, self.type_newsletter, "web_form", "every"
        )


@tagged("post_install", "-at_install")
class TestUnsubscribeToPreferences(PrivacyRequestHttpCase, UnsubscribeCase):
    """The footer's unsubscribe link of a sent marketing e-mail, followed."""

    FOOTER = '<p>News</p><p><a href="/unsubscribe_from_list">Unsubscribe</a></p>'

    def sent_links(self, mailing, record):
        """The footer link and the List-Unsubscribe header of the e-mail sent
        to ``record``, as Odoo prepares them for the mail server."""
        mail = (
            self.env["mail.mail"]
            .sudo()
            .search([("mailing_id", "=", mailing.id), ("res_id", "=", record.id)])
        )
        [outgoing] = mail._prepare_outgoing_list()
        [footer] = [
            href
            for href in html.fromstring(outgoing["body"]).xpath("//a/@href")
            if "unsubscribe" in href or "/privacy/" in href
        ]
        return footer, outgoing["headers"]["List-Unsubscribe"]

    def test_footer_opens_the_preference_page_and_withdraws(self):
        reader = self.env["res.partner"].create(
            {"name": "Reader", "email": "reader@example.com"}
        )
        self.give(reader, self.type_newsletter)
        mailing = self.mailing(reader, body_html=self.FOOTER)
        mailing.action_send_mail()

        footer, one_click = self.sent_links(mailing, reader)
        Request = self.env["privacy.consent.request"]
        self.assertEqual(
            Request._from_preferences_token(self.token_of(footer)),
            (reader, self.company, None),
        )
        # The one-click header stays Odoo's (it withdraws through the blocklist).
        self.assertIn(f"/mailing/{mailing.id}/unsubscribe_oneclick", one_click)

        self.submit(urlsplit(footer).path, {self.type_newsletter: "refused"})
        consent = self.consent(reader, self.type_newsletter)
        self.assertEqual(consent.state, "withdrawn")
        self.assertEqual(consent.sudo().proof_user_agent, USER_AGENT)
        # Withdrawn: the next mailing cancels the reader.
        next_mailing = self.mailing(reader)
        next_mailing.action_send_mail()
        self.assertCancelled(next_mailing, reader)

    def test_list_contact_matched_by_email(self):
        reader = self.env["res.partner"].create(
            {"name": "Reader", "email": "reader@example.com"}
        )
        self.give(reader, self.type_newsletter)
        mailing_list = self.env["mailing.list"].create({"name": "News"})
        matched = self.contact("Reader@Example.com", mailing_list)
        unknown = self.contact("stranger@example.com", mailing_list)
        mailing = self.env["mailing.mailing"].create(
            {
                "subject": "News",
                "body_html": self.FOOTER,
                "mailing_model_id": self.env["ir.model"]._get_id("mailing.list"),
                "contact_list_ids": mailing_list.ids,
                "keep_archives": True,
            }
        )
        footer = mailing._get_unsubscribe_url("reader@example.com", matched.id)
        self.assertEqual(
            self.env["privacy.consent.request"]._from_preferences_token(
                self.token_of(footer)
            ),
            (reader, self.company, None),
        )
        # Nobody to answer for: Odoo's page.
        self.assertIn(
            f"/mailing/{mailing.id}/confirm_unsubscribe",
            mailing._get_unsubscribe_url("stranger@example.com", unknown.id),
        )

    def test_odoo_page_when_the_address_is_shared_or_the_filter_off(self):
        # p_valid and p_twin share an address: withdrawing on one would not
        # stop the e-mails to the other; Odoo's page blocklists the address.
        mailing = self.mailing(self.p_valid, body_html=self.FOOTER)
        mailing.action_send_mail()
        footer, _one_click = self.sent_links(mailing, self.p_valid)
        self.assertIn(f"/mailing/{mailing.id}/confirm_unsubscribe", footer)
        parts = urlsplit(footer)
        self.assertEqual(self.url_open(f"{parts.path}?{parts.query}").status_code, 200)

        self.company.privacy_check_mass_mailing = False
        reader = self.env["res.partner"].create(
            {"name": "Reader", "email": "reader@example.com"}
        )
        self.assertIn(
            "/confirm_unsubscribe",
            mailing._get_unsubscribe_url("reader@example.com", reader.id),
        )
