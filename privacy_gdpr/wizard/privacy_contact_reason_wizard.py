from markupsafe import Markup

from odoo import _, api, fields, models, tools
from odoo.exceptions import UserError
from odoo.tools.misc import clean_context

from ..channels import LOGGED_CHANNELS


class PrivacyContactReasonWizard(models.TransientModel):
    """The dialog that asks why people without a valid consent are contacted.

    One dialog for every channel. The web client asks
    :meth:`privacy_contact_check` before contacting; when a reason is needed it
    opens this dialog, whose confirmation gives the reason back to the client.
    E-mails and SMS then carry it to the server, which checks and logs it with
    the message; a call is logged here, since the web client only dials it.
    "Log a call" records a call made outside Odoo the same way.
    """

    _name = "privacy.contact.reason.wizard"
    _inherit = ["privacy.contact.reason.mixin"]
    _description = "Contact Reason Dialog"

    channel = fields.Selection(LOGGED_CHANNELS, required=True, readonly=True)
    purpose = fields.Selection(
        [("contact", "Contact"), ("log_call", "Log a call")],
        required=True,
        default="contact",
        readonly=True,
    )
    res_model = fields.Char(string="Document model", required=True, readonly=True)
    res_id = fields.Many2oneReference(
        string="Document", model_field="res_model", required=True, readonly=True
    )
    # What the client is about to do: recipients given to an e-mail and new
    # addresses (one a line), whether it is a note; the number called.
    partner_ids = fields.Many2many("res.partner", string="Recipients", readonly=True)
    emails = fields.Text(readonly=True)
    is_note = fields.Boolean(readonly=True)
    phone_number = fields.Char(string="Number")
    privacy_register_warning = fields.Char(
        string="Opposition register",
        compute="_compute_privacy_register_warning",
        help="Calling an Italian number while the answer of the opposition "
        "register is missing or stale.",
    )

    @api.model
    def default_get(self, fields_list):
        # "Log a call" is bound to documents (contacts, leads): the active one.
        context = self.env.context
        result = super().default_get(fields_list)
        if (
            result.get("purpose") == "log_call"
            and not result.get("res_model")
            and context.get("active_model")
        ):
            result["res_model"] = context["active_model"]
            result["res_id"] = context.get("active_id")
        if result.get("res_model") and "phone_number" in fields_list:
            result.setdefault("phone_number", self._default_phone_number(result))
        return result

    @api.model
    def _default_phone_number(self, values):
        record = self._document(values["res_model"], values.get("res_id"))
        numbers = [
            record[fname]
            for fname in record._phone_get_number_fields()
            if fname in record._fields
        ]
        return next(filter(None, numbers), False)

    @api.model
    def privacy_contact_check(
        self,
        channel,
        res_model,
        res_id,
        partner_ids=(),
        emails=(),
        is_note=False,
        phone_number=False,
    ):
        """Before contacting people about a document, as the web client does.

        :param channel: "email", "sms" or "call"
        :param partner_ids: for an e-mail, the partners it is posted to
        :param emails: for an e-mail, addresses that are not contacts yet
        :param is_note: for an e-mail, whether it is an internal note
        :param phone_number: for a call, the number called
        :return: False when nobody needs a contact reason, else the action that
            opens the dialog asking it
        """
        if channel not in dict(LOGGED_CHANNELS):
            raise UserError(_("Unknown contact channel: %(channel)s", channel=channel))
        values = {
            "channel": channel,
            "res_model": res_model,
            "res_id": res_id,
            "partner_ids": [fields.Command.set(partner_ids)],
            "emails": "\n".join(emails),
            "is_note": is_note,
            "phone_number": phone_number,
        }
        if not self.new(values).privacy_reason_required:
            return False
        return self.create(values)._action_open()

    def _action_open(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Contact reason"),
            "res_model": self._name,
            "res_id": self.id,
            "views": [(False, "form")],
            "target": "new",
        }

    @api.model
    def _document(self, res_model, res_id):
        """The document of the contact, once checked the user may read it."""
        if res_model not in self.env:
            raise UserError(_("Unknown document model: %(model)s", model=res_model))
        record = self.env[res_model].browse(res_id).exists()
        if len(record) != 1:
            raise UserError(_("The document of this contact does not exist."))
        record.check_access("read")
        return record

    def _privacy_channel(self):
        return self.channel

    def _privacy_contacts(self):
        self.ensure_one()
        Partner = self.env["res.partner"]
        record = self._document(self.res_model, self.res_id)
        if not isinstance(record, self.pool["mail.thread"]):
            return Partner, []
        if self.channel != "email":
            partners = record._privacy_contacted_partners()
            name = not partners and record._privacy_new_contact_name()
            return partners, [name] if name else []
        subtype = self.env.ref("mail.mt_note" if self.is_note else "mail.mt_comment")
        partners = record._privacy_email_recipients(
            self.partner_ids._origin.ids, subtype.id
        )
        emails = {
            email: tools.email_normalize(email)
            for email in (self.emails or "").splitlines()
            if email.strip()
        }
        known = Partner.search(
            [("email_normalized", "in", [e for e in emails.values() if e])]
        )
        known_emails = set(known.mapped("email_normalized"))
        new_emails = [
            email
            for email, normalized in emails.items()
            if not normalized or normalized not in known_emails
        ]
        return partners | known, new_emails

    @api.depends("channel", "res_model", "res_id", "partner_ids", "emails", "is_note")
    def _compute_privacy_contacts(self):
        return super()._compute_privacy_contacts()

    @api.depends("channel", "res_model", "res_id", "phone_number")
    def _compute_privacy_register_warning(self):
        Entry = self.env["privacy.opposition.register.entry"]
        for wizard in self:
            wizard.privacy_register_warning = (
                wizard.channel == "call"
                and Entry._calls_register_numbers(wizard._called_numbers())
                and Entry._stale_warning()
            )

    def _called_numbers(self):
        """The E.164 numbers of the call: the number dialled, read in the
        country of the person called, else the numbers of the people called."""
        self.ensure_one()
        partners = self._privacy_contacts()[0]
        if self.phone_number:
            country = partners[:1].country_id or None
            return [self.env["privacy.telephony"]._e164(self.phone_number, country)]
        return partners.mapped("privacy_phone_e164") + partners.mapped(
            "privacy_mobile_e164"
        )

    def action_confirm(self):
        """Confirm the contact: check the reason, log a call, and give the reason
        back to the client (``infos.privacy_contact``), which goes on."""
        self.ensure_one()
        # The defaults that opened the dialog must not reach what it creates.
        wizard = self.with_env(self.env(context=clean_context(self.env.context)))
        wizard._privacy_check_reason()
        if wizard.channel == "call":
            wizard._record_call()
        return {
            "type": "ir.actions.act_window_close",
            "infos": {"privacy_contact": wizard._privacy_reason_context()},
        }

    def _record_call(self):
        record = self._document(self.res_model, self.res_id)
        message = self.env["mail.message"]
        if self.purpose == "log_call":
            message = record.message_post(
                body=self._call_summary(),
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
        partners = record._privacy_contacted_partners(
            create=self.privacy_reason_required
        )
        partners._privacy_record_contact(
            "call",
            self.privacy_contact_reason_id,
            note=self.privacy_contact_note,
            res_model=record._name,
            res_id=record.id,
            message_id=message.id,
            phone_number=self.phone_number,
        )

    def _call_summary(self):
        summary = Markup("<p>%s</p>") % (
            _("Call to %(number)s", number=self.phone_number)
            if self.phone_number
            else _("Call")
        )
        if self.privacy_contact_note:
            summary += Markup("<p>%s</p>") % self.privacy_contact_note
        return summary
