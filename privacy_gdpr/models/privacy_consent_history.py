from odoo import fields, models

from .privacy_partner_consent import CONSENT_METHODS, CONSENT_STATES


class PrivacyConsentHistory(models.Model):
    """Immutable register of every change of a consent: the evidence a DPO shows."""

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
    old_state = fields.Selection(CONSENT_STATES, string="Previous state", readonly=True)
    new_state = fields.Selection(
        CONSENT_STATES, string="New state", required=True, readonly=True
    )
    method = fields.Selection(CONSENT_METHODS, string="Obtained by", readonly=True)
    date_given = fields.Date(readonly=True)
    user_id = fields.Many2one("res.users", string="Recorded by", readonly=True)
    note = fields.Text(readonly=True)
    proof_date = fields.Datetime(readonly=True)
    proof_ip = fields.Char(string="Proof IP address", readonly=True)
    proof_user_agent = fields.Char(readonly=True)
    proof_text = fields.Text(string="Text agreed to", readonly=True)
    request_id = fields.Many2one(
        "privacy.consent.request",
        string="Consent request",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="The request whose preference page recorded this answer, with the "
        "whole text shown.",
    )
