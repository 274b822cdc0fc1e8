from odoo import SUPERUSER_ID, api, models


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    def _notify_get_recipients(self, message, msg_vals, **kwargs):
        """E-mails written by a user to people without a valid consent need a
        contact reason, given in the context (see ``privacy.contact.reason``
        ``_from_context``), and are logged with it; without one nothing is sent.

        Every message that notifies goes through here once, with its real
        recipients (the partners given and the followers of the subtype), before
        any e-mail is built: refusing here rolls the whole post back.
        """
        recipients = super()._notify_get_recipients(message, msg_vals, **kwargs)
        # Without a message (a computation of recipients) there is nothing to send.
        if message:
            self._privacy_check_user_email(recipients, message, msg_vals or {})
        return recipients

    def _privacy_check_user_email(self, recipients, message, msg_vals):
        """The check of :meth:`_notify_get_recipients`, on every post: it costs
        no query when the e-mail check is off, when the message is not written
        by a user, or when nobody outside the company is e-mailed (an internal
        note), and only the one check's query when everyone e-mailed has a
        valid consent."""
        emailed_ids = [
            recipient["id"]
            for recipient in recipients
            if self._privacy_is_emailed_outside(recipient)
        ]
        if (
            not emailed_ids
            or not self.env["res.company"]._privacy_check_active_here("email")
            or not self._privacy_is_user_email(message, msg_vals)
        ):
            return
        emailed = self.env["res.partner"].browse(emailed_ids)
        under_contract = self._privacy_under_contract(emailed)
        Reason = self.env["privacy.contact.reason"]
        reason, note = Reason._from_context()
        # From the values of the post: reading the message would cost a query.
        log_values = {
            "note": note,
            "res_model": msg_vals.get("model") or message.model,
            "res_id": msg_vals.get("res_id") or message.res_id,
            "message_id": message.id,
        }
        if under_contract:
            under_contract._privacy_record_contact(
                "email", Reason._contract_reason(), **log_values
            )
        (emailed - under_contract)._privacy_record_contact(
            "email", reason, **log_values
        )

    def _privacy_under_contract(self, partners):
        """Those of ``partners`` that the documents of ``self`` are a contract
        with, when they are documents sent under a contract (Settings > Privacy):
        their customers and the other contacts of the customers' companies.
        """
        if not partners or self._name not in (
            self.env.company._privacy_contract_model_names()
        ):
            return partners.browse()
        customers = partners.browse().union(*self._mail_get_partners().values())
        return partners.filtered(
            lambda partner: (
                partner.commercial_partner_id in customers.commercial_partner_id
            )
        )

    def _privacy_is_user_email(self, message, msg_vals):
        """Whether ``message`` is written by a user of the company, hence needs
        consent or a reason: a message of type "comment" (the composers, the
        chatter, their RPC) posted by an internal user, not in Discuss.

        What Odoo sends by itself is not: notifications (order confirmations,
        tracking, templates posted by code), crons and the superuser; nor what
        portal users and visitors write (the person is the one writing).
        """
        message_type = msg_vals.get("message_type") or message.sudo().message_type
        return (
            message_type == "comment"
            and self._name != "discuss.channel"
            # sudo() keeps the real user: the chatter posts as sudo.
            and self.env.uid != SUPERUSER_ID
            and self.env.user._is_internal()
        )

    @api.model
    def _privacy_is_emailed_outside(self, recipient):
        """Whether a recipient (see ``mail.followers._get_recipient_data``) gets
        the message by e-mail and is not a user of the company."""
        return (
            recipient["active"]
            and recipient["notif"] == "email"
            and recipient["type"] != "user"
        )

    def _privacy_email_recipients(self, partner_ids, subtype_id):
        """The partners that a message posted now by the current user on the
        records of ``self``, to ``partner_ids`` with ``subtype_id``, would e-mail
        outside the company, and whose consent is checked: the same recipients
        as the check made when posting (the partners given and the followers of
        the subtype, but the author and those under contract).
        """
        data = self.env["mail.followers"]._get_recipient_data(
            self, "comment", subtype_id, partner_ids
        )
        author_id = self.env.user.partner_id.id
        emailed = self.env["res.partner"].browse(
            {
                partner_id
                for recipients in data.values()
                for partner_id, recipient in recipients.items()
                if partner_id
                and partner_id != author_id
                and self._privacy_is_emailed_outside(recipient)
            }
        )
        # Those under contract are logged with the contract reason, unasked.
        return emailed - self._privacy_under_contract(emailed)

    def _privacy_contacted_partners(self, create=False):
        """The people contacted when calling or texting this record, to check
        their consent. None by default: contacts answer for themselves, and a
        bridge says who answers for its documents (the CRM's leads).

        :param create: create the person when missing
        """
        self.ensure_one()
        return self.env["res.partner"]

    def _privacy_new_contact_name(self):
        """When :meth:`_privacy_contacted_partners` finds nobody: the name of the
        person who is contacted all the same and will be created as a contact;
        False when nobody is contacted."""
        return False
