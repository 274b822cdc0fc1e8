from odoo import api, models

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

    @api.model
    def _run_wkhtmltopdf(self, bodies, report_ref=False, **kwargs):
        # Odoo lets every page's scripts run for a second (report.print_delay)
        # before printing; the dossier's page has none, so it prints at once.
        report = self
        if report_ref and self._get_report(report_ref).report_name == DOSSIER_REPORT:
            report = self.with_context(privacy_report_script_delay=0)
        return super(IrActionsReport, report)._run_wkhtmltopdf(
            bodies, report_ref=report_ref, **kwargs
        )

    def _build_wkhtmltopdf_args(self, *args, **kwargs):
        command_args = super()._build_wkhtmltopdf_args(*args, **kwargs)
        delay = self.env.context.get("privacy_report_script_delay")
        if delay is not None:
            command_args[command_args.index("--javascript-delay") + 1] = str(delay)
        return command_args
