from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from ..events import PrivacyEvent
from .suppression_common import SuppressionMixin
from .web_form_common import PrivacyWebFormCase

# A 1x1 PNG.
PIXEL = (
    b"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGA"
    b"hKmMIQAAAABJRU5ErkJggg=="
)


@tagged("post_install", "-at_install")
class TestAnonymisation(SuppressionMixin, PrivacyWebFormCase):
    """Anonymising a contact: the identity goes, the proof of what the person
    consented to or objected to stays (GDPR art. 17(3)(e))."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.person = cls.env["res.partner"].create(
            {
                "name": "Hélène Faure",
                "email": "helene.faure@example.fr",
                "phone": "+33 4 78 12 34 56",
                "mobile": "+33 6 12 34 56 78",
                "street": "12 rue des Lilas",
                "zip": "69001",
                "city": "Lyon",
                "website": "https://helene.example.fr",
                "vat": "FR23334175221",
                "comment": "<p>Met at the Lyon fair</p>",
                "function": "Buyer",
                "image_1920": PIXEL,
            }
        )
        # Proof with an IP address, a withdrawal, a contact log row, a
        # request link, a message of hers, an alias of a merged contact.
        cls.person._privacy_record_web_consents(
            cls.web_answers(cls.type_newsletter, optin=False), cls.web_proof()
        )
        cls.give(cls.person, cls.type_email, method="email")
        cls.person._privacy_withdraw("email", PrivacyEvent("staff"))
        cls.person._privacy_record_contact(
            "call",
            cls.env.ref("privacy_gdpr.contact_reason_customer_request"),
            phone_number="+33612345678",
        )
        cls.request = cls.env["privacy.consent.request"]._send_to(
            cls.person, include_objectors=True
        )
        cls.person.message_post(
            body="Please call me on 06 12 34 56 78",
            author_id=cls.person.id,
            message_type="comment",
        )
        cls.env["privacy.partner.alias"].create(
            {"old_partner_id": 999999, "partner_id": cls.person.id}
        )

    def test_identity_goes_proof_stays(self):
        history = self.person.privacy_consent_history_ids
        log = self.person.privacy_contact_log_ids
        self.assertTrue(history.filtered(lambda h: h.proof_ip))
        self.person.with_user(self.user_manager).action_privacy_anonymise()
        person = self.person.with_context(active_test=False)
        self.assertEqual(person.name, f"Anonymised contact #{person.id}")
        self.assertTrue(person.privacy_anonymised_date)
        self.assertFalse(person.active)
        for fname in (
            "email",
            "email_normalized",
            "phone",
            "mobile",
            "privacy_phone_e164",
            "privacy_mobile_e164",
            "street",
            "zip",
            "city",
            "website",
            "vat",
            "comment",
            "function",
            "image_1920",
        ):
            self.assertFalse(person[fname], fname)
        # The proof: every history and log row, without IP addresses.
        self.assertEqual(person.privacy_consent_history_ids, history)
        self.assertEqual(person.privacy_contact_log_ids, log)
        self.assertEqual(set(history.mapped("new_state")), {"given", "withdrawn"})
        self.assertFalse(any(history.mapped("proof_ip")))
        self.assertFalse(any(history.mapped("proof_user_agent")))
        self.assertFalse(any(person.privacy_consent_ids.mapped("proof_ip")))
        # Its messages are empty, its links dead, its aliases gone.
        messages = self.env["mail.message"].search(
            [("author_id", "=", person.id)]
        ) | self.env["mail.message"].search(
            [("model", "=", "res.partner"), ("res_id", "=", person.id)]
        )
        self.assertTrue(messages)
        for message in messages:
            self.assertFalse(message.body)
        self.assertFalse(self.request.sudo().nonce)
        self.assertEqual(self.request.state, "expired")
        self.assertFalse(
            self.env["privacy.partner.alias"].search([("partner_id", "=", person.id)])
        )
        # Its address and numbers stay objected.
        for value in ("helene.faure@example.fr", "+33478123456", "+33612345678"):
            self.assertEqual(self.entry(value).reason, "anonymisation")

    def test_from_the_privacy_lookup(self):
        wizard = self.env["privacy.lookup.wizard"].create(
            {"name": "Hélène Faure", "email": "helene.faure@example.fr"}
        )
        wizard.action_lookup()
        line = wizard.line_ids.filtered(lambda line: line.res_model == "res.partner")
        # Odoo's Privacy Lookup is for administrators.
        admin = new_test_user(
            self.env,
            login="privacy_admin",
            groups="base.group_system,privacy_gdpr.group_privacy_manager",
        )
        line.with_user(admin).action_privacy_anonymise()
        self.assertIn("Anonymised", line.execution_details)
        self.assertTrue(self.person.privacy_anonymised_date)
        self.assertTrue(self.entry("helene.faure@example.fr"))

    def test_only_privacy_managers_and_not_users(self):
        with self.assertRaises(AccessError):
            self.person.with_user(self.user_privacy).action_privacy_anonymise()
        with self.assertRaisesRegex(UserError, "user or of a company"):
            self.user_privacy.partner_id.with_user(
                self.user_manager
            ).action_privacy_anonymise()
        self.assertEqual(self.person.name, "Hélène Faure")
