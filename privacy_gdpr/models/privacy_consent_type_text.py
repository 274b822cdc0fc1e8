from odoo import api, fields, models

# The fields of a consent type that people read before answering: the page
# shows them, so a consent rests on the version of them that was shown.
TEXT_FIELDS = (
    "name",
    "description",
    "extra_text",
    "info_url",
    "allow_mass_mailing",
    "allow_email",
    "allow_sms",
    "allow_call",
    "allow_post",
    "double_optin",
)


class PrivacyConsentTypeText(models.Model):
    """One version of the texts of a consent type shown to people, in every
    language: editing the texts of a type makes a new version and keeps the old
    ones, so each consent points to the very text its person agreed to.

    Written only by ``privacy.consent.type._current_text()``, in SQL (the
    translated fields are copied with all their languages), then never modified
    nor deleted.
    """

    _name = "privacy.consent.type.text"
    _inherit = ["privacy.evidence.mixin"]
    _description = "Consent Type Text Version"
    _order = "type_id, version desc"

    type_id = fields.Many2one(
        "privacy.consent.type",
        string="Consent type",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(related="type_id.company_id", store=True)
    version = fields.Integer(required=True, readonly=True)
    name = fields.Char(readonly=True, translate=True)
    description = fields.Text(readonly=True, translate=True)
    extra_text = fields.Text(readonly=True, translate=True)
    info_url = fields.Char(string="More information", readonly=True)
    allow_mass_mailing = fields.Boolean(string="Allows mass mailing", readonly=True)
    allow_email = fields.Boolean(string="Allows single e-mail", readonly=True)
    allow_call = fields.Boolean(string="Allows calls", readonly=True)
    allow_sms = fields.Boolean(string="Allows SMS", readonly=True)
    allow_post = fields.Boolean(string="Allows postal mail", readonly=True)
    double_optin = fields.Boolean(string="Double opt-in", readonly=True)
    consent_count = fields.Integer(
        string="Valid consents",
        compute="_compute_consent_count",
        help="Consents given on this version and still valid today.",
    )

    _sql_constraints = [
        (
            "type_version_unique",
            "UNIQUE(type_id, version)",
            "A consent type has one text per version number.",
        ),
    ]

    @api.depends("type_id", "version")
    def _compute_display_name(self):
        for text in self:
            text.display_name = self.env._(
                "%(type)s, version %(version)s",
                type=text.type_id.name,
                version=text.version,
            )

    def _compute_consent_count(self):
        Consent = self.env["privacy.partner.consent"]
        counts = dict(
            Consent._read_group(
                [("type_text_id", "in", self.ids), ("is_expired", "=", False)]
                + [("state", "=", "given")],
                ["type_text_id"],
                ["__count"],
            )
        )
        for text in self:
            text.consent_count = counts.get(text, 0)
