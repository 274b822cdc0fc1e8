from odoo import api, fields, models


class MailScheduledMessage(models.Model):
    _inherit = "mail.scheduled.message"

    # The reason given in the composer when scheduling: the message is posted later
    # by a cron, outside the request that carried it.
    privacy_contact_reason_id = fields.Many2one(
        "privacy.contact.reason",
        string="Contact reason",
        readonly=True,
        ondelete="restrict",
    )
    privacy_contact_note = fields.Text(string="Contact note", readonly=True)

    @api.model_create_multi
    def create(self, vals_list):
        reason, note = self.env["privacy.contact.reason"]._from_context()
        if reason:
            vals_list = [
                {
                    "privacy_contact_reason_id": reason.id,
                    "privacy_contact_note": note,
                    **vals,
                }
                for vals in vals_list
            ]
        return super().create(vals_list)

    def _post_message(self, raise_exception=True):
        with_reason = self.filtered("privacy_contact_reason_id")
        for scheduled in with_reason:
            super(
                MailScheduledMessage,
                scheduled.with_context(
                    privacy_contact_reason_id=scheduled.privacy_contact_reason_id.id,
                    privacy_contact_note=scheduled.privacy_contact_note,
                ),
            )._post_message(raise_exception=raise_exception)
        return super(MailScheduledMessage, self - with_reason)._post_message(
            raise_exception=raise_exception
        )
