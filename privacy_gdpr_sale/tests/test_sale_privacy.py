from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user, tagged

from odoo.addons.privacy_gdpr.tests.consent_request_common import PrivacyRequestCase


@tagged("post_install", "-at_install")
class TestSalePrivacy(PrivacyRequestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(
            cls.env,
            login="privacy_sale_salesman",
            groups="sales_team.group_sale_salesman",
        )
        cls.customer_user = new_test_user(
            cls.env, login="privacy_sale_portal", groups="base.group_portal"
        )
        cls.customer = cls.customer_user.partner_id
        cls.customer.write({"name": "Luca Verdi", "email": "luca@example.it"})
        cls.product = cls.env["product.product"].create(
            {"name": "Privacy audit", "list_price": 100.0}
        )

    def new_order(self, partner):
        return self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [(0, 0, {"product_id": self.product.id})],
            }
        )

    def test_bridge_installs_itself(self):
        module = self.env["ir.module.module"].search(
            [("name", "=", "privacy_gdpr_sale")]
        )
        self.assertEqual(module.state, "installed")
        self.assertTrue(module.auto_install)

    def test_notice_on_quotation(self):
        with self.assertLogs("odoo.tests.form.onchange", level="WARNING") as logs:
            form = Form(self.env["sale.order"].with_user(self.salesman))
            form.partner_id = self.customer
        self.assertIn(
            "Luca Verdi was never sent a consent request", "\n".join(logs.output)
        )
        self.assertTrue(form.privacy_request_sendable)
        with form.order_line.new() as line:
            line.product_id = self.product
        order = form.save()
        self.assertTrue(order.privacy_request_missing)
        order.with_user(self.salesman).action_privacy_send_consent_request()
        self.assertEqual(len(self.request_messages(self.customer)), 1)
        self.assertFalse(order.privacy_request_missing)
        with self.assertNoLogs("odoo.tests.form.onchange", level="WARNING"):
            form = Form(self.env["sale.order"].with_user(self.salesman))
            form.partner_id = self.customer
        arch = self.env["sale.order"].get_view(
            self.env.ref("sale.view_order_form").id, "form"
        )["arch"]
        self.assertIn("o_privacy_request_notice", arch)

    def test_printed_order_shows_preferences(self):
        self.give(self.customer, self.type_newsletter)
        self.env["privacy.partner.consent"].create(
            {
                "partner_id": self.customer.id,
                "type_id": self.type_sms.id,
                "state": "refused",
            }
        )
        order = self.new_order(self.customer)
        html = str(
            self.env["ir.actions.report"]
            .with_user(self.salesman)
            ._render_qweb_html("sale.action_report_saleorder", order.ids)[0]
        )
        self.assertIn("Your contact preferences", html)
        self.assertIn(f"{self.type_newsletter.name}</span>: <span>Given", html)
        self.assertIn(f"{self.type_sms.name}</span>: <span>Refused", html)
        self.assertIn(f"{self.type_post.name}</span>: <span>No answer (refused)", html)

        # The portal customer reads its preferences through the order only.
        with self.assertRaises(AccessError):
            self.env["privacy.partner.consent"].with_user(self.customer_user).search(
                [("partner_id", "=", self.customer.id)]
            )
        order.message_subscribe(self.customer.ids)  # as when the quotation is sent
        consents = order.with_user(self.customer_user)._privacy_report_consents()
        self.assertIn("given", consents.mapped("state"))

        self.env.company.privacy_enabled = False
        html = str(
            self.env["ir.actions.report"]._render_qweb_html(
                "sale.action_report_saleorder", order.ids
            )[0]
        )
        self.assertNotIn("Your contact preferences", html)
