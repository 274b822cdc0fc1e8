from odoo import api, models
from odoo.tools import SQL


class PrivacyRetentionCandidate(models.Model):
    _inherit = "privacy.retention.candidate"

    @api.model
    def _activity_queries(self):
        # A quotation sent or signed is activity; a confirmed order keeps
        # the customer (a contract, not prospecting).
        return [
            *super()._activity_queries(),
            SQL("SELECT partner_id, GREATEST(date_order, signed_on) FROM sale_order"),
        ]

    @api.model
    def _kept_queries(self):
        return [
            *super()._kept_queries(),
            SQL("SELECT partner_id FROM sale_order WHERE state = 'sale'"),
        ]
