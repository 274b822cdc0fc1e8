from odoo import api, models

# The composer's fields that decide who is texted, hence who lacks a consent.
RECIPIENT_FIELDS = (
    "composition_mode",
    "res_model",
    "res_id",
    "res_ids",
    "number_field_name",
)


class SmsComposer(models.TransientModel):
    """The SMS composer asks a contact reason for recipients without consent.

    Single and comment mode: only its buttons go through the check
    (:meth:`action_send_sms_privacy`); ``action_send_sms`` stays Odoo's API for
    SMS sent by code (automated actions, point of sale receipts). Mass mode
    (*Send SMS* on a list): ``action_send_sms`` leaves out the recipients without
    consent, or sends to them with a reason (``privacy.mass.contact.mixin``);
    SMS mailings send through ``_action_send_sms`` and have their own filter.
    """

    _name = "sms.composer"
    _inherit = ["sms.composer", "privacy.mass.contact.mixin"]

    def _privacy_channel(self):
        return "sms"

    def _privacy_contacts(self):
        """The partners the SMS are posted to: those Odoo finds for the numbers of
        the documents, else the person of the document (the lead rule)."""
        self.ensure_one()
        partners, new_contacts = self.env["res.partner"], []
        records = self._privacy_records()
        people = self._privacy_record_people(records)
        for record in records:
            partner = people[record.id]
            if partner:
                partners |= partner
            elif name := record._privacy_new_contact_name():
                new_contacts.append(name)
        return partners, new_contacts

    def _privacy_record_people(self, records):
        """The partner each of ``records`` is texted to: the one Odoo finds for
        its number, else the person of the document (the lead rule).

        :return: ``{record_id: partner}``, an empty partner for nobody
        """
        recipients = records._sms_get_recipients_info(
            force_field=self.number_field_name
        )
        return {
            record.id: recipients[record.id]["partner"]
            or record._privacy_contacted_partners()
            for record in records
        }

    def _privacy_records(self):
        """The documents the SMS are posted on, in comment mode."""
        if self.composition_mode != "comment" or not self.res_model:
            return self.env["mail.thread"]
        records = self._get_records()
        if records is None or not isinstance(records, self.pool["mail.thread"]):
            return self.env["mail.thread"]
        return records

    @api.depends(*RECIPIENT_FIELDS)
    def _compute_privacy_contacts(self):
        return super()._compute_privacy_contacts()

    def _privacy_mass_mode(self):
        return self.composition_mode == "mass" and bool(self.res_model)

    def _privacy_mass_model(self):
        return self.res_model

    def _privacy_mass_targets(self):
        """The partner each document is texted to; the contacts are their own.
        A document whose number is of nobody is a new contact."""
        records = self._get_records()
        if self.res_model == "res.partner":
            return records, {pid: [pid] for pid in records.ids}, set()
        if not isinstance(records, self.pool["mail.thread"]):
            return records, {}, set(records.ids)
        people = self._privacy_record_people(records)
        return (
            records,
            {record_id: person.ids for record_id, person in people.items()},
            {record_id for record_id, person in people.items() if not person},
        )

    def _privacy_mass_restrict(self, record_ids):
        self.res_ids = repr(record_ids)
        return self

    @api.depends(*RECIPIENT_FIELDS)
    def _compute_privacy_mass(self):
        return super()._compute_privacy_mass()

    def action_send_sms(self):
        if not self._privacy_mass_mode():
            return super().action_send_sms()
        composer, left_out = self._privacy_mass_prepare()
        result = super(SmsComposer, composer).action_send_sms() if composer else False
        return left_out or result

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
