from odoo import models


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "privacy.request.notice.mixin"]

    def _privacy_report_consents(self):
        """The customer's consents as recorded, for the printed order.

        As superuser: salespeople and portal customers print orders without
        rights on consents. In the customer's language, like the document.
        """
        self.ensure_one()
        if not self.company_id.privacy_enabled or not self.partner_id:
            return self.env["privacy.partner.consent"]
        return (
            self.env["privacy.partner.consent"]
            .sudo()
            .with_context(lang=self.partner_id.lang)
            .search(
                [
                    ("partner_id", "=", self.partner_id.id),
                    ("type_id.active", "=", True),
                    ("type_id.company_id", "in", [False, self.company_id.id]),
                ],
                order="id",
            )
            .sorted(lambda consent: (consent.type_id.sequence, consent.type_id.id))
        )
