from odoo import _, api, fields, models
from odoo.tools.safe_eval import safe_eval


class PrivacyConsentExportWizard(models.TransientModel):
    """Choose the contacts and the format of an export of consents."""

    _name = "privacy.consent.export.wizard"
    _description = "Export Consents"

    file_format = fields.Selection(
        [("xlsx", "Excel (XLSX)"), ("csv", "CSV (UTF-8)")],
        string="Format",
        required=True,
        default="xlsx",
    )
    scope = fields.Selection(
        [
            ("selection", "The selected contacts"),
            ("domain", "All the contacts matching the filters"),
        ],
        string="Export",
        required=True,
        default="domain",
    )
    partner_ids = fields.Many2many("res.partner", string="Selected contacts")
    partner_domain = fields.Char(string="Filters", default="[]")
    partner_count = fields.Integer(
        string="Contacts to export", compute="_compute_partner_count"
    )
    sync_limit = fields.Integer(
        default=lambda self: self.env["privacy.consent.export"]._sync_limit()
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        context = self.env.context
        if context.get("active_model") != "res.partner":
            return values
        if context.get("active_domain") is not None:
            values["partner_domain"] = repr(context["active_domain"])
        if context.get("active_ids"):
            values["partner_ids"] = [fields.Command.set(context["active_ids"])]
            values["scope"] = "selection"
        return values

    @api.depends("scope", "partner_ids", "partner_domain")
    def _compute_partner_count(self):
        Partner = self.env["res.partner"]
        for wizard in self:
            wizard.partner_count = Partner.search_count(wizard._partner_domain())

    def _partner_domain(self):
        self.ensure_one()
        if self.scope == "selection":
            # Selected contacts are exported even when archived.
            partners = self.with_context(active_test=False).partner_ids
            return [("id", "in", partners.ids), ("active", "in", [True, False])]
        return safe_eval(self.partner_domain or "[]")

    def action_export(self):
        self.ensure_one()
        export, done = self.env["privacy.consent.export"]._request(
            self._partner_domain(), self.file_format
        )
        if done:
            return export.action_download()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Export started"),
                "message": _(
                    "%(count)s contacts are exported in the background; you will be "
                    "notified in your inbox when the file is ready.",
                    count=export.partner_count,
                ),
                "type": "info",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
