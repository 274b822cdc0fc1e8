from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from odoo.addons.privacy_gdpr.tests.common import PrivacyCase


@tagged("post_install", "-at_install")
class TestInvoiceRetention(PrivacyCase):
    """Invoiced customers are not prospects: a posted customer invoice keeps
    them past the retention limit; a draft one does not."""

    def test_posted_invoices_keep_their_customer(self):
        # The main company: it has the journals an invoice needs.
        company = self.env.company
        self.env["res.company"].search([]).privacy_retention_months = 600
        company.privacy_retention_months = 36
        invoiced, drafted, prospect = self.env["res.partner"].create(
            [
                {"name": name, "company_id": company.id}
                for name in ("Invoiced", "Drafted", "Prospect")
            ]
        )
        Move = self.env["account.move"]
        for partner in (invoiced, drafted):
            move = Move.create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": fields.Date.today(),
                    "invoice_line_ids": [
                        (0, 0, {"name": "Audit", "quantity": 1, "price_unit": 100.0})
                    ],
                }
            )
            if partner == invoiced:
                move.action_post()
        Candidate = self.env["privacy.retention.candidate"]
        with freeze_time(fields.Datetime.now() + relativedelta(months=37)):
            Candidate._cron_retention()
        listed = Candidate.search([("company_id", "=", company.id)]).partner_id
        self.assertEqual(listed & (invoiced | drafted | prospect), drafted | prospect)
