from odoo import api, models


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    @api.model
    def _update_foreign_keys(self, src_partners, dst_partner):
        """Merging contacts keeps their consents and history: Odoo would delete
        the source contacts' consent lines (one per contact and type), with
        their history. The contact log and the requests are then moved by Odoo,
        and the old preference links lead to the contact that survives."""
        self.env["privacy.partner.consent"].sudo()._privacy_merge(
            src_partners, dst_partner
        )
        self.env["privacy.partner.alias"].sudo().create(
            [
                {"old_partner_id": partner.id, "partner_id": dst_partner.id}
                for partner in src_partners
            ]
        )
        return super()._update_foreign_keys(src_partners, dst_partner)

    @api.model
    def _update_values(self, src_partners, dst_partner):
        # The last request sent and the last answer received, of any of them.
        partners = (src_partners | dst_partner).sudo()
        dates = {
            fname: max(filter(None, partners.mapped(fname)), default=False)
            for fname in ("privacy_request_date", "privacy_answer_date")
        }
        res = super()._update_values(src_partners, dst_partner)
        dst_partner.sudo().write(dates)
        return res
