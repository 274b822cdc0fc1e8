from datetime import timedelta

from lxml import html

from odoo import fields
from odoo.tests import tagged

from ..events import PrivacyEvent
from .consent_request_common import PrivacyRequestHttpCase
from .web_form_common import WEB_USER_AGENT, PrivacyWebFormCase


@tagged("post_install", "-at_install")
class TestWebFormConsent(PrivacyWebFormCase):
    """Consents given by ticking boxes of a web form: recorded as given by web
    form, with the proof of the submission."""

    def tick(self, partner, consent_types, **proof):
        return partner._privacy_record_web_consents(
            self.web_answers(consent_types), self.web_proof(partner, **proof)
        )

    def test_ticked_boxes_are_given_with_their_proof(self):
        self.give(self.partner, self.type_sms, method="oral")
        consents = self.tick(self.partner, self.type_newsletter | self.type_email)
        self.assertEqual(consents.type_id, self.type_newsletter | self.type_email)
        newsletter = self.consent(self.partner, self.type_newsletter)
        self.assertEqual(newsletter.state, "given")
        self.assertEqual(newsletter.method, "web_form")
        self.assertEqual(newsletter.date_given, fields.Date.context_today(newsletter))
        self.assertEqual(newsletter.proof_ip, "192.0.2.15")
        self.assertEqual(newsletter.proof_user_agent, WEB_USER_AGENT)
        for expected in (
            "Newsletter\n",
            "Data controller: YourCompany",
            "withdraw your consent at any time",
            "Web form “contactus_form” on https://www.example.com/contactus",
            "→ Box ticked",
        ):
            self.assertIn(expected, newsletter.proof_text)
        # Boxes not ticked are no answer: the rest stays as it was.
        self.assertEqual(self.consent(self.partner, self.type_sms).state, "given")
        self.assertEqual(self.consent(self.partner, self.type_post).state, "none")

        request = self.partner.privacy_request_ids.filtered(
            lambda r: r.origin == "web_form"
        )
        self.assertEqual(request.state, "answered")
        self.assertEqual(request.page_url, "https://www.example.com/contactus")
        self.assertEqual(request.form_name, "contactus_form")
        self.assertEqual(
            (request.res_model, request.res_id), ("res.partner", self.partner.id)
        )
        self.assertTrue(request.text_shown.startswith("Every box of the form"))
        self.assertEqual(request.answer_ip, "192.0.2.15")
        history = newsletter.history_ids
        self.assertEqual(len(history), 1)
        self.assertEqual(history.request_id, request)
        self.assertEqual((history.old_state, history.new_state), ("none", "given"))
        self.assertIn("contactus_form", history.note)
        summary = self.partner.message_ids.filtered(
            lambda m: m.subtype_id == self.subtype_answer
        )
        self.assertIn("web form contactus_form", summary[0].body)
        self.assertTrue(self.partner.privacy_answer_date)

    def test_given_on_the_day_of_the_submission(self):
        eight_days_ago = fields.Datetime.now() - timedelta(days=8)
        self.tick(self.partner, self.type_newsletter, date=eight_days_ago)
        newsletter = self.consent(self.partner, self.type_newsletter)
        self.assertEqual(
            newsletter.date_given, fields.Date.context_today(newsletter, eight_days_ago)
        )
        self.assertEqual(newsletter.proof_date, eight_days_ago)
        # Valid 30 days from that day, not from today.
        self.assertEqual(
            newsletter.date_expiry, newsletter.date_given + timedelta(days=30)
        )

    def test_an_objection_then_a_ticked_box_is_a_new_consent(self):
        self.give(self.partner, self.type_newsletter, days_ago=3, method="email")
        self.consent(self.partner, self.type_newsletter).state = "withdrawn"
        self.tick(self.partner, self.type_newsletter)
        newsletter = self.consent(self.partner, self.type_newsletter)
        self.assertEqual(newsletter.state, "given")
        self.assertEqual(newsletter.history_ids[0].old_state, "withdrawn")
        self.assertEqual(newsletter.history_ids[0].new_state, "given")

    def test_double_opt_in_waits_for_the_confirmation(self):
        self.type_newsletter.double_optin = True
        self.tick(self.partner, self.type_newsletter | self.type_sms)
        newsletter = self.consent(self.partner, self.type_newsletter)
        self.assertEqual(newsletter.state, "pending")
        self.assertFalse(newsletter.date_given)
        self.assertEqual(self.consent(self.partner, self.type_sms).state, "given")
        request = self.partner.privacy_request_ids
        self.assertEqual(request.confirm_type_ids, self.type_newsletter)
        confirmation = self.request_messages(self.partner)
        self.assertEqual(len(confirmation), 1)
        self.assertIn(
            self.token_of(request._get_confirm_url()),
            self.link_in(confirmation, "/privacy/confirm/"),
        )

        request._confirm(PrivacyEvent("double_optin", ip="192.0.2.99"))
        self.assertEqual(newsletter.state, "given")
        self.assertEqual(newsletter.proof_ip, "192.0.2.99")
        self.assertIn("→ Box ticked", newsletter.proof_text)
        self.assertIn("Confirmed from the link sent to", newsletter.proof_text)

    def test_a_form_request_is_no_personal_link(self):
        path = self.send_request(self.partner)
        sent = self.partner.privacy_request_ids
        self.tick(self.partner, self.type_newsletter)
        # The request e-mailed stays the person's, and its link works.
        Request = self.env["privacy.consent.request"]
        self.assertEqual(Request._current_for(self.partner), sent)
        self.assertEqual(self.token_of(path), self.token_of(sent._get_url()))


