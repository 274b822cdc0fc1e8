from odoo import api, models


class PrivacyWebConsent(models.AbstractModel):
    _inherit = "privacy.web.consent"

    @api.model
    def _form_hint(self, model):
        if model == "mailing.contact":
            return self.env._(
                "Without a ticked box, your address is kept on the list but we "
                "send you nothing."
            )
        return super()._form_hint(model)
