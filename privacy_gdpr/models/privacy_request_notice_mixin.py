from odoo import _, api, fields, models


class PrivacyRequestNoticeMixin(models.AbstractModel):
    """Nudge salespeople on documents (opportunities, quotations) whose customer
    (``partner_id``) was never sent a consent request: a notification when the
    customer is chosen, and a banner with a button on the form."""

    _name = "privacy.request.notice.mixin"
    _description = "Consent Request Notice"

    privacy_request_missing = fields.Boolean(
        string="No consent request sent",
        compute="_compute_privacy_request_missing",
    )
    privacy_request_sendable = fields.Boolean(
        string="Consent request can be sent",
        compute="_compute_privacy_request_missing",
        help="No request was sent yet and the customer has an e-mail address.",
    )

    @api.depends(
        lambda self: (
            ["partner_id", "partner_id.privacy_request_date", "partner_id.email"]
            if "partner_id" in self._fields
            else []
        )
    )
    @api.depends_context("company")
    def _compute_privacy_request_missing(self):
        enabled = self.env.company.privacy_enabled
        for record in self:
            partner = record.partner_id
            record.privacy_request_missing = bool(
                enabled and partner and not partner.privacy_request_date
            )
            record.privacy_request_sendable = bool(
                record.privacy_request_missing and partner.email
            )

    @api.onchange("partner_id")
    def _onchange_partner_id_privacy_request(self):
        if not self.privacy_request_missing:
            return None
        if self.partner_id.email:
            message = _(
                "%(partner)s was never sent a consent request: you can send one "
                "from the banner of this form.",
                partner=self.partner_id.display_name,
            )
        else:
            message = _(
                "%(partner)s was never sent a consent request; add an e-mail "
                "address to the contact to send one.",
                partner=self.partner_id.display_name,
            )
        return {
            "warning": {
                "title": _("No consent request sent"),
                "message": message,
                "type": "notification",
            }
        }

    def action_privacy_send_consent_request(self):
        self.ensure_one()
        return self.partner_id.action_privacy_send_consent_request()
