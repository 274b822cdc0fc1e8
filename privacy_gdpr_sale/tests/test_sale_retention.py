from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import freeze_time, tagged

from odoo.addons.privacy_gdpr.tests.common import PrivacyCase


@tagged("post_install", "-at_install")
class TestSaleRetention(PrivacyCase):
    """Customers are not prospects: an order keeps them past the retention
    limit, a quotation is activity."""

    def test_orders_keep_and_quotations_count(self):
        company = self.env["res.company"].create({"name": "Maison Durand"})
        self.env["res.company"].search([]).privacy_retention_months = 600
        company.privacy_retention_months = 36
        customer, quoted, prospect = self.env["res.partner"].create(
            [
                {"name": name, "company_id": company.id}
                for name in ("Customer", "Quoted", "Prospect")
            ]
        )
        product = self.env["product.product"].create({"name": "Audit"})
        Order = self.env["sale.order"].with_company(company)
        order = Order.create(
            {
                "partner_id": customer.id,
                "order_line": [(0, 0, {"product_id": product.id})],
            }
        )
        order.action_confirm()
        now = fields.Datetime.now()
        with freeze_time(now + relativedelta(months=20)):
            Order.create({"partner_id": quoted.id, "date_order": fields.Datetime.now()})
        Candidate = self.env["privacy.retention.candidate"]
        with freeze_time(now + relativedelta(months=37)):
            Candidate._cron_retention()
        listed = Candidate.search([("company_id", "=", company.id)]).partner_id
        self.assertEqual(listed, prospect)
        with freeze_time(now + relativedelta(months=57)):
            Candidate._cron_retention()
        listed = Candidate.search([("company_id", "=", company.id)]).partner_id
        self.assertEqual(listed, prospect | quoted)
