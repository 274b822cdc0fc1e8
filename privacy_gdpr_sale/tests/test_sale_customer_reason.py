from dateutil.relativedelta import relativedelta

from odoo.tests import tagged

from odoo.addons.privacy_gdpr.exceptions import PrivacyReasonRefused
from odoo.addons.privacy_gdpr.tests.reason_common import CustomerReasonCase


@tagged("post_install", "-at_install")
class TestSaleCustomerReason(CustomerReasonCase):
    """*Existing customer* (ePrivacy art. 13(2)): usable for people whose
    company or themselves confirmed an order within the months of Settings >
    Privacy, and never after they objected."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls.env["product.product"].create(
            {"name": "Privacy audit", "list_price": 100.0}
        )
        cls.Wizard = cls.env["privacy.contact.reason.wizard"].with_user(cls.user_sales)

    def order(self, partner, confirm=True, months_ago=0):
        order = self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [(0, 0, {"product_id": self.product.id})],
            }
        )
        if confirm:
            order.action_confirm()
        if months_ago:
            order.date_order = order.date_order - relativedelta(
                months=months_ago, days=1
            )
        return order

    def test_without_order_the_reason_is_refused(self):
        self.order(self.buyer, confirm=False)  # a quotation is no sale
        self.assertFalse(self.usable(self.buyer | self.company))
        with self.assertRaisesRegex(PrivacyReasonRefused, "no confirmed order"):
            self.customer_reason._check_usable_for(self.buyer, "email")

    def test_a_confirmed_order_of_the_company_counts_for_its_contacts(self):
        self.order(self.buyer)
        people = self.buyer | self.colleague | self.company | self.partner
        self.assertEqual(
            self.usable(people), self.buyer | self.colleague | self.company
        )
        wizard = self.Wizard.browse(
            self.Wizard.privacy_contact_check(
                "email",
                "res.partner",
                self.colleague.id,
                partner_ids=self.colleague.ids,
            )["res_id"]
        )
        self.assertIn(self.customer_reason, wizard.privacy_allowed_reason_ids)
        wizard.privacy_contact_reason_id = self.customer_reason
        wizard.action_confirm()

    def test_orders_older_than_the_setting_do_not_count(self):
        self.order(self.buyer, months_ago=36)
        self.assertFalse(self.usable(self.buyer))
        self.env.company.privacy_customer_months = 48
        self.assertEqual(self.usable(self.buyer), self.buyer)

    def test_never_after_an_objection(self):
        self.order(self.buyer)
        self.record(self.buyer, self.type_email, state="withdrawn")
        self.assertFalse(self.usable(self.buyer))
        self.assertEqual(self.usable(self.buyer, "call"), self.buyer)
        with self.assertRaisesRegex(PrivacyReasonRefused, "objected"):
            self.customer_reason._check_usable_for(self.buyer, "email")
