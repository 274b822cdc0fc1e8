from odoo import api, models
from odoo.tools import SQL


class PrivacyRetentionCandidate(models.Model):
    _inherit = "privacy.retention.candidate"

    @api.model
    def _activity_queries(self):
        # A lead (a request of the person, a web form) is activity.
        return [
            *super()._activity_queries(),
            SQL(
                "SELECT partner_id, create_date FROM crm_lead"
                " WHERE partner_id IS NOT NULL"
            ),
        ]

    @api.model
    def _kept_queries(self):
        # An open or won lead keeps its contact; a lost one is archived.
        return [
            *super()._kept_queries(),
            SQL("SELECT partner_id FROM crm_lead WHERE active"),
        ]
