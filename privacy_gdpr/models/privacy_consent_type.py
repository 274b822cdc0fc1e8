from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..channels import CHANNEL_FIELDS


class PrivacyConsentType(models.Model):
    _name = "privacy.consent.type"
    _inherit = ["privacy.code.mixin"]
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

    @api.model_create_multi
    def create(self, vals_list):
        consent_types = super().create(vals_list)
        self.env["privacy.partner.consent"]._create_placeholders(
            consent_types=consent_types.filtered("active")
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
        activated = (
            self.filtered(lambda t: not t.active) if vals.get("active") else None
        )
        res = super().write(vals)
        if activated:
            self.env["privacy.partner.consent"]._create_placeholders(
                consent_types=activated
            )
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_recorded(self):
        """Recorded consents are evidence; unanswered placeholder lines are not."""
        if (
            self.env["privacy.consent.history"]
            .sudo()
            .search_count([("type_id", "in", self.ids)], limit=1)
        ):
            raise UserError(
                _(
                    "Consents were already recorded for this type: they are evidence "
                    "and must be kept. Archive the consent type instead."
                )
            )
