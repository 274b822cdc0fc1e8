from odoo import api, fields, models


class PrivacyPartnerAlias(models.Model):
    """A contact merged into another one (Odoo's merge wizard): the links it
    was sent (the preference link of marketing e-mails) lead to the contact
    that survived."""

    _name = "privacy.partner.alias"
    _description = "Merged Contact"

    old_partner_id = fields.Integer(
        string="Merged contact id", required=True, index=True
    )
    partner_id = fields.Many2one(
        "res.partner", string="Merged into", required=True, ondelete="cascade"
    )

    @api.model
    def _resolve(self, partner_id):
        """The contact that ``partner_id`` (deleted by a merge) became, as
        superuser; empty when it was not merged."""
        alias = self.sudo().search([("old_partner_id", "=", partner_id)], limit=1)
        return alias.partner_id
