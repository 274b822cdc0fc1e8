from datetime import timedelta

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import SQL

from ..channels import CHANNEL_FIELDS

CONSENT_STATES = [
    ("none", "No answer (refused)"),
    ("given", "Given"),
    ("refused", "Refused"),
    ("withdrawn", "Withdrawn"),
    ("expired", "Expired"),
    ("pending", "Pending confirmation"),
]
CONSENT_METHODS = [
    ("oral", "Oral"),
    ("written", "Written"),
    ("email", "E-mail"),
    ("sms", "SMS"),
    ("web_form", "Web form"),
    ("import", "Import"),
    ("phone", "Phone"),
]
# Fields whose change is an answer of the person, hence recorded in the history.
HISTORY_FIELDS = ("state", "method", "date_given")
PROOF_FIELDS = ("proof_date", "proof_ip", "proof_user_agent", "proof_text")
# Partners sent a renewal request per run of the scheduled action; it runs again
# while some remain.
RENEWAL_BATCH_SIZE = 200


class PrivacyPartnerConsent(models.Model):
    """The current answer of a partner for a consent type, one per partner and type.

    A line exists for every partner and active type ("no answer" until the person
    answers), so the partner form can show them all; a partner with no line at all
    counts as refused too.
    """

    _name = "privacy.partner.consent"
    _description = "Partner Consent"
    _order = "partner_id, type_id"
    _rec_names_search = ["partner_id", "type_id"]

    partner_id = fields.Many2one(
        "res.partner", required=True, index=True, ondelete="cascade"
    )
    type_id = fields.Many2one(
        "privacy.consent.type",
        string="Consent type",
        required=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        related="type_id.company_id", store=True, index=True, precompute=True
    )
    state = fields.Selection(CONSENT_STATES, required=True, default="none", index=True)
    date_given = fields.Date(help="Day the person gave this consent.")
    date_expiry = fields.Date(
        string="Expiry date",
        compute="_compute_date_expiry",
        store=True,
        index=True,
        help="First day on which the consent is no longer valid, from the validity "
        "of its type. Empty: it never expires.",
    )
    method = fields.Selection(CONSENT_METHODS, string="Obtained by")
    user_id = fields.Many2one(
        "res.users", string="Recorded by", default=lambda self: self.env.user
    )
    note = fields.Text()
    proof_date = fields.Datetime(string="Proof date")
    proof_ip = fields.Char(string="Proof IP address")
    proof_user_agent = fields.Char(string="Proof user agent")
    proof_text = fields.Text(
        string="Text agreed to",
        help="The exact text shown to the person when answering.",
    )
    history_ids = fields.One2many("privacy.consent.history", "consent_id")
    renewal_requested = fields.Boolean(
        compute="_compute_renewal_requested",
        store=True,
        readonly=False,
        copy=False,
        help="A renewal request was sent for the current expiry date.",
    )

    _sql_constraints = [
        (
            "partner_type_unique",
            "UNIQUE(partner_id, type_id)",
            "A partner has one consent per consent type.",
        ),
    ]

    @api.model
    def get_import_templates(self):
        return [
            {
                "label": _("Import template for consents"),
                "template": "/privacy_gdpr/static/import/privacy_partner_consent.csv",
            }
        ]

    @api.depends("partner_id", "type_id")
    def _compute_display_name(self):
        for consent in self:
            consent.display_name = (
                f"{consent.partner_id.display_name} – {consent.type_id.name}"
            )

    @api.depends("date_given", "type_id.validity_days")
    def _compute_date_expiry(self):
        for consent in self:
            days = consent.type_id.validity_days
            consent.date_expiry = (
                consent.date_given + timedelta(days=days)
                if consent.date_given and days
                else False
            )

    @api.depends("date_expiry")
    def _compute_renewal_requested(self):
        # A new expiry date (the consent was given again) deserves a new renewal.
        self.renewal_requested = False

    @api.constrains("state", "method", "date_given")
    def _check_given(self):
        today = fields.Date.context_today(self)
        for consent in self:
            if consent.state == "given" and not (consent.method and consent.date_given):
                raise ValidationError(
                    _(
                        "Record how and when %(partner)s gave the consent “%(type)s”.",
                        partner=consent.partner_id.display_name,
                        type=consent.type_id.name,
                    )
                )
            if consent.date_given and consent.date_given > today:
                raise ValidationError(
                    _(
                        "The consent “%(type)s” of %(partner)s cannot be given in the "
                        "future (%(date)s).",
                        partner=consent.partner_id.display_name,
                        type=consent.type_id.name,
                        date=consent.date_given,
                    )
                )

    # ------------------------------------------------------------
    # The one check
    # ------------------------------------------------------------

    @api.model
    def _valid_domain(self, channel, date=None, consent_types=None):
        """Consents valid for ``channel`` on ``date`` (default: today).

        Valid means given, of an active type allowing the channel (and among
        ``consent_types`` when given), and not expired on that date.
        """
        if channel not in CHANNEL_FIELDS:
            raise ValueError(f"Unknown privacy channel: {channel!r}")
        date = date or fields.Date.context_today(self)
        type_domain = [(CHANNEL_FIELDS[channel], "=", True), ("active", "=", True)]
        if consent_types is not None:
            type_domain.append(("id", "in", consent_types.ids))
        return [
            ("state", "=", "given"),
            ("type_id", "any", type_domain),
            "|",
            ("date_expiry", "=", False),
            ("date_expiry", ">", date),
        ]

    @api.model
    def _partner_domain(self, channel, date=None, consent_types=None):
        """Partners allowed on ``channel`` by a valid consent on ``date``.

        A domain on ``res.partner`` that PostgreSQL evaluates as one subquery,
        whatever the number of partners; the same rule as
        :meth:`_check_partners`.
        """
        return [
            (
                "privacy_consent_ids",
                "any",
                self._valid_domain(channel, date, consent_types),
            )
        ]

    @api.model
    def _check_partners(self, partners, channel, date=None, consent_types=None):
        """For each of ``partners``: is ``channel`` allowed on ``date``, and by
        which consents.

        :return: ``{partner_id: {"allowed": bool, "consents": consents}}`` where
            ``consents`` are the valid ``privacy.partner.consent`` records
        """
        consents = self.search_fetch(
            [("partner_id", "in", partners.ids)]
            + self._valid_domain(channel, date, consent_types),
            ["partner_id", "type_id", "date_given", "date_expiry"],
        )
        result = {
            partner.id: {"allowed": False, "consents": self.browse()}
            for partner in partners
        }
        for consent in consents:
            answer = result[consent.partner_id.id]
            answer["allowed"] = True
            answer["consents"] |= consent
        return result

    @api.model
    def _allowed_partners(self, partners, channel, date=None, consent_types=None):
        """The ones of ``partners`` allowed on ``channel``, in one query."""
        if not partners:
            return partners
        return partners.search(
            [("id", "in", partners.ids)]
            + self._partner_domain(channel, date, consent_types)
        )

    @api.model
    def _withdraw_partners(self, partners, channel, method, note, consent_types=None):
        """Withdraw, as the person asked, the consents of ``partners`` that are
        valid for ``channel`` (among ``consent_types`` when given).

        Each withdrawn consent gets its history row, saying how the withdrawal
        arrived (``method``) and why (``note``).

        :return: the withdrawn consents
        """
        if not partners:
            return self.browse()
        consents = self.search(
            [("partner_id", "in", partners.ids)]
            + self._valid_domain(channel, consent_types=consent_types)
        )
        consents.write({"state": "withdrawn", "method": method, "note": note})
        return consents

    @api.model
    def _expired_partner_domain(self):
        """Partners with a consent that ran out (marked expired or not yet)."""
        today = fields.Date.context_today(self)
        return [
            (
                "privacy_consent_ids",
                "any",
                [
                    "|",
                    ("state", "=", "expired"),
                    "&",
                    ("state", "=", "given"),
                    ("date_expiry", "<=", today),
                ],
            )
        ]

    @api.model
    def _unanswered_partner_domain(self):
        """Partners who never answered any consent."""
        return [("privacy_consent_ids", "not any", [("state", "!=", "none")])]

    # ------------------------------------------------------------
    # Import
    # ------------------------------------------------------------

    def _convert_records(self, records, log=lambda a: None):
        """Convert imported rows: partners may be named by e-mail, a row without
        "obtained by" was obtained by import, and a row that cannot be recorded
        (an error on one of its values, a date in the future...) is reported on
        its line and dropped, since nothing is imported while errors remain:
        the import then reports every bad row once, on its own line.
        """
        consents = self.with_context(privacy_partner_by_email=True)
        failed = set()

        def log_row(message):
            if message.get("type") == "error":
                failed.add(message.get("record"))
            log(message)

        for dbid, xid, vals, info in super(
            PrivacyPartnerConsent, consents
        )._convert_records(records, log=log_row):
            if info["record"] in failed:
                continue
            if not (dbid or xid or vals.get("method")):
                vals["method"] = "import"
            error = consents._import_row_error(vals)
            if error:
                # With "obtained by" defaulted, what remains is the day it was given.
                log(dict(info, type="error", field="date_given", message=error))
                continue
            yield dbid, xid, vals, info

    @api.model
    def _import_row_error(self, vals):
        """The message of the constraints that ``vals`` break, if any."""
        try:
            self.new(vals)._validate_fields(vals)
        except ValidationError as error:
            return error.args[0]
        return None

    # ------------------------------------------------------------
    # One line per partner and type
    # ------------------------------------------------------------

    @api.model
    def _create_placeholders(self, partners=None, consent_types=None):
        """Insert the missing "no answer" lines, in one statement.

        Not an answer, so no history. ``None`` means every partner, or every
        active consent type.
        """
        if (partners is not None and not partners) or (
            consent_types is not None and not consent_types
        ):
            return
        self.env.flush_all()
        partner_filter = (
            "WHERE p.id = ANY(%(partner_ids)s)" if partners is not None else ""
        )
        type_filter = (
            "t.id = ANY(%(type_ids)s)" if consent_types is not None else "t.active"
        )
        self.env.cr.execute(
            f"""
            INSERT INTO privacy_partner_consent (
                partner_id, type_id, company_id, state,
                user_id, create_uid, create_date, write_uid, write_date)
            SELECT p.id, t.id, t.company_id, 'none',
                   %(uid)s, %(uid)s, now() at time zone 'UTC',
                   %(uid)s, now() at time zone 'UTC'
              FROM res_partner p
              JOIN privacy_consent_type t ON {type_filter}
              {partner_filter}
            ON CONFLICT (partner_id, type_id) DO NOTHING
            """,
            {
                "partner_ids": partners.ids if partners is not None else None,
                "type_ids": consent_types.ids if consent_types is not None else None,
                "uid": self.env.uid,
            },
        )
        self.env["res.partner"].invalidate_model(["privacy_consent_ids"])
        self.invalidate_model()

    # ------------------------------------------------------------
    # CRUD: answers are upserted and historised
    # ------------------------------------------------------------

    @api.model
    def _write_from_partners(self, partners, commands):
        """Apply the one2many ``commands`` of ``partners``' consent lines, with the
        consents' own access rights: lines are updated or added, never removed."""
        for command in commands:
            if command[0] == Command.UPDATE:
                self.browse(command[1]).filtered(
                    lambda c: c.partner_id in partners
                ).write(command[2])
            elif command[0] == Command.CREATE:
                self.create(
                    [dict(command[2], partner_id=partner.id) for partner in partners]
                )
            elif command[0] != Command.LINK:
                raise UserError(
                    _(
                        "Consents are evidence: record a new state instead of "
                        "removing them."
                    )
                )

    @api.model
    def _reset_answers(self, partners):
        """Set every answer of ``partners`` back to "no answer", the history
        keeping them (a new consent request was sent)."""
        consents = self.sudo().search(
            [("partner_id", "in", partners.ids), ("state", "!=", "none")]
        )
        consents.with_context(
            privacy_history_values={
                "note": _("Reset: a new consent request was sent"),
            }
        ).write(
            {
                "state": "none",
                "method": False,
                "date_given": False,
                "proof_date": False,
                "proof_ip": False,
                "proof_user_agent": False,
                "proof_text": False,
            }
        )

    @api.model_create_multi
    def create(self, vals_list):
        """Create consents, or record the answer on the partner's existing line.

        A line already exists for every partner and type, so creating a consent
        (from the partner form, an import or code) updates it instead of failing.
        """
        keys = [(vals.get("partner_id"), vals.get("type_id")) for vals in vals_list]
        existing = {
            (consent.partner_id.id, consent.type_id.id): consent
            for consent in self.search(
                [
                    ("partner_id", "in", [key[0] for key in keys if key[0]]),
                    ("type_id", "in", [key[1] for key in keys if key[1]]),
                ]
            )
        }
        to_create = {}
        for key, vals in zip(keys, vals_list):
            if key not in existing and key not in to_create:
                to_create[key] = vals
        created = super().create(list(to_create.values()))
        created._add_history(
            {consent.id: "none" for consent in created}, only_answers=True
        )
        existing.update(zip(to_create, created))
        for key, vals in zip(keys, vals_list):
            if to_create.get(key) is not vals:
                existing[key].write(vals)
        return self.browse([existing[key].id for key in keys])

    def write(self, vals):
        if not vals.keys() & set(HISTORY_FIELDS):
            return super().write(vals)
        if "user_id" not in vals:
            vals = dict(vals, user_id=self.env.uid)
        before = {consent.id: consent._history_snapshot() for consent in self}
        res = super().write(vals)
        changed = self.filtered(lambda c: c._history_snapshot() != before[c.id])
        changed._add_history({c.id: before[c.id][0] for c in changed})
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_answered(self):
        if (
            self.env["privacy.consent.history"]
            .sudo()
            .search_count([("consent_id", "in", self.ids)], limit=1)
        ):
            raise UserError(
                _(
                    "A consent that was answered is evidence and cannot be deleted; "
                    "record its new state instead."
                )
            )

    def _history_snapshot(self):
        return tuple(self[fname] for fname in HISTORY_FIELDS)

    def _add_history(self, old_states, only_answers=False):
        """Add one history row per consent, ``old_states`` mapping id -> old state.

        The context key ``privacy_history_values`` (a dict) overrides values of
        the rows, e.g. the note and the consent request of an automatic change,
        without touching the note of the consent itself.
        """
        consents = self.filtered(lambda c: c.state != "none") if only_answers else self
        if not consents:
            return
        extra_values = self.env.context.get("privacy_history_values") or {}
        self.env["privacy.consent.history"].sudo().create(
            [
                {
                    "consent_id": consent.id,
                    "partner_id": consent.partner_id.id,
                    "type_id": consent.type_id.id,
                    "old_state": old_states[consent.id],
                    "new_state": consent.state,
                    "method": consent.method,
                    "date_given": consent.date_given,
                    "user_id": self.env.uid,
                    "note": consent.note,
                    **{fname: consent[fname] for fname in PROOF_FIELDS},
                    **extra_values,
                }
                for consent in consents
            ]
        )

    # ------------------------------------------------------------
    # Expiry and renewal (daily scheduled action)
    # ------------------------------------------------------------

    @api.model
    def _cron_expire_and_renew(self):
        today = fields.Date.context_today(self)
        self._run_or_retry_soon(self._expire_consents, today)
        self._run_or_retry_soon(self.env["privacy.consent.request"]._expire_requests)
        self._send_renewal_requests(today)

    @api.model
    def _run_or_retry_soon(self, step, *args):
        """Run ``step(*args)``, or leave it to a new run of the scheduled action
        in a minute when a concurrent transaction changed one of its rows.

        Odoo's transactions are REPEATABLE READ: an expiry statement meeting a
        row that an answer on the preference page or a resend committed after
        this run began fails with a serialization failure, and only a new
        transaction can see that row. The step is undone alone (savepoint), the
        rest of the run goes on, and no error is logged for a normal race.
        Links and consents are checked against their dates meanwhile, so a late
        state changes no answer of the one check.
        """
        try:
            with self.env.cr.savepoint():
                return step(*args)
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            self.env.ref("privacy_gdpr.ir_cron_privacy_consent_expiry")._trigger(
                fields.Datetime.now() + timedelta(minutes=1)
            )
            return None

    @api.model
    def _expire_consents(self, date):
        """Mark expired every given consent whose expiry date is ``date`` or before.

        One statement however many consents: the UPDATE and the history rows it
        implies are written together by PostgreSQL.

        :return: the ids of the consents that expired
        """
        self.env.flush_all()
        now = fields.Datetime.now()
        self.env.cr.execute(
            SQL(
                """
                WITH expired AS (
                    UPDATE privacy_partner_consent c
                       SET state = 'expired', write_uid = %(uid)s, write_date = %(now)s
                     WHERE c.state = 'given' AND c.date_expiry <= %(date)s
                 RETURNING c.id, c.partner_id, c.type_id, c.company_id, c.method,
                           c.date_given, c.proof_date, c.proof_ip,
                           c.proof_user_agent, c.proof_text
                )
                INSERT INTO privacy_consent_history (
                    date, consent_id, partner_id, type_id, company_id, old_state,
                    new_state, method, date_given, user_id, note, proof_date,
                    proof_ip, proof_user_agent, proof_text,
                    create_uid, create_date, write_uid, write_date)
                SELECT %(now)s, e.id, e.partner_id, e.type_id, e.company_id, 'given',
                       'expired', e.method, e.date_given, %(uid)s, %(note)s,
                       e.proof_date, e.proof_ip, e.proof_user_agent, e.proof_text,
                       %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM expired e
             RETURNING consent_id
                """,
                uid=self.env.uid,
                now=now,
                date=date,
                note=self.env._("Expired on its expiry date"),
            ),
            # A concurrent answer may make it fail: the cron handles that.
            log_exceptions=False,
        )
        expired_ids = [row[0] for row in self.env.cr.fetchall()]
        self.invalidate_model(["state", "write_uid", "write_date"])
        self.env["privacy.consent.history"].invalidate_model()
        self.env["res.partner"].invalidate_model(["privacy_consent_history_ids"])
        return expired_ids

    @api.model
    def _renewal_domain(self, company, date):
        """Given consents of ``company`` expiring within its renewal notice after
        ``date``, not yet renewed, of partners who have an e-mail address."""
        horizon = date + timedelta(days=company.privacy_renewal_days)
        return [
            ("state", "=", "given"),
            ("renewal_requested", "=", False),
            ("date_expiry", ">", date),
            ("date_expiry", "<=", horizon),
            ("type_id.active", "=", True),
            ("company_id", "in", [False, company.id]),
            ("partner_id.company_id", "in", [False, company.id]),
            ("partner_id.email_normalized", "!=", False),
        ]

    @api.model
    def _send_renewal_requests(self, date, batch_size=RENEWAL_BATCH_SIZE):
        """Send a renewal request to partners whose consents expire soon.

        Each partner receives one request per expiry date, however many of its
        consents expire: all its consents in the notice window are marked as
        renewed together. At most ``batch_size`` partners per run; the
        scheduled action runs again while some remain.

        :return: the partners processed (sent or skipped)
        """
        Partner = self.env["res.partner"]
        processed = Partner
        remaining = 0
        companies = self.env["res.company"].search(
            [("privacy_enabled", "=", True), ("privacy_renewal_enabled", "=", True)]
        )
        for company in companies:
            consents = self.search(self._renewal_domain(company, date))
            partners = consents.partner_id
            batch = partners[: max(batch_size - len(processed), 0)]
            remaining += len(partners) - len(batch)
            if not batch:
                continue
            Request = self.env["privacy.consent.request"].with_company(company)
            skipped = Request._skip_reasons(batch)
            Request._send_to(batch - Partner.browse(list(skipped)), origin="renewal")
            consents.filtered(lambda c, batch=batch: c.partner_id in batch).write(
                {"renewal_requested": True}
            )
            processed |= batch
        self.env["ir.cron"]._notify_progress(done=len(processed), remaining=remaining)
        return processed
