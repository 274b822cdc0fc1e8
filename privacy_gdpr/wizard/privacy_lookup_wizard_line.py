from odoo import api, models


class PrivacyLookupWizardLine(models.TransientModel):
    """Odoo's Privacy Lookup: a contact archived from it, as a person's
    erasure, leaves its suppression entry as a deleted one does (through
    ``res.partner.unlink``); a contact can be anonymised from it too."""

    _inherit = "privacy.lookup.wizard.line"

    @api.onchange("is_active")
    def _onchange_is_active(self):
        archived = self.filtered(
            lambda line: (
                line.res_model == "res.partner" and line.res_id and not line.is_active
            )
        )
        if archived:
            self.env["privacy.suppression"].sudo()._suppress(
                archived.mapped("res_id"), "erasure"
            )
        return super()._onchange_is_active()

    def action_privacy_anonymise(self):
        self.ensure_one()
        partner = self.env["res.partner"].browse(self.res_id)
        partner.action_privacy_anonymise()
        self.execution_details = self.env._(
            "Anonymised %(model)s #%(id)s", model=self.res_model_id.name, id=self.res_id
        )
        self.is_active = False
        return True
