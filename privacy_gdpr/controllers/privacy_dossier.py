from odoo import http
from odoo.http import content_disposition, request


class PrivacyDossier(http.Controller):
    @http.route(
        "/privacy/dossier/<int:partner_id>/xlsx",
        type="http",
        auth="user",
        methods=["GET"],
    )
    def dossier_xlsx(self, partner_id):
        """The person's dossier as a workbook; ``privacy.dossier`` checks that
        the user is a Privacy User, the record rules that the contact is theirs."""
        partner = request.env["res.partner"].browse(partner_id).exists()
        if not partner:
            raise request.not_found()
        partner.check_access("read")
        Dossier = request.env["privacy.dossier"]
        content = Dossier._dossier_xlsx(partner)
        return request.make_response(
            content,
            headers=[
                (
                    "Content-Type",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ),
                (
                    "Content-Disposition",
                    content_disposition(Dossier._dossier_file_name(partner, "xlsx")),
                ),
            ],
        )
