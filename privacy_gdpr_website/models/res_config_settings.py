from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    privacy_signup_consent_type_ids = fields.Many2many(
        related="website_id.privacy_signup_consent_type_ids", readonly=False
    )
