from odoo import fields, models

LEGAL_BASES = [
    ("contract", "Contract"),
    ("legal_obligation", "Legal obligation"),
    ("vital_interests", "Vital interests"),
    ("public_task", "Public task"),
    ("legitimate_interests", "Legitimate interests"),
    ("consent", "Consent"),
]


class PrivacyContactReason(models.Model):
    """Why a person may be contacted without a valid consent (GDPR art. 6)."""

    _name = "privacy.contact.reason"
    _inherit = ["privacy.code.mixin"]
    _description = "Contact Reason"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    description = fields.Text(translate=True)
    legal_basis = fields.Selection(
        LEGAL_BASES,
        string="GDPR legal basis",
        required=True,
        default="legitimate_interests",
        help="Lawful basis of the processing, GDPR article 6(1).",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
