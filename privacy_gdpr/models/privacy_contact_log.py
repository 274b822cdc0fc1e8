from odoo import api, fields, models

from ..channels import LOGGED_CHANNELS
from .privacy_contact_reason import LEGAL_BASES


class PrivacyContactLog(models.Model):
    """A contact made without a valid consent, and the reason that allowed it.

    Immutable like the consent history: it is the evidence of why the person was
    contacted.
    """

    _name = "privacy.contact.log"
    _inherit = ["privacy.evidence.mixin"]
    _description = "Contact Log"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner", required=True, readonly=True, index=True, ondelete="cascade"
    )
    channel = fields.Selection(LOGGED_CHANNELS, required=True, readonly=True)
    reason_id = fields.Many2one(
        "privacy.contact.reason",
        required=True,
        readonly=True,
        ondelete="restrict",
    )
    # Copied, not related: the evidence keeps the basis claimed at the time.
    legal_basis = fields.Selection(
        LEGAL_BASES, string="GDPR legal basis", readonly=True
    )
    note = fields.Text(readonly=True)
    user_id = fields.Many2one(
        "res.users",
        string="Contacted by",
        required=True,
        readonly=True,
        default=lambda self: self.env.user,
    )
    company_id = fields.Many2one(
        "res.company", readonly=True, index=True, default=lambda self: self.env.company
    )
    res_model = fields.Char(string="Document model", readonly=True)
    res_id = fields.Many2oneReference(
        string="Document", model_field="res_model", readonly=True
    )
    message_id = fields.Many2one("mail.message", readonly=True, ondelete="set null")
    call_reference = fields.Char(
        readonly=True, help="Identifier of the call in the telephony system."
    )
    phone_number = fields.Char(readonly=True)

    @api.model
    def _record_contact(self, partners, channel, reason, **log_values):
        """Contact ``partners`` on ``channel``: those without a valid consent
        (``res.partner._privacy_needing_reason``) need ``reason``, a
        ``privacy.contact.reason``, and are logged with it.

        The one place where e-mails, SMS and calls check a reason and log.

        :param log_values: see :meth:`_log_contacts`
        :return: the rows written
        :raise PrivacyReasonRequired: some need a reason and ``reason`` is empty
        :raise UserError: ``reason`` is archived
        :raise PrivacyReasonRefused: ``reason`` may not be used for some of
            them (see ``privacy.contact.reason._refusals``)
        """
        needing = partners._privacy_needing_reason(channel)
        if needing:
            reason._check_usable_for(needing, channel)
        return self._log_contacts(needing, channel, reason, **log_values)

    @api.model
    def _log_contacts(self, partners, channel, reason, **values):
        """Record that ``partners`` were contacted on ``channel`` for ``reason``.

        ``values``: note, res_model, res_id, message_id, call_reference,
        phone_number. Written as superuser: salespeople log contacts without
        having rights on the log itself.
        """
        return self.sudo().create(
            [
                {
                    "partner_id": partner.id,
                    "channel": channel,
                    "reason_id": reason.id,
                    "legal_basis": reason.legal_basis,
                    "user_id": self.env.uid,
                    "company_id": self.env.company.id,
                    **values,
                }
                for partner in partners
            ]
        )
