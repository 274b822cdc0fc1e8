from odoo import fields, models

# The partner's numbers in E.164, stored and indexed, as phone_sanitized is.
PARTNER_NUMBER_FIELDS = ["privacy_mobile_e164", "privacy_phone_e164"]


class MailThreadPhone(models.AbstractModel):
    _inherit = "mail.thread.phone"

    privacy_phone_partner_ids = fields.Many2many(
        "res.partner",
        string="Contacts with this number",
        compute="_compute_privacy_phone_partner_ids",
        search="_search_privacy_phone_partner_ids",
        help="Contacts whose phone or mobile is this record's sanitised number: "
        "their consents count for it in SMS marketing.",
    )

    def _compute_privacy_phone_partner_ids(self):
        partners = self._privacy_matching_partners(
            "phone_sanitized", PARTNER_NUMBER_FIELDS
        )
        for record in self:
            record.privacy_phone_partner_ids = partners[record.id]

    def _search_privacy_phone_partner_ids(self, operator, value):
        return self._privacy_search_matching_partners(
            "phone_sanitized", PARTNER_NUMBER_FIELDS, operator, value
        )
