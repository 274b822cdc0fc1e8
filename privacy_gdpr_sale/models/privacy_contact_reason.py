from odoo import api, models


class PrivacyContactReason(models.Model):
    _inherit = "privacy.contact.reason"

    @api.model
    def _recent_customer_domains(self, since):
        """A confirmed sales order of the current company since ``since``
        makes a customer recent."""
        return super()._recent_customer_domains(since) + [
            [
                (
                    "sale_order_ids",
                    "any",
                    [
                        ("state", "=", "sale"),
                        ("date_order", ">=", since),
                        ("company_id", "=", self.env.company.id),
                    ],
                )
            ]
        ]
