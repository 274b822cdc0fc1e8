from odoo import fields, models


class PrivacyConsentHistory(models.Model):
    _inherit = "privacy.consent.history"

    mailing_id = fields.Many2one(
        "mailing.mailing",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="The mailing whose unsubscribe link recorded this withdrawal.",
    )
