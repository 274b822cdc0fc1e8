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
            "dossiers": [
                self._printed(Dossier._dossier_data(partner)) for partner in partners
            ],
        }

    @api.model
    def _printed(self, dossier):
        """The dossier without the columns empty in every row of their
        section: a page holds what the person has, the workbook keeps them all."""
        sections = []
        for section in dossier["sections"]:
            rows = section["rows"]
            kept = [
                index
                for index in range(len(section["columns"]))
                if not rows or any(row[index] for row in rows)
            ]
            sections.append(
                {
                    **section,
                    "columns": [section["columns"][index] for index in kept],
                    "rows": [[row[index] for index in kept] for row in rows],
                }
            )
        return {**dossier, "sections": sections}
