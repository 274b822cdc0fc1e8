from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..events import SOURCES, recording_event
from .privacy_partner_consent import CONSENT_METHODS, CONSENT_STATES

PRIVACY_USER = "privacy_gdpr.group_privacy_user"


class PrivacyConsentHistory(models.Model):
    """Immutable register of every change of a consent: the evidence a DPO shows.

    Each row carries the proof of the event that wrote it (``source``), never
    the proof of an earlier one. Rows are written only by that event (see
    ``privacy.partner.consent._add_history``), then never modified nor deleted.
    """

    _name = "privacy.consent.history"
    _inherit = ["privacy.evidence.mixin"]
    _description = "Consent History"
    _rec_name = "type_id"

    consent_id = fields.Many2one(
        "privacy.partner.consent", readonly=True, index=True, ondelete="cascade"
    )
    partner_id = fields.Many2one(
        "res.partner", required=True, readonly=True, index=True, ondelete="cascade"
    )
    type_id = fields.Many2one(
        "privacy.consent.type",
        string="Consent type",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        related="type_id.company_id", store=True, index=True, precompute=True
    )
    source = fields.Selection(
        SOURCES,
        required=True,
        readonly=True,
        help="What recorded this change: the person on the preference page or "
        "through an unsubscribe link, staff, an import, a new request, the "
        "expiry, a merge of contacts.",
    )
    old_state = fields.Selection(CONSENT_STATES, string="Previous state", readonly=True)
    new_state = fields.Selection(
        CONSENT_STATES, string="New state", required=True, readonly=True
    )
    method = fields.Selection(CONSENT_METHODS, string="Obtained by", readonly=True)
    date_given = fields.Date(readonly=True)
    user_id = fields.Many2one("res.users", string="Recorded by", readonly=True)
    note = fields.Text(readonly=True)
    proof_date = fields.Datetime(readonly=True)
    proof_ip = fields.Char(
        string="Proof IP address", readonly=True, groups=PRIVACY_USER
    )
    proof_user_agent = fields.Char(readonly=True, groups=PRIVACY_USER)
    proof_text = fields.Text(string="Text agreed to", readonly=True)
    proof_link = fields.Char(string="Link used", readonly=True, groups=PRIVACY_USER)
    proof_reference = fields.Char(
        string="Reference", readonly=True, groups=PRIVACY_USER
    )
    proof_document = fields.Binary(
        string="Document", attachment=True, readonly=True, groups=PRIVACY_USER
    )
    proof_document_name = fields.Char(
        string="Document name", readonly=True, groups=PRIVACY_USER
    )
    type_text_id = fields.Many2one(
        "privacy.consent.type.text",
        string="Text version",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
    )
    import_file = fields.Char(string="Imported from", readonly=True)
    import_row = fields.Integer(
        string="Import row",
        readonly=True,
        help="The data row of the imported file, counted as Odoo's import counts "
        "them: the header and empty lines are not counted.",
    )
    request_id = fields.Many2one(
        "privacy.consent.request",
        string="Consent request",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="The request whose preference page recorded this answer, with the "
        "whole text shown.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        if recording_event(self.env) is None:
            raise AccessError(
                _(
                    "The consent history is written by the events that change "
                    "consents; it cannot be written directly."
                )
            )
        return super().create(vals_list)

    @api.model
    def _check_none_recorded(self, domain, message):
        """Refuse, with ``message``, to delete what history rows matching
        ``domain`` record: whoever asks, they stay evidence of it."""
        if self.sudo().search_count(domain, limit=1):
            raise UserError(message)
