from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.tools import format_date

# Names listed per reason in the summary; the others are counted.
SUMMARY_NAMES = 20


class PrivacyConsentRequestWizard(models.TransientModel):
    """Send consent requests to the contacts selected in a list, and say what
    was sent and what was skipped and why.

    People who refused or withdrew a consent are left out unless the user ticks
    *Also ask those who refused or withdrew*: asking them again must be a
    decision, taken with their names under the eyes.
    """

    _name = "privacy.consent.request.wizard"
    _description = "Send Consent Requests"

    partner_ids = fields.Many2many(
        "res.partner",
        string="Contacts",
        default=lambda self: self._default_partner_ids(),
    )
    origin = fields.Selection(
        [("request", "Request"), ("renewal", "Renewal")],
        default="request",
        required=True,
        help="Renewal: the answers stay valid until the person answers again.",
    )
    include_objectors = fields.Boolean(
        string="Also ask those who refused or withdrew",
        help="People who refused or withdrew a consent are left out unless this "
        "is ticked. Their refusals and withdrawals stay recorded until they "
        "answer again.",
    )
    objector_count = fields.Integer(
        string="Contacts who refused or withdrew", compute="_compute_summary"
    )
    state = fields.Selection([("draft", "Draft"), ("done", "Done")], default="draft")
    summary = fields.Html(compute="_compute_summary", sanitize=False)
    result = fields.Html(readonly=True, sanitize=False)

    @api.model
    def _default_partner_ids(self):
        if self.env.context.get("active_model") != "res.partner":
            return []
        return self.env.context.get("active_ids") or []

    @api.model
    def _action_open(self, partners):
        """The dialog for ``partners`` (the contact form's button, when some of
        them refused or withdrew a consent)."""
        wizard = self.create({"partner_ids": [fields.Command.set(partners.ids)]})
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
            "name": _("Send consent request"),
        }

    def _objections(self):
        """``{partner: consents refused or withdrawn}`` of the selected contacts."""
        return (
            self.env["privacy.partner.consent"]
            ._objections(self.partner_ids)
            .grouped("partner_id")
        )

    def _split(self):
        """The partners a request can be sent to, and ``{reason: partners}``."""
        reasons = self.env["privacy.consent.request"]._skip_reasons(self.partner_ids)
        if self.origin == "request" and not self.include_objectors:
            objector_ids = {partner.id for partner in self._objections()}
            for partner in self.partner_ids:
                if partner._origin.id in objector_ids:
                    reasons.setdefault(partner.id, _("refused or withdrew a consent"))
        skipped = {}
        for partner in self.partner_ids.filtered(lambda p: p.id in reasons):
            skipped.setdefault(reasons[partner.id], self.env["res.partner"])
            skipped[reasons[partner.id]] |= partner
        return self.partner_ids.filtered(lambda p: p.id not in reasons), skipped

    @api.depends("partner_ids", "include_objectors", "origin")
    def _compute_summary(self):
        for wizard in self:
            sendable, skipped = wizard._split()
            objections = wizard._objections() if wizard.origin == "request" else {}
            wizard.objector_count = len(objections)
            parts = [
                _(
                    "%(count)s contact(s) will receive a consent request.",
                    count=len(sendable),
                )
            ]
            resent = sendable.filtered("privacy_request_date")
            if wizard.origin == "request" and resent:
                parts.append(
                    _(
                        "%(count)s of them already received one: their earlier "
                        "links stop working and the consents they gave (or that "
                        "wait for confirmation) are reset to “No answer”; "
                        "refusals and withdrawals stay until they answer again "
                        "(the history keeps everything).",
                        count=len(resent),
                    )
                )
            elif wizard.origin == "renewal":
                parts.append(
                    _(
                        "Their earlier links stop working; their answers stay "
                        "valid until they answer again or their consents expire."
                    )
                )
            body = wizard._format(parts, skipped)
            if objections:
                body += wizard._format_objections(objections)
            wizard.summary = body

    @api.model
    def _format_objections(self, objections):
        """Who refused or withdrew what, and since when."""
        states = dict(
            self.env["privacy.partner.consent"]
            ._fields["state"]
            ._description_selection(self.env)
        )
        items = Markup("").join(
            Markup("<li>%s: %s</li>")
            % (
                partner.display_name,
                ", ".join(
                    self.env._(
                        "%(type)s %(state)s on %(date)s",
                        type=consent.type_id.name,
                        state=states[consent.state].lower(),
                        date=format_date(
                            self.env, consent.proof_date or consent.write_date
                        ),
                    )
                    for consent in consents
                ),
            )
            for partner, consents in list(objections.items())[:SUMMARY_NAMES]
        )
        title = _(
            "%(count)s contact(s) refused or withdrew a consent; they are asked "
            "again only if you tick the box below:",
            count=len(objections),
        )
        return Markup("<p>%s</p><ul>%s</ul>") % (title, items)

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
        self.env["privacy.consent.request"]._send_to(
            sendable, origin=self.origin, include_objectors=self.include_objectors
        )
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
