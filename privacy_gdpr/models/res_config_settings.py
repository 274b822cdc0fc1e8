from odoo import fields, models


def company_setting(fname, field_type=fields.Boolean):
    """A setting that shows and changes the current company's field ``fname``."""
    return field_type(related=f"company_id.{fname}", readonly=False)


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    privacy_enabled = company_setting("privacy_enabled")
    privacy_check_email = company_setting("privacy_check_email")
    privacy_check_mass_mailing = company_setting("privacy_check_mass_mailing")
    privacy_check_call = company_setting("privacy_check_call")
    privacy_check_sms = company_setting("privacy_check_sms")
    privacy_contract_models = company_setting("privacy_contract_models", fields.Char)
    privacy_request_validity_days = company_setting(
        "privacy_request_validity_days", fields.Integer
    )
    privacy_renewal_enabled = company_setting("privacy_renewal_enabled")
    privacy_renewal_days = company_setting("privacy_renewal_days", fields.Integer)
    privacy_preferences_link_days = company_setting(
        "privacy_preferences_link_days", fields.Integer
    )
    privacy_customer_months = company_setting("privacy_customer_months", fields.Integer)
    privacy_controller_identity = company_setting(
        "privacy_controller_identity", fields.Text
    )
    privacy_policy_url = company_setting("privacy_policy_url", fields.Char)
    privacy_dpo_contact = company_setting("privacy_dpo_contact", fields.Char)
    privacy_retention_months = company_setting(
        "privacy_retention_months", fields.Integer
    )
    privacy_retention_auto = company_setting("privacy_retention_auto")
    privacy_retention_notice = company_setting("privacy_retention_notice")
    privacy_evidence_months = company_setting("privacy_evidence_months", fields.Integer)
    privacy_opposition_import_date = fields.Datetime(
        string="Opposition register imported on",
        compute="_compute_privacy_opposition_import_date",
    )

    def _compute_privacy_opposition_import_date(self):
        self.privacy_opposition_import_date = self.env[
            "privacy.opposition.register.entry"
        ]._last_import_date()

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

    def action_privacy_open_retention(self):
        """The contacts past the retention limit, listed now."""
        return self.env["privacy.retention.candidate"].action_open_report()
