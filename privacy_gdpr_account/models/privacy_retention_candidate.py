from odoo import api, models
from odoo.tools import SQL


class PrivacyRetentionCandidate(models.Model):
    _inherit = "privacy.retention.candidate"

    @api.model
    def _kept_queries(self):
        # A posted customer invoice or credit note keeps its customer: a
        # contract and the accounting records it needs, not prospecting.
        return [
            *super()._kept_queries(),
            SQL(
                "SELECT partner_id FROM account_move"
                " WHERE move_type IN ('out_invoice', 'out_refund')"
                " AND state = 'posted'"
            ),
        ]
