from odoo import api, models
from odoo.exceptions import AccessError


class PrivacyConsentType(models.Model):
    _inherit = "privacy.consent.type"

    @api.model
    def get_web_form_models(self):
        """The models a website form may create that can hold consents: the
        website editor offers consent boxes on the forms of these models."""
        if not self.env.user.has_group("website.group_website_restricted_editor"):
            raise AccessError(self.env._("Only website editors may ask this."))
        return self.env["privacy.web.consent"]._form_models()
