from markupsafe import Markup

from odoo import _, api, fields, models

# Names listed per reason in the summary; the others are counted.
SUMMARY_NAMES = 20


class PrivacyConsentRequestWizard(models.TransientModel):
    """Send consent requests to the contacts selected in a list, and say what
    was sent and what was skipped and why."""

    _name = "privacy.consent.request.wizard"
    _description = "Send Consent Requests"

    partner_ids = fields.Many2many(
        "res.partner",
        string="Contacts",
        default=lambda self: self._default_partner_ids(),
    )
    state = fields.Selection([("draft", "Draft"), ("done", "Done")], default="draft")
    summary = fields.Html(compute="_compute_summary", sanitize=False)
    result = fields.Html(readonly=True, sanitize=False)

    @api.model
    def _default_partner_ids(self):
        if self.env.context.get("active_model") != "res.partner":
            return []
        return self.env.context.get("active_ids") or []

    def _split(self):
        """The partners a request can be sent to, and ``{reason: partners}``."""
        reasons = self.env["privacy.consent.request"]._skip_reasons(self.partner_ids)
        skipped = {}
        for partner in self.partner_ids.filtered(lambda p: p.id in reasons):
            skipped.setdefault(reasons[partner.id], self.env["res.partner"])
            skipped[reasons[partner.id]] |= partner
        return self.partner_ids.filtered(lambda p: p.id not in reasons), skipped

    @api.depends("partner_ids")
    def _compute_summary(self):
        for wizard in self:
            sendable, skipped = wizard._split()
            resent = sendable.filtered("privacy_request_date")
            parts = [
                _(
                    "%(count)s contact(s) will receive a consent request.",
                    count=len(sendable),
                )
            ]
            if resent:
                parts.append(
                    _(
                        "%(count)s of them already received one: their earlier "
                        "links stop working and their current answers are reset "
                        "to “No answer” (the history keeps them).",
                        count=len(resent),
                    )
                )
            wizard.summary = wizard._format(parts, skipped)

    @api.model
    def _format(self, parts, skipped):
        body = Markup("").join(Markup("<p>%s</p>") % part for part in parts)
        if skipped:
            body += Markup("<p>%s</p>") % _(
                "%(count)s contact(s) skipped:",
                count=sum(len(partners) for partners in skipped.values()),
            )
            items = Markup("").join(
                Markup("<li>%s</li>")
                % _(
                    "%(reason)s: %(count)s (%(names)s)",
                    reason=reason,
                    count=len(partners),
                    names=self._names(partners),
                )
                for reason, partners in skipped.items()
            )
            body += Markup("<ul>%s</ul>") % items
        return body

    @api.model
    def _names(self, partners):
        names = ", ".join(partners[:SUMMARY_NAMES].mapped("display_name"))
        if len(partners) > SUMMARY_NAMES:
            names += ", " + _("and %(count)s more", count=len(partners) - SUMMARY_NAMES)
        return names

    def action_send(self):
        self.ensure_one()
        sendable, skipped = self._split()
        self.env["privacy.consent.request"]._send_to(sendable)
        parts = [
            _("Consent request sent to %(count)s contact(s).", count=len(sendable))
        ]
        if sendable:
            parts.append(self._names(sendable))
        self.write({"state": "done", "result": self._format(parts, skipped)})
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": _("Consent requests sent"),
        }
