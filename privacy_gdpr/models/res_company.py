from odoo import fields, models

# The checks that Settings > Privacy switches on or off, each acting on its channel.
PRIVACY_CHECKS = ("email", "mass_mailing", "call", "sms")


class ResCompany(models.Model):
    _inherit = "res.company"

    privacy_enabled = fields.Boolean(string="Consent management", default=True)
    privacy_check_email = fields.Boolean(
        string="Single e-mails ask for a reason", default=True
    )
    privacy_check_mass_mailing = fields.Boolean(
        string="Mass mailings filter recipients", default=True
    )
    privacy_check_call = fields.Boolean(
        string="Calls and telephony check consent", default=True
    )
    privacy_check_sms = fields.Boolean(string="SMS ask for a reason", default=True)

    def _privacy_check_active(self, check):
        """Whether the consent check ``check`` (see PRIVACY_CHECKS) applies."""
        self.ensure_one()
        if check not in PRIVACY_CHECKS:
            raise ValueError(f"Unknown privacy check: {check!r}")
        return self.privacy_enabled and self[f"privacy_check_{check}"]
