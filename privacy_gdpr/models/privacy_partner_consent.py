from collections import defaultdict
from datetime import date, timedelta

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.modules.module import get_resource_from_path
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import SQL
from odoo.tools.misc import clean_context

from ..channels import CHANNEL_FIELDS
from ..events import (
    EVENT_KEY,
    IMPORT_KEY,
    IMPORT_ROW_KEY,
    ImportSource,
    PrivacyEvent,
    import_source,
    recording_event,
)

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
# The days of consents to calls given before their partner's number was listed
# in the Italian opposition register: a marker that ``_condition_to_sql`` turns
# into SQL (``("date_given", "not in", REVOKED_BY_REGISTER)``: not revoked).
REVOKED_BY_REGISTER = SQL("FALSE")
# Fields whose change is an answer of the person, hence recorded in the history.
HISTORY_FIELDS = ("state", "method", "date_given")
# The proof of an answer: set only from the event that recorded it.
PROOF_FIELDS = (
    "proof_date",
    "proof_ip",
    "proof_user_agent",
    "proof_text",
    "proof_link",
    "proof_reference",
    "proof_document",
    "proof_document_name",
    "import_file",
    "import_row",
    "type_text_id",
    "user_id",
)
# What staff give with an answer they enter (how it was obtained): accepted in
# the values of that entry only, and recorded as its event's proof.
STAFF_INPUTS = ("proof_reference", "proof_document", "proof_document_name")
PROTECTED_FIELDS = frozenset(PROOF_FIELDS) - frozenset(STAFF_INPUTS)
# What staff may record by hand; the other states and methods are recorded by
# their own events (the page, the double opt-in, imports, the expiry).
STAFF_STATES = ("given", "refused", "withdrawn")
STAFF_METHODS = ("oral", "written", "email", "sms", "phone")
# Consents given this way need a reference (a call recording, a scan) or a document.
REFERENCE_METHODS = ("oral", "written", "phone")
# What the context may add to the history rows of a staff entry.
HISTORY_CONTEXT_KEYS = frozenset({"note", "request_id"})
# Merging contacts keeps, for each type, the most protective answer.
MERGE_RANK = {
    "withdrawn": 0,
    "refused": 0,
    "given": 1,
    "pending": 2,
    "expired": 3,
    "none": 4,
}
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
        "res.users",
        string="Recorded by",
        readonly=True,
        copy=False,
        default=lambda self: self.env.user,
    )
    note = fields.Text()
    proof_date = fields.Datetime(string="Proof date", readonly=True, copy=False)
    proof_ip = fields.Char(
        string="Proof IP address",
        readonly=True,
        copy=False,
        groups="privacy_gdpr.group_privacy_user",
    )
    proof_user_agent = fields.Char(
        string="Proof user agent",
        readonly=True,
        copy=False,
        groups="privacy_gdpr.group_privacy_user",
    )
    proof_text = fields.Text(
        string="Text agreed to",
        readonly=True,
        copy=False,
        help="The exact text shown to the person when answering.",
    )
    proof_link = fields.Char(
        string="Link used",
        readonly=True,
        copy=False,
        groups="privacy_gdpr.group_privacy_user",
        help="The path of the link the person answered from, its secret replaced "
        "by a digest.",
    )
    proof_reference = fields.Char(
        string="Reference",
        copy=False,
        groups="privacy_gdpr.group_privacy_user",
        help="How a consent entered by staff can be checked: the reference of the "
        "call recording, of the signed form, of the letter. A consent given "
        "orally, in writing or by phone needs a reference or a document.",
    )
    proof_document = fields.Binary(
        string="Document",
        attachment=True,
        copy=False,
        groups="privacy_gdpr.group_privacy_user",
        help="A scan of the signed form or letter, a call recording.",
    )
    proof_document_name = fields.Char(
        string="Document name", copy=False, groups="privacy_gdpr.group_privacy_user"
    )
    type_text_id = fields.Many2one(
        "privacy.consent.type.text",
        string="Text version",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
        help="The version of the consent type's texts the person agreed to.",
    )
    import_file = fields.Char(
        string="Imported from", readonly=True, copy=False, help="The file imported."
    )
    import_row = fields.Integer(
        string="Import row",
        readonly=True,
        copy=False,
        help="The data row of the imported file, counted as Odoo's import counts "
        "them: the header and empty lines are not counted.",
    )
    is_expired = fields.Boolean(
        string="Expired",
        compute="_compute_is_expired",
        search="_search_is_expired",
        help="Marked expired, or given and past its expiry date today.",
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

    # A new validity of the type is applied by one UPDATE (see
    # _update_date_expiry), not by a dependency on type_id.validity_days that
    # would recompute every consent of the type in Python.
    @api.depends("date_given", "type_id")
    def _compute_date_expiry(self):
        for consent in self:
            days = consent.type_id.validity_days
            consent.date_expiry = (
                consent.date_given + timedelta(days=days)
                if consent.date_given and days
                else False
            )

    @api.model
    def _update_date_expiry(self, consent_types):
        """Apply the validity of ``consent_types`` to all their consents in one
        statement, by the rule of :meth:`_compute_date_expiry`: the day given
        plus the validity, none without a day given or a validity.

        A consent whose expiry date moves may be sent a renewal request again
        (as :meth:`_compute_renewal_requested` does). The state is left to the
        scheduled expiry: meanwhile the one check compares the expiry date.
        """
        if not consent_types:
            return
        self.flush_model(["date_given", "date_expiry", "type_id"])
        consent_types.flush_recordset(["validity_days"])
        self.env.cr.execute(
            SQL(
                """
                UPDATE privacy_partner_consent c
                   SET date_expiry = n.date_expiry, renewal_requested = false
                  FROM (
                    SELECT c2.id,
                           CASE WHEN c2.date_given IS NOT NULL
                                     AND COALESCE(t.validity_days, 0) <> 0
                                THEN c2.date_given + t.validity_days
                           END AS date_expiry
                      FROM privacy_partner_consent c2
                      JOIN privacy_consent_type t ON t.id = c2.type_id
                     WHERE c2.type_id = ANY(%s)
                       AND c2.date_given IS NOT NULL
                  ) n
                 WHERE c.id = n.id
                   AND c.date_expiry IS DISTINCT FROM n.date_expiry
                """,
                consent_types.ids,
            )
        )
        self.invalidate_model(["date_expiry", "renewal_requested", "is_expired"])

    @api.depends("date_expiry")
    def _compute_renewal_requested(self):
        # A new expiry date (the consent was given again) deserves a new renewal.
        self.renewal_requested = False

    @api.depends_context("company")
    @api.depends("state", "date_expiry")
    def _compute_is_expired(self):
        for consent in self:
            consent.is_expired = consent.state == "expired" or (
                consent.state == "given"
                and bool(consent.date_expiry)
                and consent.date_expiry <= consent._privacy_today()
            )

    def _search_is_expired(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(f"Unsupported search: {operator} {value!r}")
        if (operator == "=") == value:
            return self._expired_domain()
        return ["!", *self._expired_domain()]

    def _privacy_today(self):
        """The reference day of this consent: its company's, else its partner's
        company's, else the current company's."""
        self.ensure_one()
        company = self.company_id or self.partner_id.company_id or self.env.company
        return company._privacy_today()

    @api.constrains("state", "method", "date_given")
    def _check_given(self):
        for consent in self:
            if consent.state == "given" and not (consent.method and consent.date_given):
                raise ValidationError(
                    _(
                        "Record how and when %(partner)s gave the consent “%(type)s”.",
                        partner=consent.partner_id.display_name,
                        type=consent.type_id.name,
                    )
                )
            if consent.date_given and consent.date_given > consent._privacy_today():
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
        ``consent_types`` when given), and not expired on that date; for calls,
        not given before its partner's number was listed in the Italian
        opposition register (``privacy.opposition.register.entry``). Today is
        the current company's day (``res.company._privacy_today``), whoever asks.
        """
        if channel not in CHANNEL_FIELDS:
            raise ValueError(f"Unknown privacy channel: {channel!r}")
        date = date or self.env.company._privacy_today()
        type_domain = [(CHANNEL_FIELDS[channel], "=", True), ("active", "=", True)]
        if consent_types is not None:
            type_domain.append(("id", "in", consent_types.ids))
        domain = [
            ("state", "=", "given"),
            ("type_id", "any", type_domain),
            "|",
            ("date_expiry", "=", False),
            ("date_expiry", ">", date),
        ]
        if channel == "call":
            # Registering a number in the Italian opposition register withdraws
            # the consents to calls given before (see _condition_to_sql).
            domain.append(("date_given", "not in", REVOKED_BY_REGISTER))
        return domain

    def _condition_to_sql(self, alias, fname, operator, value, query):
        # The register's condition compares each consent with its partner's
        # registrations: written with the alias the query gives the consent.
        if value is REVOKED_BY_REGISTER and operator in ("in", "not in"):
            return self.env["privacy.opposition.register.entry"]._revoked_consent_sql(
                alias, revoked=operator == "in"
            )
        return super()._condition_to_sql(alias, fname, operator, value, query)

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
    def _withdraw_partners(self, partners, channel, event, consent_types=None):
        """Withdraw, as the person asked, the consents of ``partners`` that are
        valid for ``channel`` (among ``consent_types`` when given).

        ``event`` (a :class:`~odoo.addons.privacy_gdpr.events.PrivacyEvent`) is
        how the withdrawal arrived: its method, note and proof (the unsubscribe
        link used, or the user who put the address on the blocklist) go to the
        history row of each withdrawn consent.

        :return: the withdrawn consents
        """
        if not partners:
            return self.browse()
        consents = self.search(
            [("partner_id", "in", partners.ids)]
            + self._valid_domain(channel, consent_types=consent_types)
        )
        consents._privacy_record(
            event, {"state": "withdrawn", "method": event.method or False}
        )
        return consents

    @api.model
    def _expired_domain(self, date=None):
        """Consents that ran out on ``date`` (default today): marked expired, or
        given and past their expiry date."""
        date = date or self.env.company._privacy_today()
        return [
            "|",
            ("state", "=", "expired"),
            "&",
            ("state", "=", "given"),
            ("date_expiry", "<=", date),
        ]

    @api.model
    def _expired_partner_domain(self):
        """Partners with a consent that ran out (marked expired or not yet)."""
        return [("privacy_consent_ids", "any", self._expired_domain())]

    @api.model
    def _objections(self, partners, channel=None):
        """The refusals and withdrawals of ``partners``, of active types (allowing
        ``channel`` when given): a new request to them needs a confirmation
        naming them, and they object to direct marketing on the channels of
        these types (GDPR art. 21(3)), which no contact reason overrides but
        those of :meth:`privacy.contact.reason._overrides_objection`."""
        type_domain = [("active", "=", True)]
        if channel:
            type_domain.append((CHANNEL_FIELDS[channel], "=", True))
        # With what their texts and days read: one query.
        return self.search_fetch(
            [
                ("partner_id", "in", partners.ids),
                ("state", "in", ("refused", "withdrawn")),
                ("type_id", "any", type_domain),
            ],
            ["partner_id", "type_id", "state", "proof_date", "write_date"],
        )

    def _objection_day(self):
        """The day the person refused or withdrew this consent (the company's
        day of the proof of that answer)."""
        self.ensure_one()
        return self.env.company._privacy_today(self.proof_date or self.write_date)

    @api.model
    def _unanswered_partner_domain(self):
        """Partners who never answered any consent."""
        return [("privacy_consent_ids", "not any", [("state", "!=", "none")])]

    # ------------------------------------------------------------
    # Import
    # ------------------------------------------------------------

    def load(self, fields, data):
        """Odoo's import: each row is recorded as an import of its file and row
        (the import wizard names the file; a direct call has none)."""
        source = import_source(self.env) or ImportSource(None)
        return super(
            PrivacyPartnerConsent, self.with_context(**{IMPORT_KEY: source})
        ).load(fields, data)

    def _load_records(self, data_list, update=False, ignore_duplicates=False):
        # Without an import in progress, the data files of modules (demo data)
        # are loading: their answers are recorded as an import of that file.
        consents = self
        if import_source(self.env) is None and recording_event(self.env) is None:
            path = self.env.context.get("install_filename")
            resource = path and get_resource_from_path(path)
            file_name = f"{resource[0]}/{resource[1]}" if resource else path
            consents = self.with_context(
                **{EVENT_KEY: PrivacyEvent("import", import_file=file_name)}
            )
        return super(PrivacyPartnerConsent, consents)._load_records(
            data_list, update=update, ignore_duplicates=ignore_duplicates
        )

    def _convert_records(self, records, log=lambda a: None):
        """Convert imported rows: partners may be named by e-mail, a row without
        "obtained by" was obtained by import, and a row that cannot be recorded
        (an error on one of its values, a date in the future, proof given in the
        file...) is reported on its line and dropped, since nothing is imported
        while errors remain: the import then reports every bad row once, on its
        own line. Each row keeps its number, recorded with the answer.
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
            proof = sorted(vals.keys() & (PROTECTED_FIELDS | set(STAFF_INPUTS)))
            if proof:
                log(
                    dict(
                        info,
                        type="error",
                        field=proof[0],
                        message=_(
                            "Proof cannot be imported: the import records its own "
                            "(the file and the row). Remove the column “%(field)s”.",
                            field=self._fields[proof[0]]._description_string(self.env),
                        ),
                    )
                )
                continue
            if not (dbid or xid or vals.get("method")):
                vals["method"] = "import"
            error = consents._import_row_error(vals)
            if error:
                # With "obtained by" defaulted, what remains is the day it was given.
                log(dict(info, type="error", field="date_given", message=error))
                continue
            vals[IMPORT_ROW_KEY] = info["rows"]["from"]
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
    def _create_placeholders(self, partners=None, consent_types=None, new_types=False):
        """Insert the missing "no answer" lines, in one statement.

        Not an answer, so no history, and nobody recorded it: "recorded by",
        creator and last editor stay empty, which also spares the insert three
        foreign-key checks per line (the most of its cost at a million
        contacts). ``None`` means every partner, or every active consent type;
        ``new_types``: the types were just created, none of their lines
        exists, so there is no conflict to look for.
        """
        if (partners is not None and not partners) or (
            consent_types is not None and not consent_types
        ):
            return
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO privacy_partner_consent (
                    partner_id, type_id, company_id, state, create_date, write_date)
                SELECT p.id, t.id, t.company_id, 'none',
                       now() at time zone 'UTC', now() at time zone 'UTC'
                  FROM res_partner p
                  JOIN privacy_consent_type t ON %(type_filter)s
                 WHERE %(partner_filter)s
                %(on_conflict)s
                """,
                type_filter=SQL("t.id = ANY(%s)", consent_types.ids)
                if consent_types is not None
                else SQL("t.active"),
                partner_filter=SQL("p.id = ANY(%s)", partners.ids)
                if partners is not None
                else SQL("TRUE"),
                on_conflict=SQL("")
                if new_types
                else SQL("ON CONFLICT (partner_id, type_id) DO NOTHING"),
            )
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
    def _reset_answers(self, partners, note):
        """Set the given and pending answers of ``partners`` back to "no
        answer" (a new consent request was sent), the history keeping them.

        Refusals and withdrawals stay until the person answers again: a new
        request does not make an objection disappear from the register.
        """
        consents = self.sudo().search(
            [
                ("partner_id", "in", partners.ids),
                ("state", "in", ("given", "pending")),
            ]
        )
        consents._privacy_record(
            PrivacyEvent("reset", note=note),
            {"state": "none", "method": False, "date_given": False},
        )

    def _privacy_record(self, event, vals):
        """Write ``vals`` (an answer) on these consents as recorded by ``event``,
        whose proof goes to the consents and their history rows."""
        return self.with_context(**{EVENT_KEY: event}).write(vals)

    @api.model
    def _check_no_proof(self, vals):
        """Refuse proof in values given by a caller: only events write it."""
        proof = sorted(vals.keys() & PROTECTED_FIELDS)
        if proof:
            raise AccessError(
                _(
                    "The proof of a consent (%(fields)s) is recorded by the event "
                    "that produced the answer; it cannot be written.",
                    fields=", ".join(proof),
                )
            )

    @api.model
    def _without_answer_defaults(self):
        """This model without the context's defaults of answers and proof, which
        would otherwise write them without their event."""
        guarded = {
            f"default_{fname}" for fname in (*HISTORY_FIELDS, *PROOF_FIELDS, "note")
        }
        context = {
            key: value for key, value in self.env.context.items() if key not in guarded
        }
        # Keys are removed, not set: the whole context is given.
        return self.with_context(context)  # pylint: disable=context-overridden

    @api.model
    def _history_context_values(self):
        """The note and request that ``privacy_history_values`` gives the rows
        of a staff entry; any other key is a forgery and is refused."""
        values = self.env.context.get("privacy_history_values") or {}
        if not isinstance(values, dict) or values.keys() - HISTORY_CONTEXT_KEYS:
            raise AccessError(
                _(
                    "The history of a consent can be given a note and a consent "
                    "request, nothing else: who, when, the states and the proof "
                    "are recorded by the event itself."
                )
            )
        return values

    @api.model_create_multi
    def create(self, vals_list):
        """Create consents, or record the answer on the partner's existing line.

        A line already exists for every partner and type, so creating a consent
        (from the partner form, an import or code) updates it instead of failing.
        New lines are created without an answer; every answer is then written
        by :meth:`write`, so it gets its history and proof there.
        """
        recording_event(self.env)
        import_source(self.env)
        for vals in vals_list:
            self._check_no_proof(vals)
        self = self._without_answer_defaults()
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
        new_keys = list(dict.fromkeys(key for key in keys if key not in existing))
        created = super().create(
            [
                {"partner_id": partner_id, "type_id": type_id}
                for partner_id, type_id in new_keys
            ]
        )
        existing.update(zip(new_keys, created))
        for key, vals in zip(keys, vals_list):
            answer = {
                fname: value
                for fname, value in vals.items()
                if fname not in ("partner_id", "type_id")
            }
            if answer:
                existing[key].write(answer)
        return self.browse([existing[key].id for key in keys])

    def write(self, vals):
        event = recording_event(self.env)
        source = import_source(self.env)
        history_values = self._history_context_values()
        self._check_no_proof(vals)
        vals = dict(vals)
        row = vals.pop(IMPORT_ROW_KEY, None)
        if row is not None:
            if source is None:
                raise AccessError(_("Only an import gives the row of an answer."))
            event = PrivacyEvent(
                "import",
                import_file=source.file_name,
                import_row=row + source.first_row,
            )
        self._check_same_partner_and_type(vals)
        staff_inputs = {
            fname: vals.pop(fname) for fname in STAFF_INPUTS if fname in vals
        }
        if not vals.keys() & set(HISTORY_FIELDS):
            if staff_inputs:
                raise UserError(
                    _(
                        "A reference or a document is the proof of an answer: "
                        "record it with the answer it proves (its state, how and "
                        "when it was obtained)."
                    )
                )
            return super().write(vals)
        # Without an event, the answer is entered by staff (a form, code).
        staff_entry = event is None
        if staff_entry:
            event = self._staff_event(vals, staff_inputs, history_values)
        elif staff_inputs:
            raise UserError(
                _("A reference or a document is given with an answer entered by staff.")
            )
        before = {consent.id: consent._history_snapshot() for consent in self}
        res = super().write(vals)
        changed = self.filtered(lambda c: c._history_snapshot() != before[c.id])
        if staff_entry:
            changed._check_staff_entry(event)
        for consents, proof in changed._proof_values(event):
            super(PrivacyPartnerConsent, consents).write(proof)
        changed._add_history({c.id: before[c.id][0] for c in changed}, event)
        self.env["privacy.suppression"]._lift_for(changed, event)
        return res

    def _check_same_partner_and_type(self, vals):
        """A consent stays the answer of its partner for its type: moving it
        would put its proof on someone else's answer."""
        for fname in ("partner_id", "type_id"):
            if fname in vals and any(
                consent[fname].id != vals[fname] for consent in self
            ):
                raise UserError(
                    _(
                        "A consent belongs to its contact and consent type; record "
                        "the answer on the right line instead."
                    )
                )

    @api.model
    def _staff_event(self, vals, staff_inputs, history_values):
        """The event of an answer entered by staff (the form, code): who, how it
        was obtained (``vals``), its reference or document."""
        return PrivacyEvent(
            "staff",
            note=history_values.get("note") or vals.get("note") or None,
            request_id=history_values.get("request_id") or None,
            reference=staff_inputs.get("proof_reference") or None,
            document=staff_inputs.get("proof_document") or None,
            document_name=staff_inputs.get("proof_document_name") or None,
        )

    def _check_staff_entry(self, event):
        """Staff record what a person told them: given, refused or withdrawn,
        obtained orally, in writing, by e-mail, SMS or phone, with a reference
        or a document for what was given orally, in writing or by phone."""
        methods = dict(self._fields["method"]._description_selection(self.env))
        if event.request_id:
            consent_request = self.env["privacy.consent.request"].browse(
                event.request_id
            )
            if consent_request.sudo().partner_id != self.partner_id:
                raise AccessError(
                    _("The consent request of a history row must be its contact's.")
                )
        for consent in self:
            names = {
                "partner": consent.partner_id.display_name,
                "type": consent.type_id.name,
            }
            if consent.state not in STAFF_STATES:
                raise UserError(
                    _(
                        "%(partner)s, “%(type)s”: staff record a consent given, "
                        "refused or withdrawn. No answer, pending confirmations "
                        "and expiries are recorded by the preference page, the "
                        "double opt-in and the expiry.",
                        **names,
                    )
                )
            if consent.method and consent.method not in STAFF_METHODS:
                raise UserError(
                    _(
                        "%(partner)s, “%(type)s”: say how the person answered you "
                        "(%(methods)s). Web forms and imports are recorded by the "
                        "preference page and the import.",
                        methods=", ".join(methods[method] for method in STAFF_METHODS),
                        **names,
                    )
                )
            if (
                consent.state == "given"
                and consent.method in REFERENCE_METHODS
                and not (event.reference or event.document)
            ):
                raise ValidationError(
                    _(
                        "%(partner)s, “%(type)s”: a consent obtained by “%(method)s” "
                        "needs a reference (call recording, signed form, letter) or "
                        "an attached document.",
                        method=methods[consent.method],
                        **names,
                    )
                )

    @api.onchange("state", "method", "date_given")
    def _onchange_answer_clear_staff_proof(self):
        # A new answer needs its own reference or document: the one shown was
        # the proof of the previous answer.
        self.proof_reference = False
        self.proof_document = False
        self.proof_document_name = False

    def _proof_values(self, event):
        """The proof of these consents once ``event`` recorded their answer, as
        ``[(consents, values)]`` by version of the texts agreed to (the event's,
        else the current one of a given or pending consent's type)."""
        if not event.type_text_id:
            self.filtered(
                lambda c: c.state in ("given", "pending")
            ).type_id._current_text()
        by_text = self.grouped(
            lambda c: (
                event.type_text_id
                or (c.state in ("given", "pending") and c.type_id.text_id.id)
                or False
            )
        )
        return [
            (
                consents,
                {
                    **event.proof_values(),
                    "user_id": self.env.uid,
                    "type_text_id": type_text_id,
                },
            )
            for type_text_id, consents in by_text.items()
        ]

    @api.ondelete(at_uninstall=False)
    def _unlink_except_answered(self):
        self.env["privacy.consent.history"]._check_none_recorded(
            [("consent_id", "in", self.ids)],
            _(
                "A consent that was answered is evidence and cannot be deleted; "
                "record its new state instead."
            ),
        )

    def _history_snapshot(self):
        return tuple(self[fname] for fname in HISTORY_FIELDS)

    def _add_history(self, old_states, event):
        """Add one history row per consent, ``old_states`` mapping id -> old
        state, with the proof of ``event`` (never an earlier event's)."""
        if not self:
            return
        History = (
            self.env["privacy.consent.history"]
            .sudo()
            .with_context(clean_context(self.env.context), **{EVENT_KEY: event})
        )
        History.create(
            [
                {
                    "date": event.date,
                    "source": event.source,
                    "consent_id": consent.id,
                    "partner_id": consent.partner_id.id,
                    "type_id": consent.type_id.id,
                    "old_state": old_states[consent.id],
                    "new_state": consent.state,
                    "method": consent.method,
                    "date_given": consent.date_given,
                    "user_id": self.env.uid,
                    "note": event.note or False,
                    "request_id": event.request_id or False,
                    "type_text_id": consent.type_text_id.id,
                    **event.proof_values(),
                    **dict(event.extra),
                }
                for consent in self
            ]
        )

    # ------------------------------------------------------------
    # Merging contacts (Odoo's merge wizard)
    # ------------------------------------------------------------

    @api.model
    def _privacy_merge(self, src_partners, dst_partner):
        """Before Odoo merges ``src_partners`` into ``dst_partner``: keep, for
        each consent type, the most protective answer of all of them
        (MERGE_RANK: an objection, then given, pending, expired, no answer; of
        two given, the one expiring first), with the history rows of every
        line, under ``dst_partner``; add a "merge" row saying what was merged.

        Odoo would otherwise delete the lines of ``src_partners`` (one line per
        partner and type), and their history with them.
        """
        self.env.flush_all()
        partner_ids = [*src_partners.ids, dst_partner.id]
        rows = self.env.execute_query(
            SQL(
                """
                SELECT id, partner_id, type_id, state, date_expiry
                  FROM privacy_partner_consent
                 WHERE partner_id = ANY(%s)
                 ORDER BY id
                   FOR UPDATE
                """,
                partner_ids,
            )
        )
        by_type = defaultdict(list)
        for row in rows:
            by_type[row[2]].append(row)
        moves = []  # (loser, winner)
        merged = {}  # winner: (old state of dst, [(partner id, state)])
        for candidates in by_type.values():
            answered = [
                row
                for row in candidates
                if row[1] != dst_partner.id and row[3] != "none"
            ]
            winner = min(
                candidates,
                key=lambda row: (
                    MERGE_RANK[row[3]],
                    row[4] or date.max,
                    row[1] != dst_partner.id,
                    row[0],
                ),
            )
            moves += [(row[0], winner[0]) for row in candidates if row is not winner]
            if answered:
                dst_state = next(
                    (row[3] for row in candidates if row[1] == dst_partner.id), "none"
                )
                merged[winner[0]] = (dst_state, [(row[1], row[3]) for row in answered])
        if moves:
            losers = [loser for loser, _winner in moves]
            self.env.cr.execute(
                SQL(
                    """
                    UPDATE privacy_consent_history h
                       SET consent_id = m.winner
                      FROM unnest(%s::int[], %s::int[]) AS m(loser, winner)
                     WHERE h.consent_id = m.loser
                    """,
                    losers,
                    [winner for _loser, winner in moves],
                )
            )
            # The losers' proof is in their history rows: their own documents go.
            self._proof_documents(self._name, losers).unlink()
            self.env.cr.execute(
                SQL("DELETE FROM privacy_partner_consent WHERE id = ANY(%s)", losers)
            )
        self.env.cr.execute(
            SQL(
                "UPDATE privacy_partner_consent SET partner_id = %s"
                " WHERE partner_id = ANY(%s)",
                dst_partner.id,
                src_partners.ids,
            )
        )
        self.env.invalidate_all()
        self._add_merge_rows(merged, dst_partner)
        self.env.flush_all()

    @api.model
    def _proof_documents(self, model, ids):
        """The attachments of the proof documents of records ``ids`` of ``model``."""
        return (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", model),
                    ("res_field", "=", "proof_document"),
                    ("res_id", "in", ids),
                ]
            )
        )

    @api.model
    def _unlink_proof_documents(self, partners):
        """Delete the proof documents of ``partners``' consents and history,
        which the database's cascade leaves behind when they are deleted."""
        consents = self.sudo().search([("partner_id", "in", partners.ids)])
        history = (
            self.env["privacy.consent.history"]
            .sudo()
            .search([("partner_id", "in", partners.ids)])
        )
        (
            self._proof_documents(self._name, consents.ids)
            | self._proof_documents(history._name, history.ids)
        ).unlink()

    @api.model
    def _add_merge_rows(self, merged, dst_partner):
        """One "merge" history row per consent that took answers of the merged
        contacts (``merged``: see :meth:`_privacy_merge`)."""
        Partner = self.env["res.partner"].sudo().with_context(active_test=False)
        states = dict(self._fields["state"]._description_selection(self.env))
        for consent_id, (dst_state, answers) in merged.items():
            consent = self.browse(consent_id)
            merged_answers = [
                self.env._(
                    "“%(type)s” was %(state)s for %(name)s (id %(id)s)",
                    type=consent.type_id.name,
                    state=states[state],
                    name=Partner.browse(partner_id).display_name,
                    id=partner_id,
                )
                for partner_id, state in answers
            ]
            note = self.env._(
                "Contacts merged into %(partner)s: %(answers)s. The most protective "
                "answer is kept.",
                partner=dst_partner.display_name,
                answers="; ".join(merged_answers),
            )
            consent._add_history(
                {consent.id: dst_state}, PrivacyEvent("merge", note=note)
            )

    # ------------------------------------------------------------
    # Expiry and renewal (daily scheduled action)
    # ------------------------------------------------------------

    @api.model
    def _cron_expire_and_renew(self):
        # Each company's consents expire on the company's day.
        companies = self.env["res.company"].sudo().search([])  # pylint: disable=no-search-all
        for company in companies:
            self._run_or_retry_soon(
                self._expire_consents, company._privacy_today(), company
            )
        self._run_or_retry_soon(self.env["privacy.consent.request"]._expire_requests)
        self._send_renewal_requests()

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
    def _expire_consents(self, date, company=None):
        """Mark expired every given consent whose expiry date is ``date`` or before.

        With ``company``, only the consents of that company: of its consent
        types, or of shared types for partners of the company (partners without
        company belong to the current company). One statement however many
        consents: the UPDATE and the history rows it implies are written
        together by PostgreSQL. The history rows are the expiry's own: no proof
        of the answer that expired is copied, and no user, since nobody
        recorded it (the source says the date did; it also spares three
        foreign-key checks per row).

        :return: the ids of the consents that expired
        """
        self.env.flush_all()
        now = fields.Datetime.now()
        company_filter = SQL()
        if company:
            company_filter = SQL(
                """
                AND (c.company_id = %(company)s
                     OR (c.company_id IS NULL AND c.partner_id IN (
                         SELECT p.id FROM res_partner p
                          WHERE COALESCE(p.company_id, %(default)s) = %(company)s)))
                """,
                company=company.id,
                default=self.env.company.id,
            )
        self.env.cr.execute(
            SQL(
                """
                WITH expired AS (
                    UPDATE privacy_partner_consent c
                       SET state = 'expired', write_uid = %(uid)s, write_date = %(now)s
                     WHERE c.state = 'given' AND c.date_expiry <= %(date)s
                           %(company_filter)s
                 RETURNING c.id, c.partner_id, c.type_id, c.company_id, c.method,
                           c.date_given, c.type_text_id
                )
                INSERT INTO privacy_consent_history (
                    date, source, consent_id, partner_id, type_id, company_id,
                    old_state, new_state, method, date_given, type_text_id,
                    note, proof_date, create_date, write_date)
                SELECT %(now)s, 'expiry', e.id, e.partner_id, e.type_id, e.company_id,
                       'given', 'expired', e.method, e.date_given, e.type_text_id,
                       %(note)s, %(now)s, %(now)s, %(now)s
                  FROM expired e
             RETURNING consent_id
                """,
                uid=self.env.uid,
                now=now,
                date=date,
                company_filter=company_filter,
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
    def _send_renewal_requests(self, date=None, batch_size=RENEWAL_BATCH_SIZE):
        """Send a renewal request to partners whose consents expire soon, as of
        ``date`` (default: each company's day).

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
            partner_ids, left = self._mark_renewal_batch(
                company,
                date or company._privacy_today(),
                max(batch_size - len(processed), 0),
            )
            remaining += left
            if not partner_ids:
                continue
            batch = Partner.browse(partner_ids)
            Request = self.env["privacy.consent.request"].with_company(company)
            skipped = Request._skip_reasons(batch)
            Request._send_to(batch - Partner.browse(list(skipped)), origin="renewal")
            processed |= batch
        self.env["ir.cron"]._notify_progress(done=len(processed), remaining=remaining)
        return processed

    @api.model
    def _mark_renewal_batch(self, company, date, limit):
        """Mark as renewed the consents of ``company`` due for a renewal on
        ``date`` (:meth:`_renewal_domain`) of at most ``limit`` partners (None:
        all), those whose consents expire first, in one statement however many
        consents are due: the set of a million contacts is neither read into
        Python nor written record by record.

        :return: the ids of these partners, and how many partners with
            consents due remain
        """
        self.check_access("write")
        query = self._search(self._renewal_domain(company, date))
        due = query.select(
            SQL.identifier(self._table, "id"),
            SQL.identifier(self._table, "partner_id"),
            SQL.identifier(self._table, "date_expiry"),
        )
        # execute_query flushes the fields the domain reads.
        [(partner_ids, due_partners)] = self.env.execute_query(
            SQL(
                """
                WITH due AS (%(due)s),
                batch AS (
                    SELECT partner_id FROM due
                     GROUP BY partner_id
                     ORDER BY min(date_expiry), partner_id
                     LIMIT %(limit)s
                ),
                marked AS (
                    UPDATE %(table)s c
                       SET renewal_requested = true,
                           write_uid = %(uid)s, write_date = %(now)s
                      FROM due JOIN batch USING (partner_id)
                     WHERE c.id = due.id
                 RETURNING c.partner_id
                )
                SELECT (SELECT array_agg(DISTINCT partner_id) FROM marked),
                       (SELECT count(DISTINCT partner_id) FROM due)
                """,
                due=due,
                limit=limit,
                table=SQL.identifier(self._table),
                uid=self.env.uid,
                now=fields.Datetime.now(),
            )
        )
        self.invalidate_model(["renewal_requested", "write_uid", "write_date"])
        partner_ids = partner_ids or []
        return partner_ids, due_partners - len(partner_ids)
