from odoo import fields, models


class MailingTrace(models.Model):
    _inherit = "mailing.trace"

    failure_type = fields.Selection(
        selection_add=[("privacy_no_consent", "No valid consent")],
        ondelete={"privacy_no_consent": "set null"},
    )
