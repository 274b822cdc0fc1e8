from datetime import timedelta
from urllib.parse import urlparse

from odoo.tests import tagged

from ..events import PrivacyEvent
from .consent_request_common import PrivacyRequestHttpCase


@tagged("post_install", "-at_install")
class TestPartnerMerge(PrivacyRequestHttpCase):
    """Odoo's merge wizard keeps every consent, history row, contact log row
    and request; of two answers, the most protective one wins."""

    def answer(self, partner, consent_type, state, source="page", days_ago=0, **proof):
        consent = self.consent(partner, consent_type)
        consent._privacy_record(
            PrivacyEvent(source, **proof),
            {
                "state": state,
                "method": "web_form",
                "date_given": self.today - timedelta(days=days_ago)
                if state == "given"
                else False,
            },
        )
        return consent

    def merge(self, partners, dst_partner):
        wizard = (
            self.env["base.partner.merge.automatic.wizard"]
            .with_context(active_model="res.partner", active_ids=partners.ids)
            .create({"partner_ids": partners.ids, "dst_partner_id": dst_partner.id})
        )
        wizard.action_merge()

    def test_merge_keeps_the_most_protective_answer_and_all_evidence(self):
        a = self.env["res.partner"].create(
            {"name": "Anna Rossi", "email": "anna@example.it"}
        )
        b = self.env["res.partner"].create(
            {"name": "Anna R.", "email": "anna@example.it"}
        )
        old_footer = urlparse(b._privacy_preferences_url()).path
        # A: the newsletter given on the page (IP X), after a refusal.
        self.answer(a, self.type_newsletter, "refused", ip="198.51.100.1")
        self.answer(a, self.type_newsletter, "given", ip="198.51.100.1")
        # B: given, then withdrawn through an unsubscribe link, then given and
        # withdrawn again; a contact log row and a request.
        self.answer(b, self.type_newsletter, "given", ip="203.0.113.2")
        self.answer(
            b, self.type_newsletter, "withdrawn", "unsubscribe", ip="203.0.113.9"
        )
        self.answer(b, self.type_newsletter, "pending", ip="203.0.113.2")
        self.answer(
            b, self.type_newsletter, "withdrawn", "unsubscribe", ip="203.0.113.9"
        )
        reason = self.env.ref("privacy_gdpr.contact_reason_contract")
        self.env["privacy.contact.log"]._log_contacts(b, "email", reason)
        b_request = self.env["privacy.consent.request"]._create_for_partners(
            b, "request"
        )
        # Other types: given vs no answer gives given; of two given, the one
        # that expires first (the more protective) wins.
        self.answer(b, self.type_sms, "given", ip="203.0.113.2")
        self.answer(a, self.type_call, "given", days_ago=2)  # expires first
        self.answer(b, self.type_call, "given", days_ago=0)
        a_rows = a.privacy_consent_history_ids
        b_rows = b.privacy_consent_history_ids
        self.assertEqual((len(a_rows), len(b_rows)), (3, 6))

        self.merge(a | b, a)

        self.assertFalse(b.exists())
        consents = (
            self.env["privacy.partner.consent"]
            .sudo()
            .search([("partner_id", "=", a.id)])
        )
        self.assertEqual(len(consents), len(consents.type_id))  # one line per type
        newsletter = self.consent(a, self.type_newsletter).sudo()
        self.assertEqual(newsletter.state, "withdrawn")
        self.assertEqual(newsletter.proof_ip, "203.0.113.9")  # B's own proof
        self.assertEqual(self.consent(a, self.type_sms).state, "given")
        call = self.consent(a, self.type_call)
        self.assertEqual(call.date_given, self.today - timedelta(days=2))
        # Every history row is kept under A, plus one "merge" row per type that
        # took an answer of B.
        history = a.privacy_consent_history_ids
        self.assertEqual(history & (a_rows | b_rows), a_rows | b_rows)
        merges = history.filtered(lambda h: h.source == "merge")
        self.assertEqual(
            merges.type_id, self.type_newsletter | self.type_sms | self.type_call
        )
        newsletter_merge = merges.filtered(lambda h: h.type_id == self.type_newsletter)
        self.assertEqual(
            (newsletter_merge.old_state, newsletter_merge.new_state),
            ("given", "withdrawn"),
        )
        self.assertIn("Anna R.", newsletter_merge.note)
        self.assertFalse(newsletter_merge.sudo().proof_ip)
        self.assertEqual(
            newsletter.history_ids.sorted("id"),
            (newsletter.history_ids & (a_rows | b_rows | merges)).sorted("id"),
        )
        self.assertEqual(len(newsletter.history_ids), 2 + 4 + 1)
        self.assertEqual(len(a.privacy_contact_log_ids), 1)
        self.assertEqual(b_request.partner_id, a)
        # B's old footer link opens A's page (the version of A's answers).
        form = self.form_of(self.open_page(old_footer))
        version = self.env["privacy.consent.request"]._answers_version(a)
        self.assertEqual(form.xpath(".//input[@name='version']/@value"), [str(version)])
