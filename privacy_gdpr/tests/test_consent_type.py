from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import PrivacyCase


@tagged("post_install", "-at_install")
class TestConsentType(PrivacyCase):
    def test_duplicate_code_is_refused_with_its_message(self):
        with self.assertRaisesRegex(ValidationError, "“T_SMS” is already used"):
            self.env["privacy.consent.type"].create({"name": "Other", "code": "T_SMS"})

    def test_code_of_an_archived_type_stays_reserved(self):
        self.type_post.active = False
        with self.assertRaisesRegex(ValidationError, "already used"):
            self.env["privacy.consent.type"].create({"name": "Other", "code": "T_POST"})

    def test_code_with_a_space_is_refused_with_its_message(self):
        for code in ("NEWS LETTER", " NEWS", "NEWS\t", "NÉWS", "NEWS.LETTER"):
            with (
                self.subTest(code=code),
                self.assertRaisesRegex(
                    ValidationError, "use only letters, digits, underscores"
                ),
            ):
                self.env["privacy.consent.type"].create({"name": "N", "code": code})

    def test_valid_codes_are_accepted(self):
        created = self.env["privacy.consent.type"].create(
            [{"name": "A", "code": "news-2026_A"}, {"name": "B", "code": "B9"}]
        )
        self.assertEqual(created.mapped("code"), ["news-2026_A", "B9"])

    def test_code_is_unique_per_company_and_against_shared_types(self):
        company_b = self.env["res.company"].create({"name": "Company B"})
        company_c = self.env["res.company"].create({"name": "Company C"})
        Type = self.env["privacy.consent.type"]
        Type.create({"name": "B news", "code": "LOCAL", "company_id": company_b.id})
        # Another company may use the same code...
        Type.create({"name": "C news", "code": "LOCAL", "company_id": company_c.id})
        # ...but not twice in one company, nor against a shared type.
        with self.assertRaisesRegex(ValidationError, "already used"):
            Type.create(
                {"name": "B news 2", "code": "LOCAL", "company_id": company_b.id}
            )
        with self.assertRaisesRegex(ValidationError, "already used"):
            Type.create({"name": "Shared", "code": "LOCAL"})
        with self.assertRaisesRegex(ValidationError, "already used"):
            Type.create({"name": "B sms", "code": "T_SMS", "company_id": company_b.id})

    def test_double_optin_needs_an_email_channel(self):
        with self.assertRaisesRegex(ValidationError, "must allow e-mails"):
            self.env["privacy.consent.type"].create(
                {
                    "name": "Calls",
                    "code": "DOI_CALL",
                    "allow_call": True,
                    "double_optin": True,
                }
            )
        with self.assertRaisesRegex(ValidationError, "must allow e-mails"):
            self.type_sms.double_optin = True
        self.type_newsletter.double_optin = True
        self.type_email.double_optin = True
        with self.assertRaisesRegex(ValidationError, "must allow e-mails"):
            self.type_email.allow_email = False

    def test_negative_validity_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self.type_sms.validity_days = -1

    def test_default_types_keep_their_code_and_channels_but_not_texts(self):
        default_sms = self.env.ref("privacy_gdpr.consent_type_commercial_sms")
        self.assertTrue(default_sms.is_locked)
        default_sms.write(
            {
                "name": "Offers by SMS",
                "description": "Our offers.",
                "extra_text": "Twice a month.",
            }
        )
        self.assertEqual(default_sms.name, "Offers by SMS")
        for vals in ({"allow_email": True}, {"allow_sms": False}, {"code": "OTHER"}):
            with (
                self.subTest(vals=vals),
                self.assertRaisesRegex(UserError, "cannot be changed"),
            ):
                default_sms.write(vals)
        # Writing the values they already have is harmless (e.g. a form save).
        default_sms.write({"allow_sms": True, "code": "COMMERCIAL_SMS"})

    def test_shipped_default_types(self):
        defaults = {
            "COMMERCIAL_EMAIL": ("allow_mass_mailing", "allow_email"),
            "COMMERCIAL_SMS": ("allow_sms",),
            "COMMERCIAL_PHONE": ("allow_call",),
        }
        channels = (
            "allow_mass_mailing",
            "allow_email",
            "allow_sms",
            "allow_call",
            "allow_post",
        )
        for code, allowed in defaults.items():
            consent_type = self.env["privacy.consent.type"].search(
                [("code", "=", code)]
            )
            self.assertEqual(len(consent_type), 1)
            self.assertEqual(
                {fname for fname in channels if consent_type[fname]}, set(allowed), code
            )

    def test_new_type_gives_every_partner_a_no_answer_line(self):
        archived = self.env["res.partner"].create({"name": "Archived", "active": False})
        new_type = self.env["privacy.consent.type"].create(
            {"name": "Post", "code": "NEW_POST"}
        )
        lines = self.env["privacy.partner.consent"].search(
            [("type_id", "=", new_type.id)]
        )
        partner_count = (
            self.env["res.partner"].with_context(active_test=False).search_count([])
        )
        self.assertEqual(len(lines), partner_count)
        self.assertEqual(set(lines.mapped("state")), {"none"})
        self.assertIn(archived, lines.partner_id)
        self.assertFalse(lines.history_ids)

    def test_reactivated_type_gets_lines_for_partners_created_meanwhile(self):
        self.type_post.active = False
        newcomer = self.env["res.partner"].create({"name": "Newcomer"})
        self.assertFalse(
            self.env["privacy.partner.consent"].search(
                [("partner_id", "=", newcomer.id), ("type_id", "=", self.type_post.id)]
            )
        )
        self.type_post.active = True
        self.assertEqual(self.consent(newcomer, self.type_post).state, "none")

    def test_type_with_recorded_consents_cannot_be_deleted(self):
        self.give(self.partner, self.type_post)
        with self.assertRaisesRegex(UserError, "Archive the consent type instead"):
            self.type_post.unlink()
        unused = self.env["privacy.consent.type"].create(
            {"name": "Unused", "code": "UNUSED"}
        )
        unused.unlink()
        self.assertFalse(unused.exists())
