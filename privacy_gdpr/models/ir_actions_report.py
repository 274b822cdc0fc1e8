from odoo import models

DOSSIER_REPORT = "privacy_gdpr.report_privacy_dossier"


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _get_layout(self):
        # A dossier's tables run to thousands of rows: wkhtmltopdf spends
        # minutes matching them against the reports' style sheets (Bootstrap),
        # a second with the dossier's own few rules.
        if len(self) == 1 and self.report_name == DOSSIER_REPORT:
            return self.env.ref("privacy_gdpr.report_privacy_dossier_layout")
        return super()._get_layout()
