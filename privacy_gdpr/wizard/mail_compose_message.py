from odoo import api, models


class MailComposeMessage(models.TransientModel):
    """The e-mail composer asks a contact reason for recipients without consent.

    In comment mode (one e-mail per document, posted on it) the post is checked
    (``mail.thread._notify_get_recipients``). In mass mode (*Send email* on a
    list) the recipients without consent are left out, or sent to with a
    reason (``privacy.mass.contact.mixin``); the mailings of Email Marketing,
    which send through ``_action_send_mail``, have their own filter.
    """

    _name = "mail.compose.message"
    _inherit = ["mail.compose.message", "privacy.mass.contact.mixin"]

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

    def _privacy_mass_mode(self):
        return self.composition_mode == "mass_mail" and bool(self.model)

    def _privacy_mass_model(self):
        return self.model

    def _privacy_mass_records(self):
        if self.res_domain:
            return self.env[self.model].search(self._evaluate_res_domain())
        return self.env[self.model].browse(self._evaluate_res_ids())

    def _privacy_mass_targets(self):
        """The partners each document is e-mailed to, as the send computes them:
        the contact itself, else the template's recipients or the document's
        default ones, plus the additional contacts. An address of nobody is the
        document's person (``_privacy_contacted_partners``), else a new contact.
        The customers of documents sent under a contract are not checked.
        """
        records = self._privacy_mass_records()
        extra = self.partner_ids._origin.ids
        if self.model == "res.partner":
            return records, {pid: [pid, *extra] for pid in records.ids}, set()
        if self.template_id:
            recipients = self.template_id._generate_template(
                records.ids,
                {"partner_to", "email_to", "email_cc"},
                find_or_create_partners=False,
            )
        elif self.model_is_thread:
            recipients = records._message_get_default_recipients()
        else:
            recipients = {}
        partner_ids, new_contact_ids = {}, set()
        for record in records:
            values = recipients.get(record.id, {})
            ids = [*values.get("partner_ids", []), *extra]
            if values.get("email_to") or values.get("email_cc"):
                person = self.model_is_thread and record._privacy_contacted_partners()
                if person:
                    ids.extend(person.ids)
                else:
                    new_contact_ids.add(record.id)
            partner_ids[record.id] = ids
        if self.model_is_thread:
            everyone = self.env["res.partner"].browse(
                {pid for ids in partner_ids.values() for pid in ids}
            )
            contract = set(records._privacy_under_contract(everyone).ids)
            if contract:
                partner_ids = {
                    record_id: [pid for pid in ids if pid not in contract]
                    for record_id, ids in partner_ids.items()
                }
        return records, partner_ids, new_contact_ids

    def _privacy_mass_restrict(self, record_ids):
        # Odoo's key for the documents to send to; a domain would win over it.
        self.res_domain = False
        return self.with_context(composer_force_res_ids=record_ids)

    @api.depends(
        "composition_mode",
        "model",
        "res_ids",
        "res_domain",
        "partner_ids",
        "template_id",
    )
    def _compute_privacy_mass(self):
        return super()._compute_privacy_mass()

    def action_send_mail(self):
        actions = []
        for composer in self:
            composer, left_out = composer._privacy_mass_prepare()
            if composer:
                super(MailComposeMessage, composer).action_send_mail()
            if left_out:
                actions.append(left_out)
        return actions[0] if actions else {"type": "ir.actions.act_window_close"}

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
