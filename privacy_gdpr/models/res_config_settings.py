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
    privacy_request_validity_days = fields.Integer(
        related="company_id.privacy_request_validity_days", readonly=False
    )
    privacy_renewal_enabled = fields.Boolean(
        related="company_id.privacy_renewal_enabled", readonly=False
    )
    privacy_renewal_days = fields.Integer(
        related="company_id.privacy_renewal_days", readonly=False
    )

    def action_privacy_open_request_templates(self):
        """The e-mail templates of consent requests, to edit their wording."""
        templates = self.env["mail.template"]
        for xmlid in (
            "privacy_gdpr.mail_template_consent_request",
            "privacy_gdpr.mail_template_consent_renewal",
            "privacy_gdpr.mail_template_consent_confirm",
        ):
            templates |= self.env.ref(xmlid, raise_if_not_found=False) or templates
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Consent request e-mail templates"),
            "res_model": "mail.template",
            "view_mode": "list,form",
            "domain": [("id", "in", templates.ids)],
        }
