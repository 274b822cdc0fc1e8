from odoo import http, tools
from odoo.http import request
from odoo.tools.misc import get_lang

from odoo.addons.privacy_gdpr.controllers.consent_page import (
    NOT_THE_PERSON,
    ROUTE,
    PrivacyConsentPage,
)
from odoo.addons.privacy_gdpr.events import request_event


class PrivacyLeadConsentConfirm(PrivacyConsentPage):
    """The double opt-in of consents given on a web form that created a lead
    without contact: the link e-mailed to the address the form was sent with.
    GET only shows a button; POST confirms."""

    @http.route("/privacy/lead/confirm/<string:token>", methods=["GET"], **ROUTE)
    def privacy_lead_confirm_page(self, token, **kwargs):
        rows, problem = self._lead_consents_from_token(token)
        if problem:
            return self._refusal(problem)
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
            return self._refusal(problem)
        rows._confirm(
            request_event(request.httprequest, "double_optin", "web_form", token)
        )
        return request.render(
            "privacy_gdpr_crm.privacy_lead_confirm_done",
            {"company": rows.company_id[:1], "consent_types": rows.type_id},
        )

    def _is_the_person_of(self, rows):
        """Whether the visitor may confirm ``rows``: anyone not signed in (the
        link is the key), or the contact with the address the form was sent
        with. A signed-in employee who opens the link is not that person."""
        user = request.env.user
        return user._is_public() or bool(
            user.partner_id.email_normalized
            and user.partner_id.email_normalized == tools.email_normalize(rows[0].email)
        )

    def _lead_consents_from_token(self, token):
        """The lead consents of a link, and why the visitor may not use it, as
        :meth:`_request_from_token`."""
        rows, problem = request.env["privacy.lead.consent"]._from_token(token)
        if not problem:
            request.update_context(lang=get_lang(request.env, rows[0].lang).code)
            if not self._is_the_person_of(rows):
                problem = NOT_THE_PERSON
        return rows.with_env(request.env).sudo(), problem
