from odoo.tests import tagged

from .test_lead_web_consents import LeadWebFormCase


@tagged("post_install", "-at_install")
class TestLeadAnonymisation(LeadWebFormCase):
    """Anonymising a contact empties the copies of its identity that leads
    keep: its own leads, and those sent with its address before it existed."""

    _IDENTITY = ("contact_name", "email_from", "phone", "mobile", "street", "city")

    def test_the_leads_lose_the_identity(self):
        person = self.env["res.partner"].create(
            {"name": "Lucie Martin", "email": "lucie@example.fr"}
        )
        by_form = self.web_lead()
        own, other = self.env["crm.lead"].create(
            [
                {
                    "name": "Her project",
                    "partner_id": person.id,
                    "phone": "+33 6 12 34 56 78",
                    "street": "1 rue de la Paix",
                    "city": "Paris",
                },
                {
                    "name": "Someone else",
                    "contact_name": "Jean Petit",
                    "email_from": "jean@example.fr",
                    "phone": "+33 6 98 76 54 32",
                },
            ]
        )
        by_form.partner_id = False
        self.assertTrue(all(by_form.privacy_web_consent_ids.mapped("proof_ip")))
        person.with_user(self.user_manager).action_privacy_anonymise()
        for lead in by_form | own:
            self.assertFalse(
                [lead[fname] for fname in self._IDENTITY if lead[fname]], lead.name
            )
        self.assertEqual(own.partner_id, person)
        self.assertEqual(own.name, "Her project")
        consents = by_form.privacy_web_consent_ids
        self.assertEqual(len(consents), 2)
        self.assertFalse(any(consents.mapped("email")))
        self.assertFalse(any(consents.mapped("proof_ip")))
        self.assertFalse(any(consents.mapped("proof_user_agent")))
        self.assertEqual(other.contact_name, "Jean Petit")
        self.assertEqual(other.email_from, "jean@example.fr")
        self.assertEqual(other.phone, "+33 6 98 76 54 32")
