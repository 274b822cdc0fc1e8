from collections import defaultdict

from odoo import SUPERUSER_ID, api, models
from odoo.osv import expression


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
        if message and self._privacy_is_user_email(message, msg_vals):
            Reason = self.env["privacy.contact.reason"]
            reason, note = Reason._from_context()
            emailed = self.env["res.partner"].browse(
                recipient["id"]
                for recipient in recipients
                if self._privacy_is_emailed_outside(recipient)
            )
            under_contract = self._privacy_under_contract(emailed)
            log_values = {
                "note": note,
                "res_model": message.model,
                "res_id": message.res_id,
                "message_id": message.id,
            }
            under_contract._privacy_record_contact(
                "email", Reason._contract_reason(), **log_values
            )
            (emailed - under_contract)._privacy_record_contact(
                "email", reason, **log_values
            )
        return recipients

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
        message_type = (msg_vals or {}).get(
            "message_type"
        ) or message.sudo().message_type
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
        their consent. None by default: only contacts and leads are checked.

        :param create: create the person when missing (see crm.lead)
        """
        self.ensure_one()
        return self.env["res.partner"]

    def _privacy_new_contact_name(self):
        """When :meth:`_privacy_contacted_partners` finds nobody: the name of the
        person who is contacted all the same and will be created as a contact
        (see crm.lead); False when nobody is contacted."""
        return False

    def _routing_handle_bounce(self, email_message, message_dict):
        # Too many bounces put an address on the blocklist: the address is dead,
        # the person did not withdraw anything, so no consent is withdrawn.
        return super(
            MailThread, self.with_context(privacy_no_withdrawal=True)
        )._routing_handle_bounce(email_message, message_dict)

    # ------------------------------------------------------------
    # Records matched to partners by e-mail or number
    # ------------------------------------------------------------

    def _privacy_matching_partners(self, fname, partner_fnames):
        """For each record, the partners whose ``partner_fnames`` hold the
        record's ``fname`` value: ``{record_id: partners}``."""
        Partner = self.env["res.partner"]
        values = {value for value in self.mapped(fname) if value}
        partners = (
            Partner.search(
                expression.OR(
                    [[(pfname, "in", list(values))] for pfname in partner_fnames]
                )
            )
            if values
            else Partner
        )
        by_value = defaultdict(Partner.browse)
        for partner in partners:
            for pfname in partner_fnames:
                if partner[pfname]:
                    by_value[partner[pfname]] |= partner
        return {record.id: by_value[record[fname]] for record in self}

    @api.model
    def _privacy_search_matching_partners(self, fname, partner_fnames, operator, value):
        """Search records by the partners sharing their ``fname`` value.

        Records whose ``fname`` equals the ``partner_fnames`` of partners among
        ``value`` (ids or a query: ``('x', 'any', partner_domain)`` gives one),
        or of any partner with ``('x', '!=', False)``. PostgreSQL evaluates it as
        subqueries on the partners' indexed columns.
        """
        if operator in ("=", "!=") and value is False:
            positive, partner_domain = operator == "!=", []
        elif operator in ("in", "not in"):
            positive, partner_domain = operator == "in", [("id", "in", value)]
        else:
            raise NotImplementedError(f"Unsupported search: {operator} {value!r}")
        Partner = self.env["res.partner"]
        leaves = []
        for pfname in partner_fnames:
            query = Partner._search(partner_domain + [(pfname, "!=", False)])
            values = query.subselect(Partner._field_to_sql(query.table, pfname, query))
            leaves.append([(fname, "in", values)])
        domain = expression.OR(leaves)
        if positive:
            return domain
        # "Not matched" includes the records without a value, which a NOT IN on
        # the value itself would miss.
        return [("id", "not in", self.with_context(active_test=False)._search(domain))]
