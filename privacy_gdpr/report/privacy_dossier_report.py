from odoo import api, models


class PrivacyDossierReport(models.AbstractModel):
    """The PDF of the privacy dossier: the data of ``privacy.dossier``."""

    _name = "report.privacy_gdpr.report_privacy_dossier"
    _description = "Privacy dossier report"

    @api.model
    def _get_report_values(self, docids, data=None):
        partners = self.env["res.partner"].browse(docids)
        Dossier = self.env["privacy.dossier"]
        return {
            "doc_ids": docids,
            "doc_model": "res.partner",
            "docs": partners,
            "dossiers": [Dossier._dossier_data(partner) for partner in partners],
        }
