from collections import namedtuple

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.osv import expression
from odoo.tools import SQL, email_normalize
from odoo.tools.query import Query

from odoo.addons.privacy_gdpr.channels import CHANNEL_FIELDS

NO_CONSENT = "privacy_no_consent"
# A recipient's own address for a mailing type: the mixin that gives it, the
# field matching it to partners, the address itself, Odoo's blocklist of such
# addresses (model and column), the recipient's field saying it is blocklisted,
# and the trace column that keeps the address.
RecipientAddress = namedtuple(
    "RecipientAddress",
    "mixin match address blocklist blocklist_column blocked trace_column",
)


class MailingMailing(models.Model):
    _inherit = "mailing.mailing"

    privacy_consent_type_ids = fields.Many2many(
        "privacy.consent.type",
        string="Consent types",
        domain="[('allow_sms' if mailing_type == 'sms' else 'allow_mass_mailing', "
        "'=', True)]",
        help="The consents this mailing relies on: it reaches only recipients with "
        "a valid consent of one of these types on the day it is sent. Empty: any "
        "valid consent allowing e-mail marketing (SMS for an SMS mailing) counts.",
    )
    privacy_filter_active = fields.Boolean(
        string="Filtered on consent", compute="_compute_privacy_filter_active"
    )
    privacy_no_consent_count = fields.Integer(
        string="Recipients without consent",
        compute="_compute_privacy_no_consent_count",
        help="Recipients that will be cancelled, today, for lack of a valid consent.",
    )
    privacy_no_consent_cancelled = fields.Integer(
        string="Cancelled for lack of consent",
        compute="_compute_privacy_no_consent_cancelled",
    )
    privacy_recipient_warning = fields.Char(
        compute="_compute_privacy_recipient_warning"
    )

    @api.constrains("privacy_consent_type_ids", "mailing_type")
    def _check_privacy_consent_types(self):
        for mailing in self:
            channel = mailing._privacy_channel()
            wrong = mailing.privacy_consent_type_ids.filtered(
                lambda t, channel=channel: not channel or not t[CHANNEL_FIELDS[channel]]
            )
            if wrong:
                raise ValidationError(
                    self.env._(
                        "The consent type “%(type)s” does not allow this kind of "
                        "mailing.",
                        type=wrong[0].name,
                    )
                )

    # ------------------------------------------------------------
    # Who has a consent
    # ------------------------------------------------------------

    def _privacy_channel(self):
        """The consent channel this mailing needs; False for a kind of mailing
        that is not filtered."""
        return "mass_mailing" if self.mailing_type == "mail" else False

    def _privacy_recipient_address(self):
        """The :class:`RecipientAddress` of this kind of mailing."""
        if self.mailing_type == "mail":
            return RecipientAddress(
                "mail.thread.blacklist",
                "privacy_email_partner_ids",
                "email_normalized",
                "mail.blacklist",
                "email",
                "is_blacklisted",
                "email",
            )
        return None

    @api.depends("mailing_type", "user_id")
    @api.depends_context("company")
    def _compute_privacy_filter_active(self):
        for mailing in self:
            mailing.privacy_filter_active = mailing._privacy_filters_recipients()

    def _privacy_filters_recipients(self):
        """Whether this mailing reaches only recipients with a consent: the switch
        of the company of its responsible (who it is sent for), else the current
        company's."""
        self.ensure_one()
        company = self.user_id.company_id or self.env.company
        return bool(self._privacy_channel()) and company._privacy_check_active(
            "mass_mailing"
        )

    def _privacy_partner_field(self):
        """The target's stored many2one to the recipient partner, if any."""
        Target = self.env[self.mailing_model_real]
        return next(
            (
                fname
                for fname in Target._mail_get_partner_fields()
                if Target._fields[fname].type == "many2one"
                and Target._fields[fname].store
                and Target._fields[fname].comodel_name == "res.partner"
            ),
            None,
        )

    def _privacy_address_info(self):
        """The :class:`RecipientAddress` of the target's own address for this
        mailing type, or None when the target has no such address."""
        Target = self.env[self.mailing_model_real]
        address = self._privacy_recipient_address()
        return (
            address
            if address and isinstance(Target, self.pool[address.mixin])
            else None
        )

    def _privacy_consent_domain(self):
        """Recipients (records of the target model) with a valid consent for this
        mailing today, as a domain PostgreSQL evaluates in subqueries.

        A partner answers for itself; a record with a partner answers through it;
        a record without one (or a model without partner field) through the
        partners sharing its normalised e-mail, or its sanitised number for SMS,
        any of them with a valid consent being enough. A model that offers none
        of these has no consent at all.
        """
        self.ensure_one()
        partner_domain = self.env["res.partner"]._privacy_consent_domain(
            self._privacy_channel(),
            consent_types=self.privacy_consent_type_ids or None,
        )
        if self.mailing_model_real == "res.partner":
            return partner_domain
        partner_fname = self._privacy_partner_field()
        address_info = self._privacy_address_info()
        if not partner_fname and not address_info:
            return expression.FALSE_DOMAIN
        by_partner = [(partner_fname, "any", partner_domain)] if partner_fname else []
        by_address = (
            [(address_info.match, "any", partner_domain)] if address_info else []
        )
        if not (by_partner and by_address):
            return by_partner or by_address
        return expression.OR(
            [by_partner, expression.AND([[(partner_fname, "=", False)], by_address])]
        )

    def _privacy_reachable_domain(self, serializable=False):
        """Recipients Odoo itself would not cancel for a missing or blocklisted
        address: only those are cancelled for lack of consent, so that the others
        keep Odoo's own failure type.

        :param serializable: use Odoo's blocklist fields (for a window action)
            instead of a subquery (for the count and the traces, one query)
        """
        address_info = self._privacy_address_info()
        if not address_info:
            return []
        domain = [(address_info.address, "!=", False)]
        if serializable:
            return domain + [(address_info.blocked, "=", False)]
        Blocklist = self.env[address_info.blocklist].sudo()
        query = Blocklist._search([])
        blocked = query.subselect(
            Blocklist._field_to_sql(query.table, address_info.blocklist_column, query)
        )
        return domain + [(address_info.address, "not in", blocked)]

    def _privacy_consenting_query(self):
        """The target's records with a valid consent for this mailing today (the
        rule of :meth:`_privacy_consent_domain`), as a query aliased
        ``privacy_consenting`` so that it can be correlated to the recipients."""
        Target = self.env[self.mailing_model_real]
        domain = self._privacy_consent_domain()
        if Target._active_name:
            domain = expression.AND([[(Target._active_name, "=", True)], domain])
        consenting = Query(self.env, "privacy_consenting", Target._table_sql)
        expression.expression(domain, Target, "privacy_consenting", consenting)
        return consenting

    # ------------------------------------------------------------
    # Before sending: how many, and who
    # ------------------------------------------------------------

    @api.depends(
        "mailing_model_real",
        "mailing_domain",
        "mailing_type",
        "contact_list_ids",
        "privacy_consent_type_ids",
        "state",
        "user_id",
    )
    @api.depends_context("company")
    def _compute_privacy_no_consent_count(self):
        for mailing in self:
            if (
                mailing.state not in ("draft", "in_queue", "sending")
                or not mailing.mailing_model_real
                or not mailing._privacy_filters_recipients()
            ):
                mailing.privacy_no_consent_count = 0
                continue
            no_consent = mailing._privacy_without_consent_query(
                mailing._privacy_recipient_ids()
            )
            [(mailing.privacy_no_consent_count,)] = self.env.execute_query(
                no_consent.select(SQL("COUNT(*)"))
            )

    def _privacy_recipient_ids(self, untraced=False):
        """The ids of the recipients Odoo counts (and would send to), whatever
        their consent: Odoo's own search, A/B sampling aside.

        :param untraced: only those without a trace of this mailing yet
        """
        Target = self.env[self.mailing_model_real]
        recipients = Target._search(self._get_recipients_domain())
        if untraced:
            self.env["mailing.trace"].flush_model(
                ["mass_mailing_id", "model", "res_id"]
            )
            recipients.add_where(
                SQL(
                    "NOT EXISTS (SELECT 1 FROM mailing_trace WHERE"
                    " mass_mailing_id = %s AND model = %s AND res_id = %s)",
                    self.id,
                    self.mailing_model_real,
                    SQL.identifier(recipients.table, "id"),
                )
            )
        return [res_id for (res_id,) in self.env.execute_query(recipients.select())]

    def _privacy_without_consent_query(self, res_ids):
        """The records among ``res_ids`` (archived ones included) that lack a
        valid consent today and that Odoo would not cancel itself, as a query
        on the target model: the form's counter counts them, the sending
        leaves them out, the completion cancels them.

        The ids are given as one array, each checked by a correlated NOT
        EXISTS on the consenting records, rather than taken away from the set
        of all consenting records: PostgreSQL knows the number of recipients
        from the array (it guesses badly from Odoo's "not blocklisted"
        condition) and runs the NOT EXISTS as an anti-join, index probes for a
        few recipients and one hash join for many, so that the cost follows
        the recipients, not the size of the base. An array literal, since
        PostgreSQL reads 100,000 ids from it several times faster than from an
        IN list of as many constants.
        """
        self.ensure_one()
        Target = self.env[self.mailing_model_real].with_context(active_test=False)
        query = Target._search(self._privacy_reachable_domain())
        recipient_id = SQL.identifier(query.table, "id")
        query.add_where(
            SQL(
                "%s = ANY(%s::int[])",
                recipient_id,
                "{" + ",".join(map(str, map(int, res_ids))) + "}",
            )
        )
        consenting = self._privacy_consenting_query()
        consenting.add_where(
            SQL("%s = %s", SQL.identifier(consenting.table, "id"), recipient_id)
        )
        query.add_where(SQL("NOT EXISTS %s", consenting.subselect(SQL("1"))))
        return query

    @api.depends("mailing_model_real", "mailing_type", "user_id")
    @api.depends_context("company")
    def _compute_privacy_recipient_warning(self):
        for mailing in self:
            untied = (
                mailing.mailing_model_real
                and mailing._privacy_filters_recipients()
                and mailing._privacy_consent_domain() == expression.FALSE_DOMAIN
            )
            mailing.privacy_recipient_warning = (
                self.env._(
                    "The recipients of this mailing cannot be tied to a contact (no "
                    "contact, e-mail or number to match): none of them has a valid "
                    "consent, so all of them will be cancelled."
                )
                if untied
                else False
            )

    def action_view_privacy_no_consent(self):
        """The recipients that lack consent, with the same rule as the count."""
        self.ensure_one()
        domain = expression.AND(
            [
                self._get_recipients_domain(),
                [
                    expression.NOT_OPERATOR,
                    *expression.normalize_domain(self._privacy_consent_domain()),
                ],
                self._privacy_reachable_domain(serializable=True),
            ]
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Recipients without valid consent"),
            "res_model": self.mailing_model_real,
            "view_mode": "list,form",
            "domain": domain,
            "context": {"create": False},
        }

    # ------------------------------------------------------------
    # After sending: the statistics
    # ------------------------------------------------------------

    def _compute_privacy_no_consent_cancelled(self):
        counts = dict(
            self.env["mailing.trace"]
            .sudo()
            ._read_group(
                [
                    ("mass_mailing_id", "in", self.ids),
                    ("failure_type", "=", NO_CONSENT),
                ],
                ["mass_mailing_id"],
                ["__count"],
            )
        )
        for mailing in self:
            mailing.privacy_no_consent_cancelled = counts.get(mailing, 0)

    def action_view_traces_privacy_no_consent(self):
        action = self._action_view_traces_filtered("canceled")
        action["context"]["search_default_filter_privacy_no_consent"] = True
        return action

    # ------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------

    def _privacy_samples_recipients(self):
        """Whether this mailing is an A/B test drawing a random sample."""
        return self.ab_testing_enabled and not self.ab_testing_is_winner_mailing

    def _get_recipients(self):
        # Every sending path asks here through _get_remaining_recipients (the
        # queue, "Send now", SMS): the recipients without a valid consent today
        # are left out of Odoo's own search, by one more query over its ids
        # (fewer ids then to look up in the traces). Those Odoo cancels itself
        # (no address, blocklisted) stay for Odoo. An A/B sample is drawn
        # among all recipients, then filtered (in _get_remaining_recipients).
        res_ids = super()._get_recipients()
        if not self._privacy_filters_recipients() or self._privacy_samples_recipients():
            return res_ids
        no_consent = self._privacy_without_consent_query(res_ids)
        left_out = {res_id for (res_id,) in self.env.execute_query(no_consent.select())}
        return [res_id for res_id in res_ids if res_id not in left_out]

    def _get_remaining_recipients(self):
        res_ids = super()._get_remaining_recipients()
        if not self._privacy_filters_recipients():
            return res_ids
        if self._privacy_samples_recipients():
            # A sample is random: its recipients without consent are cancelled
            # at once, their traces marking them as drawn.
            return self._privacy_cancel_without_consent(res_ids)
        if not res_ids:
            # Nobody left to send to: the queue marks the mailing done without
            # calling _action_send_mail, so it completes here.
            self._privacy_cancel_remaining()
        return res_ids

    def _action_send_mail(self, res_ids=None):
        filtered = self.filtered(lambda mailing: mailing._privacy_filters_recipients())
        for mailing in filtered:
            # Explicit ids skip _get_remaining_recipients: filter them the same way.
            kept = (
                mailing._privacy_cancel_without_consent(res_ids)
                if res_ids
                else mailing._get_remaining_recipients()
            )
            if kept:
                super(MailingMailing, mailing)._action_send_mail(kept)
                if not res_ids and not mailing._privacy_samples_recipients():
                    # Every recipient composed: the mailing is complete.
                    mailing._privacy_cancel_remaining()
            elif mailing.mailing_type == "mail" and (
                res_ids or mailing.privacy_no_consent_cancelled
            ):
                # Everybody left lacks consent: done, as when the queue finds
                # nobody to send to.
                mailing.write(
                    {
                        "state": "done",
                        "sent_date": fields.Datetime.now(),
                        "kpi_mail_required": not mailing.sent_date,
                    }
                )
            else:
                # No recipient at all: what Odoo does.
                super(MailingMailing, mailing)._action_send_mail(res_ids)
        return super(MailingMailing, self - filtered)._action_send_mail(res_ids)

    def _privacy_cancel_remaining(self):
        """Complete the mailing: each of its recipients still without a trace
        and without a valid consent gets its cancelled trace, "No valid
        consent", in one statement (the rule of the form's counter, so the
        counter read before sending equals these traces)."""
        self.ensure_one()
        # The traces are looked up while reading the recipients, not in the
        # INSERT: there, a plan probing mailing_trace for each row would also
        # scan the rows the statement has just written.
        self._privacy_insert_cancelled_traces(
            self._privacy_without_consent_query(
                self._privacy_recipient_ids(untraced=True)
            )
        )

    def _privacy_cancel_without_consent(self, res_ids):
        """Cancel the recipients among ``res_ids`` that lack a valid consent today,
        each with a trace of failure type "No valid consent", in one statement.
        Given ids are cancelled even archived.

        :return: the other ids, in their order
        """
        self.ensure_one()
        mailing = self.sudo()
        cancelled = set(
            mailing._privacy_insert_cancelled_traces(
                mailing._privacy_without_consent_query(res_ids)
            )
        )
        if not cancelled:
            return res_ids
        return [res_id for res_id in res_ids if res_id not in cancelled]

    def _privacy_insert_cancelled_traces(self, query):
        """Insert a cancelled "No valid consent" trace for each record of
        ``query`` (on the target model), in one ``INSERT … SELECT``.

        :return: the ids of these records
        """
        self.ensure_one()
        mailing = self.sudo()
        now, uid = self.env.cr.now(), self.env.uid
        columns = {
            "trace_type": SQL("%s", mailing.mailing_type),
            "model": SQL("%s", mailing.mailing_model_real),
            "res_id": SQL.identifier(query.table, "id"),
            "mass_mailing_id": SQL("%s", mailing.id),
            # stored related field: the raw insert must write it
            "campaign_id": SQL("%s", mailing.campaign_id.id or None),
            "trace_status": SQL("%s", "cancel"),
            "failure_type": SQL("%s", NO_CONSENT),
            "create_uid": SQL("%s", uid),
            "create_date": SQL("%s", now),
            "write_uid": SQL("%s", uid),
            "write_date": SQL("%s", now),
            **mailing._privacy_trace_address_columns(query),
        }
        rows = self.env.execute_query(
            SQL(
                "INSERT INTO mailing_trace (%s) %s RETURNING res_id",
                SQL(", ").join(map(SQL.identifier, columns)),
                query.select(*columns.values()),
            )
        )
        self.env["mailing.trace"].invalidate_model()
        self.invalidate_recordset()
        return [res_id for (res_id,) in rows]

    def _privacy_trace_address_columns(self, query):
        """The columns of a cancelled trace that keep the recipient's address,
        read from ``query`` on the target: ``{column: SQL}``."""
        address_info = self._privacy_address_info()
        if not address_info:
            return {}
        Target = self.env[self.mailing_model_real]
        return {
            address_info.trace_column: Target._field_to_sql(
                query.table, address_info.address, query
            )
        }

    def _get_seen_list_extra(self):
        # A record cancelled for lack of consent received nothing: another
        # recipient with the same address is no duplicate of it.
        join, where = super()._get_seen_list_extra()
        return join, f"{where} AND s.failure_type IS DISTINCT FROM '{NO_CONSENT}'"

    # ------------------------------------------------------------
    # The way out
    # ------------------------------------------------------------

    def _get_unsubscribe_url(self, email_to, res_id):
        """The unsubscribe link of the e-mail's footer (and of its web version)
        leads to the person's preference page, where they withdraw their
        consents, when the mailing filters on consent (otherwise withdrawing
        would not stop the e-mails) and the recipient is one contact. Odoo's
        unsubscribe page otherwise; its one-click unsubscribe (List-Unsubscribe
        header) is kept: it blocklists the address, which withdraws the consents
        of every contact with it."""
        partner = self._privacy_unsubscribe_partner(email_to, res_id)
        if partner:
            return partner._privacy_preferences_url(
                company=self.user_id.company_id or self.env.company
            )
        return super()._get_unsubscribe_url(email_to, res_id)

    def _privacy_unsubscribe_partner(self, email_to, res_id):
        """The contact who answers for the recipient ``res_id`` (itself, its
        partner, else the one contact with its normalised e-mail), when nobody
        else uses the address: withdrawing on one of several contacts sharing
        an address would not stop the e-mails to the others."""
        self.ensure_one()
        email = email_normalize(email_to)
        if not (email and res_id and self._privacy_filters_recipients()):
            return None
        Partner = self.env["res.partner"].sudo()
        sharing = Partner.search([("email_normalized", "=", email)], limit=2)
        record = self.env[self.mailing_model_real].sudo().browse(res_id).exists()
        if record._name == "res.partner":
            partner = record
        else:
            partner_fname = self._privacy_partner_field()
            partner = record[partner_fname] if partner_fname else Partner
            partner = partner or (sharing if len(sharing) == 1 else Partner)
        if not partner or sharing - partner:
            return None
        return partner
