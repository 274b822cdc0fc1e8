from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import freeze_time, tagged

from odoo.addons.privacy_gdpr.tests.suppression_common import SuppressionMixin

from .common import PrivacyLeadCase


@tagged("post_install", "-at_install")
class TestLeadSuppression(SuppressionMixin, PrivacyLeadCase):
    """Leads and the suppression list of erased contacts, and the open leads
    that keep a contact past the retention limit."""

    def test_a_lead_with_an_erased_address_is_marked(self):
        erased = self.env["res.partner"].create(
            {"name": "Hélène", "email": "helene@example.fr", "mobile": "+33612345678"}
        )
        erased.unlink()
        by_email, by_number, other = self.env["crm.lead"].create(
            [
                {"name": "Form", "email_from": "Hélène <HELENE@example.fr>"},
                {"name": "Call", "phone": "+33 6 12 34 56 78"},
                {"name": "Other", "email_from": "someone@example.org"},
            ]
        )
        self.assertTrue(by_email.privacy_suppressed)
        self.assertTrue(by_number.privacy_suppressed)
        self.assertFalse(other.privacy_suppressed)
        other.email_from = "helene@example.fr"
        self.assertTrue(other.privacy_suppressed)
        # Its contact, created from it, objects.
        by_email._handle_partner_assignment(create_missing=True)
        self.assertEqual(
            set(by_email.partner_id.privacy_consent_ids.mapped("state")), {"refused"}
        )

    def test_an_open_lead_keeps_its_contact(self):
        company = self.env["res.company"].create({"name": "Maison Durand"})
        self.env["res.company"].search([]).privacy_retention_months = 600
        company.privacy_retention_months = 36
        with_lead, lost = self.env["res.partner"].create(
            [{"name": name, "company_id": company.id} for name in ("Open", "Lost")]
        )
        Lead = self.env["crm.lead"].with_company(company)
        Lead.create(
            {"name": "Open", "partner_id": with_lead.id, "company_id": company.id}
        )
        Lead.create(
            {"name": "Lost", "partner_id": lost.id, "company_id": company.id}
        ).action_archive()
        Candidate = self.env["privacy.retention.candidate"]
        with freeze_time(fields.Datetime.now() + relativedelta(months=37)):
            Candidate._cron_retention()
        self.assertEqual(
            Candidate.search([("company_id", "=", company.id)]).partner_id, lost
        )
