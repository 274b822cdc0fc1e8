from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..channels import CHANNEL_FIELDS
from .privacy_consent_type_text import TEXT_FIELDS


class PrivacyConsentType(models.Model):
    _name = "privacy.consent.type"
    _inherit = ["privacy.code.mixin", "privacy.audit.mixin"]
    _description = "Consent Type"
    _order = "sequence, id"
    # Imports and integrations name a type by its code.
    _rec_names_search = ["name", "code"]

    name = fields.Char(required=True, translate=True)
    description = fields.Text(
        translate=True, help="What the person agrees to: the purpose of the processing."
    )
    info_url = fields.Char(
        string="More information",
        help="Link to a page or document that tells more about this consent.",
    )
    extra_text = fields.Text(
        translate=True,
        help="Additional text shown to the person when asked to consent.",
    )
    validity_days = fields.Integer(
        string="Validity (days)",
        help="Number of days a given consent stays valid. 0 means it never expires.",
    )
    allow_mass_mailing = fields.Boolean(
        string="Allows mass mailing", help="Newsletters and e-mail marketing campaigns."
    )
    allow_email = fields.Boolean(string="Allows single e-mail")
    allow_call = fields.Boolean(string="Allows calls")
    allow_sms = fields.Boolean(
        string="Allows SMS", help="Single SMS and SMS marketing campaigns."
    )
    allow_post = fields.Boolean(string="Allows postal mail")
    double_optin = fields.Boolean(
        string="Double opt-in",
        help="A consent given by the person stays pending until they confirm it "
        "from a link sent by e-mail.",
    )
    is_locked = fields.Boolean(
        string="Default type",
        readonly=True,
        help="Shipped with the module: its code and channels cannot be changed, "
        "its texts can.",
    )
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        "res.company",
        index=True,
        help="Leave empty to share this consent type between all companies.",
    )
    consent_ids = fields.One2many("privacy.partner.consent", "type_id")
    text_id = fields.Many2one(
        "privacy.consent.type.text",
        string="Current text version",
        readonly=True,
        copy=False,
        help="The version of the texts shown to people now.",
    )
    text_ids = fields.One2many(
        "privacy.consent.type.text", "type_id", string="Text versions"
    )
    old_text_consent_count = fields.Integer(
        string="Valid consents on older texts",
        compute="_compute_old_text_consent_count",
        help="Valid consents given on an earlier version of the texts (or before "
        "the texts were versioned): their persons agreed to another wording.",
    )

    # Changes recorded in the audit log: what the one check and the expiry rest on.
    _privacy_audited_fields = (
        "code",
        "active",
        "company_id",
        "validity_days",
        *CHANNEL_FIELDS.values(),
        "double_optin",
    )

    def _code_conflict_domain(self):
        # A shared type and a company's type with the same code would make the
        # code ambiguous for that company.
        domain = super()._code_conflict_domain()
        if self.company_id:
            return domain + [("company_id", "in", [False, self.company_id.id])]
        return domain

    @api.constrains("validity_days")
    def _check_validity_days(self):
        if any(consent_type.validity_days < 0 for consent_type in self):
            raise ValidationError(
                _("The validity of a consent type cannot be negative.")
            )

    @api.constrains("double_optin", "allow_email", "allow_mass_mailing")
    def _check_double_optin(self):
        for consent_type in self:
            if consent_type.double_optin and not (
                consent_type.allow_email or consent_type.allow_mass_mailing
            ):
                raise ValidationError(
                    _(
                        "Double opt-in confirms consent by e-mail: the consent type "
                        "“%(name)s” must allow e-mails (single or mass mailing) to use "
                        "it.",
                        name=consent_type.name,
                    )
                )

    def _old_text_consents_domain(self):
        return [
            ("type_id", "in", self.ids),
            ("state", "=", "given"),
            ("is_expired", "=", False),
        ]

    @api.depends("text_id")
    def _compute_old_text_consent_count(self):
        consents = self.env["privacy.partner.consent"]._read_group(
            self._old_text_consents_domain(),
            ["type_id", "type_text_id"],
            ["__count"],
        )
        counts = dict.fromkeys(self.ids, 0)
        for consent_type, type_text, count in consents:
            if type_text != consent_type.text_id:
                counts[consent_type.id] += count
        for consent_type in self:
            consent_type.old_text_consent_count = counts.get(consent_type.id, 0)

    def _old_text_consents(self):
        """The valid consents of these types given on another text than the
        current one (or before texts were versioned)."""
        self._current_text()
        consents = self.env["privacy.partner.consent"].search(
            self._old_text_consents_domain()
        )
        return consents.filtered(lambda c: c.type_text_id != c.type_id.text_id)

    def action_privacy_open_old_text_consents(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Consents on older texts"),
            "res_model": "privacy.partner.consent",
            "view_mode": "list,form",
            "domain": [("id", "in", self._old_text_consents().ids)],
        }

    def action_privacy_renew_old_texts(self):
        """Ask the persons whose valid consents rest on an older text to answer
        again, with the renewal request (their answers stay valid meanwhile)."""
        self.ensure_one()
        partners = self._old_text_consents().partner_id
        if not partners:
            raise UserError(
                _("Every valid consent of this type rests on its current text.")
            )
        return {
            "type": "ir.actions.act_window",
            "name": _("Ask to renew consents given on older texts"),
            "res_model": "privacy.consent.request.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_partner_ids": partners.ids,
                "default_origin": "renewal",
            },
        }

    def _current_text(self):
        """The current version of the texts of these types, shown to people and
        agreed to: a new version is made first for each type whose texts (in
        any language) differ from its current version.

        The one way to the current version: the preference page and the
        answers recorded ask here (a translation loaded from a ``.po`` file
        changes the texts without ``write``).

        :return: the ``privacy.consent.type.text`` of ``self``
        """
        if not self.ids:
            return self.env["privacy.consent.type.text"]
        self.flush_recordset(list(TEXT_FIELDS))
        columns = SQL(", ").join(SQL.identifier(fname) for fname in TEXT_FIELDS)
        type_columns = SQL(", ").join(
            SQL.identifier("t", fname) for fname in TEXT_FIELDS
        )
        text_columns = SQL(", ").join(
            SQL.identifier("v", fname) for fname in TEXT_FIELDS
        )
        created = self.env.execute_query(
            SQL(
                """
                INSERT INTO privacy_consent_type_text (
                    type_id, company_id, version, date, %(columns)s,
                    create_uid, create_date, write_uid, write_date)
                SELECT t.id, t.company_id, COALESCE(v.version, 0) + 1, %(now)s,
                       %(type_columns)s, %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM privacy_consent_type t
             LEFT JOIN privacy_consent_type_text v ON v.id = t.text_id
                 WHERE t.id = ANY(%(ids)s)
                   AND (v.id IS NULL
                        OR (%(type_columns)s) IS DISTINCT FROM (%(text_columns)s))
             RETURNING type_id, id
                """,
                columns=columns,
                type_columns=type_columns,
                text_columns=text_columns,
                now=fields.Datetime.now(),
                uid=self.env.uid,
                ids=self.ids,
            )
        )
        if created:
            self.env.cr.execute(
                SQL(
                    """
                    UPDATE privacy_consent_type t SET text_id = n.text_id
                      FROM unnest(%s::int[], %s::int[]) AS n(type_id, text_id)
                     WHERE t.id = n.type_id
                    """,
                    [type_id for type_id, _text_id in created],
                    [text_id for _type_id, text_id in created],
                )
            )
            self.invalidate_recordset(["text_id", "text_ids"])
        return self.text_id

    def _update_field_translations(
        self, field_name, translations, digest=None, source_lang=None
    ):
        # The translation dialog writes translations without write().
        res = super()._update_field_translations(
            field_name, translations, digest=digest, source_lang=source_lang
        )
        if field_name in TEXT_FIELDS:
            self._current_text()
        return res

    @api.model_create_multi
    def create(self, vals_list):
        consent_types = super().create(vals_list)
        consent_types._current_text()
        self.env["privacy.partner.consent"]._create_placeholders(
            consent_types=consent_types.filtered("active"), new_types=True
        )
        return consent_types

    def write(self, vals):
        locked_fields = {"code", *CHANNEL_FIELDS.values()} & vals.keys()
        if locked_fields:
            changed = self.filtered(
                lambda t: (
                    t.is_locked
                    and any(t[fname] != vals[fname] for fname in locked_fields)
                )
            )
            if changed:
                raise UserError(
                    _(
                        "The code and channels of the default consent type “%(name)s” "
                        "cannot be changed; create a new consent type instead.",
                        name=changed[0].name,
                    )
                )
        if "company_id" in vals:
            self._check_company_change(vals["company_id"])
        activated = (
            self.filtered(lambda t: not t.active) if vals.get("active") else None
        )
        res = super().write(vals)
        if "validity_days" in vals:
            self.env["privacy.partner.consent"]._update_date_expiry(self)
        if vals.keys() & set(TEXT_FIELDS):
            self._current_text()
        if activated:
            self.env["privacy.partner.consent"]._create_placeholders(
                consent_types=activated
            )
        return res

    def _check_company_change(self, company_id):
        """Refuse to move a type with consents to another company: its
        consents, their history and their proof belong to its company."""
        moved = self.filtered(lambda t: t.company_id.id != (company_id or False))
        if moved and (
            self.env["privacy.partner.consent"]
            .sudo()
            .search_count([("type_id", "in", moved.ids)], limit=1)
        ):
            raise UserError(
                _(
                    "The company of a consent type that has consents cannot be "
                    "changed: they belong to its company. Create a consent type "
                    "for the other company instead."
                )
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_recorded(self):
        """Recorded consents are evidence; unanswered placeholder lines are not."""
        self.env["privacy.consent.history"]._check_none_recorded(
            [("type_id", "in", self.ids)],
            _(
                "Consents were already recorded for this type: they are evidence "
                "and must be kept. Archive the consent type instead."
            ),
        )
