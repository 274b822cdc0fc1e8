from odoo import fields, models


class MailThreadBlacklist(models.AbstractModel):
    _inherit = "mail.thread.blacklist"

    privacy_email_partner_ids = fields.Many2many(
        "res.partner",
        string="Contacts with this e-mail",
        compute="_compute_privacy_email_partner_ids",
        search="_search_privacy_email_partner_ids",
        help="Contacts whose normalised e-mail is this record's: their consents "
        "count for it in e-mail marketing.",
    )

    def _compute_privacy_email_partner_ids(self):
        partners = self._privacy_matching_partners(
            "email_normalized", ["email_normalized"]
        )
        for record in self:
            record.privacy_email_partner_ids = partners[record.id]

    def _search_privacy_email_partner_ids(self, operator, value):
        return self._privacy_search_matching_partners(
            "email_normalized", ["email_normalized"], operator, value
        )