@tagged("post_install", "-at_install")
class TestInformationNotice(PrivacyWebFormCase):
    """What people are told with every consent asked (GDPR art. 13)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.write(
            {
                "country_id": cls.env.ref("base.fr").id,
                "privacy_controller_identity": (
                    "Maison Durand SARL, 3 rue des Lilas, Lyon"
                ),
                "privacy_policy_url": "https://www.maison-durand.example.com/privacy",
                "privacy_dpo_contact": "dpo@maison-durand.example.com",
            }
        )

    def test_the_company_information_and_the_authority_of_the_country(self):
        notice = self.company._privacy_notice(
            self.env.ref("base.it"), ["Newsletter", "Calls"]
        )["text"]
        for expected in (
            "Data controller: Maison Durand SARL, 3 rue des Lilas, Lyon.",
            "Data protection officer: dpo@maison-durand.example.com.",
            "Purposes: Newsletter; Calls; each only with your consent",
            "withdraw your consent at any time",
            "privacy@yourcompany.example.com",
            "Garante per la protezione dei dati personali: https://www.garanteprivacy.it/",
            "Our privacy policy: https://www.maison-durand.example.com/privacy",
        ):
            self.assertIn(expected, notice)
        self.assertIn(
            "(CNIL)", self.company._privacy_notice(self.env.ref("base.fr"))["text"]
        )
        # No authority known for Germany: the company's country's.
        self.assertIn(
            "(CNIL)", self.company._privacy_notice(self.env.ref("base.de"))["text"]
        )

    def test_without_settings(self):
        self.company.write(
            {
                "country_id": self.env.ref("base.us").id,
                "privacy_controller_identity": False,
                "privacy_policy_url": False,
                "privacy_dpo_contact": False,
            }
        )
        notice = self.company._privacy_notice()["text"]
        self.assertIn(f"Data controller: {self.company.name}, ", notice)
        self.assertIn(self.company.city or self.company.name, notice)
        self.assertNotIn("Data protection officer", notice)
        self.assertNotIn("privacy policy", notice)
        self.assertIn(
            "the data protection supervisory authority of your country", notice
        )

    def consent_mails(self, partner):
        return self.env["mail.mail"].search(
            [("recipient_ids", "in", partner.ids), ("model", "=", "res.partner")]
        )

    def test_every_consent_email_tells_it(self):
        self.partner.country_id = self.env.ref("base.it")
        self.type_newsletter.double_optin = True
        # Kept in the queue instead of sent (and deleted) at once.
        partner = self.partner.with_context(mail_notify_force_send=False)
        Request = partner.env["privacy.consent.request"]
        Request._send_to(partner)
        Request._send_to(partner, origin="renewal")
        partner._privacy_record_web_consents(
            self.web_answers(self.type_newsletter), self.web_proof(partner)
        )
        mails = self.consent_mails(self.partner)
        self.assertEqual(len(mails), 3)
        for mail in mails:
            text = html.fromstring(mail.body_html).text_content()
            with self.subTest(subject=mail.subject):
                self.assertIn("Data controller: Maison Durand SARL", text)
                self.assertIn(
                    "Data protection officer: dpo@maison-durand.example.com", text
                )
                self.assertIn("Newsletter; Single e-mail; SMS; Calls; Postal", text)
                # The person's country: the Italian authority.
                self.assertIn("Garante per la protezione dei dati personali", text)
                self.assertIn("https://www.maison-durand.example.com/privacy", text)
            # The copy kept in the chatter is the message alone.
            self.assertNotIn("Data controller", mail.mail_message_id.body)


@tagged("post_install", "-at_install")
class TestPreferencePageNotice(PrivacyRequestHttpCase):
    def test_the_page_tells_it_and_keeps_it_with_the_answers(self):
        self.env.company.write(
            {
                "privacy_dpo_contact": "dpo@maison-durand.example.com",
                "privacy_policy_url": "https://www.maison-durand.example.com/privacy",
            }
        )
        path = self.send_request(self.partner)
        page = html.fromstring(self.open_page(path).content)
        notice = page.xpath("//div[hasclass('o_privacy_notice')]")[0]
        self.assertIn(
            "Data protection officer: dpo@maison-durand.example.com",
            notice.text_content(),
        )
        self.assertEqual(
            notice.xpath(".//a/@href")[-1],
            "https://www.maison-durand.example.com/privacy",
        )
        self.submit(path, {self.type_newsletter: "given"})
        text_shown = self.partner.privacy_request_ids.text_shown
        self.assertIn(
            "Data protection officer: dpo@maison-durand.example.com", text_shown
        )
        self.assertIn(
            "Our privacy policy: https://www.maison-durand.example.com/privacy",
            text_shown,
        )
