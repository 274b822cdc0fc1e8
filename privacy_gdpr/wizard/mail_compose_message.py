from odoo import api, models


class MailComposeMessage(models.TransientModel):
    """The e-mail composer asks a contact reason for recipients without consent.

    Only in comment mode (one e-mail per document, posted on it): the mass mode
    belongs to mass mailings and their own filter.
    """

    _name = "mail.compose.message"
    _inherit = ["mail.compose.message", "privacy.contact.reason.mixin"]

    def _privacy_channel(self):
        return "email"

    def _privacy_contacts(self):
        self.ensure_one()
        if self.composition_mode != "comment" or not self.model_is_thread:
            return self.env["res.partner"], []
        records = self.env[self.model].browse(self._evaluate_res_ids())
        partners = records._privacy_email_recipients(
            self.partner_ids._origin.ids, self.subtype_id._origin.id
        )
        return partners, []

    @api.depends("composition_mode", "model", "res_ids", "partner_ids", "subtype_id")
    def _compute_privacy_contacts(self):
        return super()._compute_privacy_contacts()

    def _action_send_mail_comment(self, res_ids):
        # The reason reaches the check of each post (mail.thread) in the context.
        return super(
            MailComposeMessage, self.with_context(**self._privacy_reason_context())
        )._action_send_mail_comment(res_ids)

    def action_schedule_message(self, scheduled_date=False):
        # Checked now, while the user can still answer; the reason is kept on the
        # scheduled message for the post.
        self._privacy_check_reason()
        result = False
        for composer in self:
            result = super(
                MailComposeMessage,
                composer.with_context(**composer._privacy_reason_context()),
            ).action_schedule_message(scheduled_date=scheduled_date)
        return result
