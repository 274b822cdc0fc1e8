import logging
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# The history rows that are something the person did (not a reset, an expiry,
# a merge or the suppression list).
PERSON_SOURCES = ("page", "double_optin", "web_form", "unsubscribe", "staff", "import")
# Last consent requests sent per run, a month before the limit.
NOTICE_BATCH_SIZE = 500
# Contacts anonymised per run of the scheduled action: it runs again at once
# for the rest, each run committed and well within a worker's time limit.
RETENTION_BATCH_SIZE = 20_000
# A list younger than this is the one of the run that a batch goes on with.
RELIST_AFTER = timedelta(hours=1)


class PrivacyRetentionCandidate(models.Model):
    """A prospect past the retention limit of its company (GDPR art. 5(1)(e)):
    no activity for the months set in Settings > Privacy, and nothing that
    keeps it (an order, an invoice, an open lead, a user).

    The daily scheduled action lists them here before anything happens; when
    the company applies the limit automatically, it then anonymises them.
    """

    _name = "privacy.retention.candidate"
    _description = "Contact Past Retention"
    _order = "last_activity, id"
    _rec_name = "partner_id"
    # Hundreds of thousands of rows replaced daily on a large old database:
    # no columns (and foreign keys) of who wrote them, date_listed says when.
    _log_access = False

    partner_id = fields.Many2one(
        "res.partner",
        string="Contact",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    last_activity = fields.Datetime(
        required=True,
        readonly=True,
        aggregator="min",
        help="The last answer, message, order or click of the contact, else "
        "its creation.",
    )
    date_listed = fields.Datetime(string="Listed on", required=True, readonly=True)

    # ------------------------------------------------------------
    # What is activity, and what keeps a contact (bridges add theirs)
    # ------------------------------------------------------------

    @api.model
    def _activity_queries(self):
        """Queries of ``(partner_id, date)``: what the person did, and when
        (with the contact's last answer, ``privacy_answer_date``)."""
        return [
            SQL(
                "SELECT partner_id, date FROM privacy_consent_history"
                " WHERE source IN %s",
                PERSON_SOURCES,
            ),
            SQL(
                "SELECT author_id, date FROM mail_message"
                " WHERE author_id IS NOT NULL AND message_type IN ('email', 'comment')"
            ),
        ]

    @api.model
    def _kept_queries(self):
        """Queries of ``partner_id``: contacts kept whatever their activity
        (users and companies here; customers, open leads in the bridges; an
        invoicing module adds its invoiced contacts the same way)."""
        return [
            SQL("SELECT partner_id FROM res_users"),
            SQL("SELECT partner_id FROM res_company"),
        ]

    # ------------------------------------------------------------
    # The scheduled action
    # ------------------------------------------------------------

    @api.model
    def _cron_retention(self, batch_size=RETENTION_BATCH_SIZE):
        """List, for each company, the contacts past its limit; send the last
        consent requests; anonymise up to ``batch_size`` of those listed when
        the company applies the limit automatically (the scheduler runs the
        job again at once for the rest, each run committed); clear the old IP
        addresses of proofs."""
        done = remaining = 0
        # Every company, each with its own settings (a handful of rows).
        companies = self.env["res.company"].search([])  # pylint: disable=no-search-all
        for company in companies:
            # The runs that go on with a large backlog use the list of the
            # first one.
            if not self._listed_since(company, RELIST_AFTER):
                self._list_company(company)
            if company.privacy_retention_notice:
                self._send_notices(company)
            if company.privacy_retention_auto:
                anonymised, left = self._anonymise_listed(company, batch_size - done)
                done += anonymised
                remaining += left
        self._clear_old_proof_addresses()
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return remaining

    @api.model
    def _cutoff(self, company, months=None):
        today = company._privacy_today()
        months = company.privacy_retention_months if months is None else months
        return fields.Datetime.to_datetime(today - relativedelta(months=months))

    @api.model
    def _past_query(self, company, cutoff):
        """``(id, user_id, last_activity)`` of ``company``'s contacts with no
        activity since ``cutoff`` and nothing that keeps them. Contacts of no
        company follow the settings of the first company created."""
        first = self.env["res.company"].search([], order="id", limit=1)
        activity = SQL(" UNION ALL ").join(self._activity_queries())
        kept = SQL(" UNION ALL ").join(self._kept_queries())
        return SQL(
            """
            SELECT p.id, p.user_id,
                   GREATEST(p.create_date, p.privacy_answer_date, a.last)
              FROM res_partner p
              LEFT JOIN (
                    SELECT partner_id, max(date) AS last
                      FROM (%(activity)s) AS activity(partner_id, date)
                     GROUP BY partner_id
                   ) a ON a.partner_id = p.id
             WHERE p.privacy_anonymised_date IS NULL
               AND p.create_date < %(cutoff)s
               AND (a.last IS NULL OR a.last < %(cutoff)s)
               AND (p.privacy_answer_date IS NULL
                    OR p.privacy_answer_date < %(cutoff)s)
               AND COALESCE(p.company_id, %(first)s) = %(company)s
               AND p.id NOT IN (
                    SELECT partner_id FROM (%(kept)s) AS kept(partner_id)
                     WHERE partner_id IS NOT NULL)
               AND COALESCE(p.commercial_partner_id, p.id) NOT IN (
                    SELECT partner_id FROM (%(kept)s) AS kept(partner_id)
                     WHERE partner_id IS NOT NULL)
            """,
            activity=activity,
            kept=kept,
            cutoff=cutoff,
            first=first.id,
            company=company.id,
        )

    @api.model
    def _listed_since(self, company, delay):
        """Whether contacts of ``company`` were listed less than ``delay`` ago."""
        return bool(
            self.search_count(
                [
                    ("company_id", "=", company.id),
                    ("date_listed", ">", fields.Datetime.now() - delay),
                ],
                limit=1,
            )
        )

    @api.model
    def _list_company(self, company):
        """Replace the list of ``company``'s contacts past its limit, in one
        statement (the dry run: nothing else changes)."""
        self.env.flush_all()
        now = fields.Datetime.now()
        self.env.cr.execute(
            SQL(
                "DELETE FROM privacy_retention_candidate WHERE company_id = %s",
                company.id,
            )
        )
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO privacy_retention_candidate (
                    partner_id, user_id, last_activity, company_id, date_listed)
                SELECT past.*, %(company)s, %(now)s
                  FROM (%(past)s) AS past
                """,
                past=self._past_query(company, self._cutoff(company)),
                company=company.id,
                now=now,
            )
        )
        _logger.info(
            "Retention: %s contacts of %s past the limit",
            self.env.cr.rowcount,
            company.name,
        )
        self.invalidate_model()

    @api.model
    def _anonymise_listed(self, company, limit):
        """Anonymise up to ``limit`` of the contacts listed for ``company``,
        the oldest first.

        :return: ``(anonymised, left)``
        """
        rows = self.env.execute_query(
            SQL(
                """
                SELECT partner_id, count(*) OVER ()
                  FROM privacy_retention_candidate
                 WHERE company_id = %s
                 ORDER BY last_activity, partner_id
                 LIMIT %s
                """,
                company.id,
                max(limit, 0),
            )
        )
        ids = [row[0] for row in rows]
        self.env["privacy.erasure"]._anonymise(ids, "retention")
        self.env.cr.execute(
            SQL(
                "DELETE FROM privacy_retention_candidate WHERE partner_id = ANY(%s)",
                ids,
            )
        )
        self.invalidate_model()
        return len(ids), (rows[0][1] - len(ids)) if rows else 0

    @api.model
    def _send_notices(self, company):
        """A last consent request to the contacts reaching the limit within a
        month, once (not to those asked since their last activity)."""
        Partner = self.env["res.partner"]
        Request = self.env["privacy.consent.request"]
        rows = self.env.execute_query(
            SQL(
                """
                SELECT soon.id FROM (%(past)s) AS soon(id, user_id, last)
                  JOIN res_partner p ON p.id = soon.id
                 WHERE soon.last >= %(cutoff)s
                   AND (p.privacy_request_date IS NULL
                        OR p.privacy_request_date < soon.last)
                 ORDER BY soon.last
                 LIMIT %(limit)s
                """,
                past=self._past_query(
                    company,
                    self._cutoff(company, company.privacy_retention_months - 1),
                ),
                cutoff=self._cutoff(company),
                limit=NOTICE_BATCH_SIZE,
            )
        )
        partners = Partner.browse([row[0] for row in rows])
        skipped = Request._skip_reasons(partners)
        partners -= Partner.browse(list(skipped))
        objectors = self.env["privacy.partner.consent"]._objections(partners).partner_id
        Request.with_company(company)._send_to(partners - objectors, origin="renewal")

    @api.model
    def _clear_old_proof_addresses(self):
        """Clear the IP addresses and user agents of proofs older than the
        retention of evidence: one UPDATE per table. The longest retention of
        the companies applying their limits wins (proofs of shared consent
        types belong to no one company)."""
        companies = self.env["res.company"].search(
            [("privacy_retention_auto", "=", True)]
        )
        if not companies:
            return
        months = max(companies.mapped("privacy_evidence_months"))
        cutoff = self._cutoff(companies[0], months)
        self.env.flush_all()
        for table, date_column, columns in self._proof_address_columns():
            self.env.cr.execute(
                SQL(
                    "UPDATE %(table)s SET %(clear)s WHERE %(date)s < %(cutoff)s"
                    " AND (%(any)s)",
                    table=SQL.identifier(table),
                    clear=SQL(", ").join(
                        SQL("%s = NULL", SQL.identifier(column)) for column in columns
                    ),
                    date=SQL.identifier(date_column),
                    cutoff=cutoff,
                    any=SQL(" OR ").join(
                        SQL("%s IS NOT NULL", SQL.identifier(column))
                        for column in columns
                    ),
                )
            )
        self.env.invalidate_all()

    @api.model
    def _proof_address_columns(self):
        """``(table, date column, columns)`` of the IP addresses and user agents
        kept as proof (bridges add theirs)."""
        return [
            ("privacy_consent_history", "date", ("proof_ip", "proof_user_agent")),
            ("privacy_partner_consent", "proof_date", ("proof_ip", "proof_user_agent")),
            (
                "privacy_consent_request",
                "date_answer",
                ("answer_ip", "answer_user_agent"),
            ),
        ]

    # ------------------------------------------------------------
    # The report
    # ------------------------------------------------------------

    def action_anonymise(self):
        """Anonymise the contacts selected in the report (Privacy Managers)."""
        self.check_access("unlink")
        partners = self.partner_id
        self.env["privacy.erasure"]._check_anonymisable(partners)
        self.env["privacy.erasure"]._anonymise(partners.ids, "retention")
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    @api.model
    def action_open_report(self):
        """The contacts past the limit, listed now (the dry run), by salesperson."""
        for company in self.env.companies:
            self.sudo()._list_company(company)
        return self.env["ir.actions.act_window"]._for_xml_id(
            "privacy_gdpr.privacy_retention_candidate_action"
        )
