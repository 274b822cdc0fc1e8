from odoo import api, fields, models

from ..channels import CHANNELS


class PrivacyReachabilityReport(models.TransientModel):
    """How many contacts each channel may reach today, as the one check says.

    Computed when opened (the validity of a consent depends on the day), one line
    per channel.
    """

    _name = "privacy.reachability.report"
    _description = "Contacts Reachable per Channel"
    _order = "id"

    channel = fields.Selection(CHANNELS, required=True, readonly=True)
    allowed_count = fields.Integer(string="Contacts allowed", readonly=True)
    partner_count = fields.Integer(string="Contacts", readonly=True)
    share = fields.Float(
        string="Share (%)", compute="_compute_share", aggregator=False, digits=(16, 1)
    )

    @api.depends("allowed_count", "partner_count")
    def _compute_share(self):
        for line in self:
            line.share = (
                100.0 * line.allowed_count / line.partner_count
                if line.partner_count
                else 0.0
            )

    @api.model
    def _compute_lines(self):
        """One line per channel: the contacts the one check allows among all."""
        Partner = self.env["res.partner"]
        total = Partner.search_count([])
        return self.create(
            [
                {
                    "channel": channel,
                    "partner_count": total,
                    "allowed_count": Partner.search_count(
                        Partner._privacy_consent_domain(channel)
                    ),
                }
                for channel, _label in CHANNELS
            ]
        )

    @api.model
    def action_open(self):
        lines = self._compute_lines()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "privacy_gdpr.privacy_reachability_report_action"
        )
        action["domain"] = [("id", "in", lines.ids)]
        return action

    def action_open_partners(self):
        """The contacts this channel may reach today."""
        self.ensure_one()
        Partner = self.env["res.partner"]
        return {
            "type": "ir.actions.act_window",
            "name": dict(self._fields["channel"]._description_selection(self.env))[
                self.channel
            ],
            "res_model": "res.partner",
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": Partner._privacy_consent_domain(self.channel),
        }
