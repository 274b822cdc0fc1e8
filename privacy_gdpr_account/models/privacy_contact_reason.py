from odoo import api, models


class PrivacyContactReason(models.Model):
    _inherit = "privacy.contact.reason"

    @api.model
    def _recent_customer_domains(self, since):
        """A posted customer invoice of the current company dated since
        ``since`` makes a customer recent."""
        return super()._recent_customer_domains(since) + [
            [
                (
                    "invoice_ids",
                    "any",
                    [
                        ("move_type", "=", "out_invoice"),
                        ("state", "=", "posted"),
                        ("invoice_date", ">=", since),
                        ("company_id", "=", self.env.company.id),
                    ],
                )
            ]
        ]
