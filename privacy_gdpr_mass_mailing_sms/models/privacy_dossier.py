from odoo import api, models


class PrivacyDossier(models.AbstractModel):
    _inherit = "privacy.dossier"

    @api.model
    def _dossier_trace_domain(self, partner):
        """SMS sent to the person's numbers too, whoever the recipient record."""
        domain = super()._dossier_trace_domain(partner)
        numbers = [
            number
            for number in (partner.privacy_mobile_e164, partner.privacy_phone_e164)
            if number
        ]
        if numbers:
            domain = ["|", ("sms_number", "in", numbers), *domain]
        return domain

    @api.model
    def _dossier_trace_fields(self):
        return (*super()._dossier_trace_fields(), "sms_number")
