from odoo import api, models


class SmsComposer(models.TransientModel):
    """The SMS composer asks a contact reason for recipients without consent.

    Only its buttons go through the check (:meth:`action_send_sms_privacy`):
    ``action_send_sms`` stays Odoo's API for SMS sent by code (automated actions,
    point of sale receipts). The mass mode belongs to SMS campaigns.
    """

    _name = "sms.composer"
    _inherit = ["sms.composer", "privacy.contact.reason.mixin"]

    def _privacy_channel(self):
        return "sms"

    def _privacy_contacts(self):
        """The partners the SMS are posted to: those Odoo finds for the numbers of
        the documents, else the person of the document (the lead rule)."""
        self.ensure_one()
        partners, new_contacts = self.env["res.partner"], []
        records = self._privacy_records()
        recipients = records._sms_get_recipients_info(
            force_field=self.number_field_name
        )
        for record in records:
            partner = (
                recipients[record.id]["partner"] or record._privacy_contacted_partners()
            )
            if partner:
                partners |= partner
            elif name := record._privacy_new_contact_name():
                new_contacts.append(name)
        return partners, new_contacts

    def _privacy_records(self):
        """The documents the SMS are posted on, in comment mode."""
        if self.composition_mode != "comment" or not self.res_model:
            return self.env["mail.thread"]
        records = self._get_records()
        if records is None or not isinstance(records, self.pool["mail.thread"]):
            return self.env["mail.thread"]
        return records

    @api.depends(
        "composition_mode", "res_model", "res_id", "res_ids", "number_field_name"
    )
    def _compute_privacy_contacts(self):
        return super()._compute_privacy_contacts()

    def action_send_sms_privacy(self):
        """Send from the composer: SMS to people without a valid consent need a
        contact reason, and are logged with it."""
        self.ensure_one()
        self._privacy_check_reason()
        if self.privacy_reason_required:
            # The SMS must be posted to the person, so that the log names them.
            for record in self._privacy_records():
                record._privacy_contacted_partners(create=True)
        return self.with_context(**self._privacy_reason_context()).action_send_sms()

    def _action_send_sms_comment(self, records=None):
        messages = super()._action_send_sms_comment(records=records)
        reason, note = self.env["privacy.contact.reason"]._from_context()
        if reason:
            for message in messages:
                message.partner_ids._privacy_record_contact(
                    "sms",
                    reason,
                    note=note,
                    res_model=message.model,
                    res_id=message.res_id,
                    message_id=message.id,
                )
        return messages
