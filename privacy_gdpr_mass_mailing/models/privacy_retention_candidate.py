from odoo import api, models
from odoo.tools import SQL


class PrivacyRetentionCandidate(models.Model):
    _inherit = "privacy.retention.candidate"

    @api.model
    def _activity_queries(self):
        # A click in a mailing sent to the contact is activity.
        return [
            *super()._activity_queries(),
            SQL(
                "SELECT res_id, links_click_datetime FROM mailing_trace"
                " WHERE model = 'res.partner' AND links_click_datetime IS NOT NULL"
            ),
        ]
