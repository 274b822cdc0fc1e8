from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..exceptions import PrivacyReasonRequired

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
    _inherit = ["privacy.code.mixin", "privacy.audit.mixin"]
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

    @api.model
    def _contract_reason(self):
        """The reason logged for documents sent under a contract: the shipped
        "Performance of a contract", else the first active one on that basis."""
        reason = self.env.ref(
            "privacy_gdpr.contact_reason_contract", raise_if_not_found=False
        )
        if reason and reason.active:
            return reason
        return self.search([("legal_basis", "=", "contract")], limit=1)

    @api.model
    def _from_context(self):
        """The contact reason and note given by the user for the current contact.

        The reason dialog passes them in the context (``privacy_contact_reason_id``,
        ``privacy_contact_note``), so that they travel with the RPC that contacts.

        :return: ``(reason, note)``, ``reason`` empty when none was given
        """
        value = self.env.context.get("privacy_contact_reason_id")
        try:
            reason = self.browse(int(value or 0)).exists()
        except (TypeError, ValueError):
            reason = self.browse()
        return reason, self.env.context.get("privacy_contact_note") or False

    def _check_usable_for(self, names, channel):
        """Refuse to contact the people ``names`` on ``channel`` unless ``self`` is
        an active contact reason.

        :param names: names of the people without a valid consent (not empty)
        :raise PrivacyReasonRequired: when ``self`` is empty
        :raise UserError: when ``self`` is archived
        """
        channel_label = dict(
            self.env["privacy.contact.log"]
            ._fields["channel"]
            ._description_selection(self.env)
        )[channel]
        if not self:
            raise PrivacyReasonRequired(
                _(
                    "A contact reason is required to contact %(people)s (%(channel)s): "
                    "they have not given a valid consent.",
                    people=", ".join(names),
                    channel=channel_label,
                )
            )
        self.ensure_one()
        if not self.active:
            raise UserError(
                _(
                    "The contact reason “%(reason)s” is archived: choose another one.",
                    reason=self.name,
                )
            )
