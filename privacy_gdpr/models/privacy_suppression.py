import hashlib
import hmac

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..channels import CHANNEL_FIELDS, CHANNELS
from ..events import SOURCES, PrivacyEvent

REASONS = [
    ("erasure", "Erasure"),
    ("anonymisation", "Anonymisation"),
    ("retention", "Retention limit"),
]
# The sources of a new explicit consent of the person, which lift an entry.
LIFTING_SOURCES = ("page", "double_optin", "web_form", "staff")
# What lifting an entry writes; the rest of an entry never changes.
LIFT_FIELDS = {"active", "date_lifted", "lift_source", "lift_history_id"}


class PrivacySuppression(models.Model):
    """An address or number whose person was erased or anonymised, kept only
    as a keyed hash with the channels objected: whoever comes back with it (an
    import, a web form, a new contact) is marked as objecting at once, until
    they give a new explicit consent (GDPR art. 17 and 21)."""

    _name = "privacy.suppression"
    _description = "Suppression Entry"
    _order = "date desc, id desc"
    _rec_name = "kind"

    # HMAC-SHA256 keyed with the database secret: without the key, the hash
    # of an address cannot be computed from a list of addresses.
    # Indexed by its UNIQUE constraint.
    hash = fields.Char(required=True, readonly=True)
    kind = fields.Selection(
        [("email", "E-mail address"), ("phone", "Phone number")],
        required=True,
        readonly=True,
    )
    channels = fields.Char(
        string="Channel codes",
        required=True,
        readonly=True,
        help="The codes of the channels objected, separated by commas.",
    )
    channel_names = fields.Char(
        string="Channels objected", compute="_compute_channel_names"
    )
    reason = fields.Selection(REASONS, required=True, readonly=True)
    date = fields.Datetime(required=True, readonly=True)
    active = fields.Boolean(default=True, readonly=True)
    date_lifted = fields.Datetime(string="Lifted on", readonly=True)
    lift_source = fields.Selection(SOURCES, string="Lifted by", readonly=True)
    lift_history_id = fields.Many2one(
        "privacy.consent.history",
        string="Consent that lifted it",
        readonly=True,
        ondelete="set null",
    )

    _sql_constraints = [
        ("hash_unique", "UNIQUE(hash)", "An address or number has one entry."),
    ]

    def write(self, vals):
        # Managers lift (archive) or delete entries; what an entry says is
        # written by the erasure alone.
        if vals.keys() - LIFT_FIELDS:
            raise UserError(
                _(
                    "A suppression entry keeps what was erased; it can only be "
                    "lifted or deleted."
                )
            )
        return super().write(vals)

    @api.depends("channels")
    def _compute_channel_names(self):
        # The labels of the channels, translated, as every channel field has them.
        labels = dict(
            self.env["privacy.reachability.report"]
            ._fields["channel"]
            ._description_selection(self.env)
        )
        for entry in self:
            entry.channel_names = ", ".join(
                labels.get(code, code) for code in (entry.channels or "").split(",")
            )

    # ------------------------------------------------------------
    # Hashes
    # ------------------------------------------------------------

    @api.model
    def _hasher(self):
        """A function hashing a normalised address or number with the key of
        this database."""
        secret = self.env["ir.config_parameter"].sudo().get_param("database.secret")
        key = secret.encode()

        def digest(value):
            return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()

        return digest

    @api.model
    def _identifier_rows(self, partner_ids):
        """``[(partner_id, kind, value)]``: the normalised e-mail and E.164
        numbers of ``partner_ids``, read in one query (any number of them)."""
        if not partner_ids:
            return []
        self.env["res.partner"].flush_model(
            ["email_normalized", "privacy_phone_e164", "privacy_mobile_e164"]
        )
        rows = self.env.execute_query(
            SQL(
                """
                SELECT id, email_normalized, privacy_phone_e164, privacy_mobile_e164
                  FROM res_partner
                 WHERE id = ANY(%s)
                """,
                list(partner_ids),
            )
        )
        return self._rows(rows)

    @api.model
    def _record_rows(self, partners):
        """The same as :meth:`_identifier_rows`, from the records in memory:
        just created or written, they need no query."""
        return self._rows(
            (p.id, p.email_normalized, p.privacy_phone_e164, p.privacy_mobile_e164)
            for p in partners
        )

    @api.model
    def _rows(self, values):
        return [
            (partner_id, kind, value)
            for partner_id, email, phone, mobile in values
            for kind, value in (("email", email), ("phone", phone), ("phone", mobile))
            if value
        ]

    @api.model
    def _hashed(self, rows):
        """``{hash: (kind, {partner_id})}`` of identifier ``rows``."""
        digest = self._hasher()
        hashed = {}
        for partner_id, kind, value in rows:
            hashed.setdefault(digest(value), (kind, set()))[1].add(partner_id)
        return hashed

    # ------------------------------------------------------------
    # Writing entries
    # ------------------------------------------------------------

    @api.model
    def _suppress(self, partner_ids, reason):
        """Leave an entry for each identifier of ``partner_ids`` (before their
        erasure): one INSERT for all of them. An entry that exists again
        objects to every channel, lifted or not."""
        hashed = self._hashed(self._identifier_rows(partner_ids))
        if not hashed:
            return
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO privacy_suppression (
                    hash, kind, channels, reason, date, active,
                    create_uid, create_date, write_uid, write_date)
                SELECT h.hash, h.kind, %(channels)s, %(reason)s, %(now)s, TRUE,
                       %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM unnest(%(hashes)s::varchar[], %(kinds)s::varchar[])
                       AS h(hash, kind)
                ON CONFLICT (hash) DO UPDATE
                   SET channels = EXCLUDED.channels, reason = EXCLUDED.reason,
                       date = EXCLUDED.date, active = TRUE, date_lifted = NULL,
                       lift_source = NULL, lift_history_id = NULL,
                       write_uid = EXCLUDED.write_uid, write_date = EXCLUDED.write_date
                """,
                channels=self._all_channels(),
                reason=reason,
                now=fields.Datetime.now(),
                uid=self.env.uid,
                hashes=list(hashed),
                kinds=[kind for kind, _partners in hashed.values()],
            )
        )
        self.invalidate_model()

    @api.model
    def _all_channels(self):
        """An erased person is not contacted again on any channel: asking to be
        forgotten objects to all direct marketing (art. 21(3))."""
        return ",".join(code for code, _label in CHANNELS)

    # ------------------------------------------------------------
    # Matching contacts
    # ------------------------------------------------------------

    @api.model
    def _matches(self, partners):
        """``{partner_id: {channel}}``: those of ``partners`` whose address or
        number has an active entry, in one query."""
        return self._matching(self._record_rows(partners.sudo()))

    @api.model
    def _matching(self, rows):
        """``{record_id: {channel}}`` of identifier ``rows`` (``(record_id,
        kind, normalised value)``) that have an active entry, in one query."""
        hashed = self._hashed(rows)
        if not hashed:
            return {}
        self.flush_model()
        found = self.env.execute_query(
            SQL(
                "SELECT hash, channels FROM privacy_suppression"
                " WHERE active AND hash = ANY(%s)",
                list(hashed),
            )
        )
        matches = {}
        for digest, channels in found:
            for record_id in hashed[digest][1]:
                matches.setdefault(record_id, set()).update(channels.split(","))
        return matches

    @api.model
    def _apply_to(self, partners):
        """Mark those of ``partners`` matching an entry as objecting on its
        channels: their consents of types allowing one of them are refused (or
        withdrawn, when given), recorded by the "suppression" event.

        :return: the partners matched
        """
        matches = self._matches(partners)
        if not matches:
            return partners.browse()
        Consent = self.env["privacy.partner.consent"].sudo()
        matched = partners.browse(list(matches))
        Consent._create_placeholders(partners=matched)
        consents = Consent.search(
            [
                ("partner_id", "in", matched.ids),
                ("state", "not in", ("refused", "withdrawn")),
            ]
        ).filtered(
            lambda c: any(
                c.type_id[CHANNEL_FIELDS[channel]]
                for channel in matches[c.partner_id.id]
            )
        )
        event = PrivacyEvent(
            "suppression",
            note=self.env._(
                "Objection kept after the erasure of a contact with the same "
                "address or number"
            ),
        )
        for objected, state in (
            (consents.filtered(lambda c: c.state in ("given", "pending")), "withdrawn"),
            (
                consents.filtered(lambda c: c.state not in ("given", "pending")),
                "refused",
            ),
        ):
            objected._privacy_record(
                event, {"state": state, "method": False, "date_given": False}
            )
        return matched

    @api.model
    def _suppressed(self, partners):
        """Those of ``partners`` whose address or number has an active entry."""
        return partners.browse(list(self._matches(partners)))

    @api.model
    def _lift_for(self, consents, event):
        """``consents`` were just given by their person (``event``): a new
        explicit consent lifts the entries of their addresses and numbers, the
        history row of the consent being its proof."""
        # A staff entry lifts it with its proof: a reference or a document.
        if event.source not in LIFTING_SOURCES or (
            event.source == "staff" and not (event.reference or event.document)
        ):
            return
        # Given, not pending: an address typed on a form lifts nothing until
        # its person confirms it (double opt-in).
        given = consents.filtered(lambda c: c.state == "given")
        if not given:
            return
        hashed = self._hashed(self._record_rows(given.partner_id.sudo()))
        entries = self.sudo().search([("hash", "in", list(hashed))])
        if not entries:
            return
        history = (
            self.env["privacy.consent.history"]
            .sudo()
            .search([("consent_id", "in", given.ids)], order="id desc", limit=1)
        )
        entries.write(
            {
                "active": False,
                "date_lifted": event.date,
                "lift_source": event.source,
                "lift_history_id": history.id,
            }
        )
