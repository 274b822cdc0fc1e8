from datetime import timedelta

from lxml import etree

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from ..events import PrivacyEvent
from .consent_request_common import PrivacyRequestCase


@tagged("post_install", "-at_install")
class TestConsentRequest(PrivacyRequestCase):
    def test_send_from_the_form(self):
        before = fields.Datetime.now()
        action = self.partner.with_user(
            self.user_employee
        ).action_privacy_send_consent_request()
        self.assertEqual(action["tag"], "display_notification")
        consent_request = self.partner.privacy_request_ids
        self.assertEqual(len(consent_request), 1)
        self.assertEqual(consent_request.state, "sent")
        self.assertEqual(consent_request.origin, "request")
        self.assertEqual(consent_request.user_id, self.user_employee)
        self.assertGreaterEqual(self.partner.privacy_request_date, before)
        # Valid the configured number of days (default 7).
        self.assertAlmostEqual(
            consent_request.date_expiry,
            consent_request.date_sent + timedelta(days=7),
            delta=timedelta(seconds=1),
        )
        # The e-mail, in the chatter under its own subtype, to the partner.
        message = self.request_messages(self.partner)
        self.assertEqual(len(message), 1)
        self.assertEqual(message.partner_ids, self.partner)
        self.assertIn("privacy@yourcompany.example.com", message.email_from)
        self.assertIn("your privacy preferences", message.subject)
        self.assertIn(
            consent_request._get_url().split("/privacy")[1],
            self.link_in(message),
        )
        # E-mailed to the partner (the mail itself is deleted once sent).
        notification = message.sudo().notification_ids
        self.assertEqual(notification.res_partner_id, self.partner)
        self.assertEqual(notification.notification_type, "email")
        # Filterable: the messages of the subtype are the consent requests.
        self.assertEqual(
            self.env["mail.message"].search(
                [
                    ("subtype_id", "=", self.subtype_request.id),
                    ("res_id", "=", self.partner.id),
                    ("model", "=", "res.partner"),
                ]
            ),
            message,
        )

    def test_validity_setting(self):
        self.env.company.privacy_request_validity_days = 3
        self.send_request(self.partner)
        consent_request = self.partner.privacy_request_ids
        self.assertAlmostEqual(
            consent_request.date_expiry,
            consent_request.date_sent + timedelta(days=3),
            delta=timedelta(seconds=1),
        )
        with self.assertRaisesRegex(ValidationError, "at least one day"):
            self.env.company.privacy_request_validity_days = 0

    def test_button_disabled_without_email(self):
        arch = etree.fromstring(
            self.env["res.partner"].get_view(
                self.env.ref("base.view_partner_form").id, "form"
            )["arch"]
        )
        header = arch.xpath("//header")[0]
        active = header.xpath(".//button[@name='action_privacy_send_consent_request']")
        self.assertEqual(len(active), 1)
        self.assertEqual(active[0].get("invisible"), "not email")
        self.assertTrue(active[0].get("confirm"))
        greyed = header.xpath(".//span[hasclass('o_privacy_request_disabled')]")[0]
        self.assertEqual(greyed.get("invisible"), "email")
        self.assertIn("e-mail address", greyed.get("title"))
        button = greyed.xpath("./button")[0]
        self.assertEqual(button.get("disabled"), "1")
        self.assertIsNone(button.get("name"))
        # Both never show together, and the server refuses too.
        no_email = self.env["res.partner"].create({"name": "No Mail"})
        with self.assertRaisesRegex(UserError, "no e-mail address"):
            no_email.action_privacy_send_consent_request()
        self.assertFalse(no_email.privacy_request_ids)
        self.assertFalse(no_email.privacy_request_date)

    def test_only_employees_send(self):
        with self.assertRaises(AccessError):
            self.env["privacy.consent.request"].with_user(self.user_portal)._send_to(
                self.partner
            )
        self.assertFalse(self.partner.privacy_request_ids)

    def test_first_request_keeps_answers_resend_resets_them(self):
        self.give(self.partner, self.type_newsletter, method="written")
        self.consent(self.partner, self.type_sms)._privacy_record(
            PrivacyEvent("page", ip="10.0.0.1"),
            {"state": "given", "method": "web_form", "date_given": self.today},
        )
        old_path = self.send_request(self.partner)
        old_request = self.partner.privacy_request_ids
        self.assertEqual(
            self.consent(self.partner, self.type_newsletter).state, "given"
        )

        self.send_request(self.partner)
        new_request = self.partner.privacy_request_ids - old_request
        self.assertEqual(old_request.state, "superseded")
        self.assertEqual(new_request.state, "sent")
        Request = self.env["privacy.consent.request"]
        self.assertEqual(
            Request._from_token(
                "privacy_gdpr.consent_request", self.token_of(old_path)
            ),
            (old_request, "superseded"),
        )
        self.assertEqual(
            set(self.partner.privacy_consent_ids.mapped("state")), {"none"}
        )
        sms = self.consent(self.partner, self.type_sms)
        self.assertFalse(sms.proof_ip)
        self.assertFalse(sms.date_given)
        # The reset is the new request's own event.
        self.assertEqual(sms.history_ids[0].source, "reset")
        # The history keeps every earlier answer, and why it was reset.
        newsletter = self.consent(self.partner, self.type_newsletter)
        self.assertEqual(newsletter.history_ids.mapped("new_state"), ["none", "given"])
        self.assertEqual(
            newsletter.history_ids[0].note, "Reset: a new consent request was sent"
        )
        self.assertEqual(newsletter.history_ids[1].method, "written")
        self.assertEqual(sms.history_ids[1].proof_ip, "10.0.0.1")
        self.assertEqual(len(self.request_messages(self.partner)), 2)

    def test_tokens(self):
        self.send_request(self.partner)
        self.send_request(self.partner_2)
        first, second = (
            self.partner.privacy_request_ids,
            self.partner_2.privacy_request_ids,
        )
        Request = self.env["privacy.consent.request"]
        self.assertNotEqual(first.sudo().nonce, second.sudo().nonce)
        self.assertGreaterEqual(len(first.sudo().nonce), 40)
        # The link is stable (the template may render it several times).
        self.assertEqual(first._get_url(), first._get_url())
        token = self.token_of(first._get_url())
        self.assertEqual(
            Request._from_token("privacy_gdpr.consent_request", token), (first, None)
        )
        self.assertEqual(
            Request._from_token("privacy_gdpr.consent_confirm", token),
            (Request, "invalid"),
        )
        # The nonce is for administrators only.
        with self.assertRaises(AccessError):
            first.with_user(self.user_manager).read(["nonce"])

    def test_request_is_evidence(self):
        self.send_request(self.partner)
        with self.assertRaisesRegex(UserError, "evidence"):
            self.partner.privacy_request_ids.sudo().unlink()

    # ------------------------------------------------------------
    # The list action
    # ------------------------------------------------------------

    def test_list_action_summary(self):
        Partner = self.env["res.partner"]
        no_email = Partner.create({"name": "Nomail Person"})
        invalid = Partner.create({"name": "Invalid Person", "email": "not-an-email"})
        blacklisted = Partner.create(
            {"name": "Blacklisted Person", "email": "black@example.com"}
        )
        self.env["mail.blacklist"].sudo()._add("black@example.com")
        self.send_request(self.partner_2)
        partners = self.partner | self.partner_2 | no_email | invalid | blacklisted
        action = self.env.ref("privacy_gdpr.privacy_consent_request_wizard_action")
        self.assertEqual(action.binding_model_id.model, "res.partner")
        self.assertEqual(action.binding_view_types, "list")
        wizard_form = Form(
            self.env["privacy.consent.request.wizard"]
            .with_user(self.user_employee)
            .with_context(active_model="res.partner", active_ids=partners.ids)
        )
        summary = wizard_form.summary
        self.assertIn("2 contact(s) will receive", summary)
        self.assertIn("1 of them already received one", summary)
        self.assertIn("3 contact(s) skipped", summary)
        wizard = wizard_form.save()
        wizard.action_send()
        self.assertEqual(wizard.state, "done")
        self.assertIn("Consent request sent to 2 contact(s)", wizard.result)
        for reason, partner in (
            ("no e-mail address", no_email),
            ("invalid e-mail address", invalid),
            ("e-mail address in the blacklist", blacklisted),
        ):
            self.assertIn(f"{reason}: 1 ({partner.name})", wizard.result)
            self.assertFalse(partner.privacy_request_ids)
        self.assertEqual(len(self.partner.privacy_request_ids), 1)
        self.assertEqual(
            self.partner_2.privacy_request_ids.mapped("state"), ["sent", "superseded"]
        )

    # ------------------------------------------------------------
    # Languages
    # ------------------------------------------------------------

    def test_email_in_the_partner_language(self):
        for lang in ("fr_FR", "it_IT"):
            self.env["res.lang"]._activate_lang(lang)
        self.env["ir.module.module"]._load_module_terms(
            ["privacy_gdpr"], ["fr_FR", "it_IT"], overwrite=True
        )
        self.partner.lang = "fr_FR"
        self.partner_2.lang = "it_IT"
        english = self.env["res.partner"].create(
            {"name": "Jane Smith", "email": "jane@example.com", "lang": "en_US"}
        )
        expected = {
            self.partner: ("vos préférences de contact", "Choisir mes préférences"),
            self.partner_2: (
                "le Sue preferenze di contatto",
                "Scelga le Sue preferenze",
            ),
            english: ("your privacy preferences", "Choose my preferences"),
        }
        for partner, (subject, button) in expected.items():
            path = self.send_request(partner)
            message = self.request_messages(partner)
            self.assertIn(subject, message.subject)
            self.assertIn(button, message.body)
            self.assertTrue(path.startswith("/privacy/consent/"))
        # The renewal and the confirmation are translated too.
        template = self.env.ref("privacy_gdpr.mail_template_consent_renewal")
        self.assertIn(
            "Revoir mes préférences", template.with_context(lang="fr_FR").body_html
        )
        template = self.env.ref("privacy_gdpr.mail_template_consent_confirm")
        self.assertIn(
            "Confermi il Suo consenso", template.with_context(lang="it_IT").body_html
        )
