from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    privacy_enabled = fields.Boolean(
        related="company_id.privacy_enabled", readonly=False
    )
    privacy_check_email = fields.Boolean(
        related="company_id.privacy_check_email", readonly=False
    )
    privacy_check_mass_mailing = fields.Boolean(
        related="company_id.privacy_check_mass_mailing", readonly=False
    )
    privacy_check_call = fields.Boolean(
        related="company_id.privacy_check_call", readonly=False
    )
    privacy_check_sms = fields.Boolean(
        related="company_id.privacy_check_sms", readonly=False
    )
    privacy_contract_models = fields.Char(
        related="company_id.privacy_contract_models", readonly=False
    )
