from odoo import http
from odoo.http import request
from odoo.tools.misc import get_lang

from odoo.addons.privacy_gdpr.controllers.consent_page import ROUTE, PrivacyConsentPage


class PrivacyLeadConsentConfirm(PrivacyConsentPage):
    """The double opt-in of consents given on a web form that created a lead
    without contact: the link e-mailed to the address the form was sent with.
    GET only shows a button; POST confirms."""

    @http.route("/privacy/lead/confirm/<string:token>", methods=["GET"], **ROUTE)
    def privacy_lead_confirm_page(self, token, **kwargs):
        rows, problem = self._lead_consents_from_token(token)
        if problem:
            return self._bad_link(problem)
        return request.render(
            "privacy_gdpr.privacy_confirm_page",
            {
                "company": rows.company_id[:1],
                "consent_types": rows.type_id,
                "action": f"/privacy/lead/confirm/{token}/submit",
            },
        )

    @http.route(
        "/privacy/lead/confirm/<string:token>/submit", methods=["POST"], **ROUTE
    )
    def privacy_lead_confirm_submit(self, token, **post):
        rows, problem = self._lead_consents_from_token(token)
        if problem:
            return self._bad_link(problem)
        rows._confirm(*self._client())
        return request.render(
            "privacy_gdpr_crm.privacy_lead_confirm_done",
            {"company": rows.company_id[:1], "consent_types": rows.type_id},
        )

    def _lead_consents_from_token(self, token):
        rows, problem = request.env["privacy.lead.consent"]._from_token(token)
        if not problem:
            request.update_context(lang=get_lang(request.env, rows[0].lang).code)
        return rows.with_env(request.env).sudo(), problem
