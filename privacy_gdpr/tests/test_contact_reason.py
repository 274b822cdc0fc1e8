from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import PrivacyCase


@tagged("post_install", "-at_install")
class TestContactReason(PrivacyCase):
    def test_default_reasons_cover_the_legal_bases(self):
        reasons = self.env["privacy.contact.reason"].search([])
        self.assertGreaterEqual(len(reasons), 5)
        self.assertTrue(
            {"contract", "legal_obligation", "legitimate_interests", "vital_interests"}
            <= set(reasons.mapped("legal_basis"))
        )

    def test_duplicate_code_is_refused_with_its_message(self):
        with self.assertRaisesRegex(ValidationError, "“CONTRACT” is already used"):
            self.env["privacy.contact.reason"].create(
                {
                    "name": "Another contract",
                    "code": "CONTRACT",
                    "legal_basis": "contract",
                }
            )

    def test_code_with_a_space_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "use only letters, digits"):
            self.env["privacy.contact.reason"].create(
                {"name": "Support", "code": "AFTER SALES", "legal_basis": "contract"}
            )

    def test_name_is_translatable(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        reason = self.env["privacy.contact.reason"].create(
            {"name": "Support", "code": "SUPPORT", "legal_basis": "contract"}
        )
        reason.with_context(lang="fr_FR").name = "Assistance"
        self.assertEqual(reason.with_context(lang="fr_FR").name, "Assistance")
        self.assertEqual(reason.with_context(lang="en_US").name, "Support")
