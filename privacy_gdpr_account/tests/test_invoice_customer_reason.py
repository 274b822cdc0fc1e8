from dateutil.relativedelta import relativedelta

from odoo.tests import tagged

from odoo.addons.privacy_gdpr.exceptions import PrivacyReasonRefused
from odoo.addons.privacy_gdpr.tests.reason_common import CustomerReasonCase


@tagged("post_install", "-at_install")
class TestInvoiceCustomerReason(CustomerReasonCase):
    """*Existing customer*: a posted customer invoice within the months of
    Settings > Privacy makes its customer (and the contacts of its company)
    recent customers; nothing else does."""

    def invoice(self, partner, move_type="out_invoice", post=True, months_ago=0):
        move = self.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "invoice_date": self.today - relativedelta(months=months_ago),
                "invoice_line_ids": [
                    (0, 0, {"name": "Audit", "quantity": 1, "price_unit": 100.0})
                ],
            }
        )
        if post:
            move.action_post()
        return move

    def test_bridge_installs_itself(self):
        module = self.env["ir.module.module"].search(
            [("name", "=", "privacy_gdpr_account")]
        )
        self.assertEqual(module.state, "installed")
        self.assertTrue(module.auto_install)

    def test_posted_customer_invoice_makes_a_recent_customer(self):
        self.assertFalse(self.usable(self.buyer))
        self.invoice(self.company)
        self.assertEqual(self.usable(self.buyer | self.partner), self.buyer)
        self.customer_reason._check_usable_for(self.buyer, "sms")

    def test_other_documents_do_not_count(self):
        self.invoice(self.company, post=False)
        self.invoice(self.company, move_type="out_refund")
        self.invoice(self.company, move_type="in_invoice")
        self.invoice(self.company, months_ago=37)
        with self.assertRaisesRegex(PrivacyReasonRefused, "posted customer invoice"):
            self.customer_reason._check_usable_for(self.buyer, "email")
        self.env.company.privacy_customer_months = 40
        self.assertEqual(self.usable(self.buyer), self.buyer)

    def test_never_after_an_objection(self):
        self.invoice(self.company)
        self.record(self.buyer, self.type_call, state="refused")
        self.assertFalse(self.usable(self.buyer, "call"))
        self.assertEqual(self.usable(self.buyer, "email"), self.buyer)
