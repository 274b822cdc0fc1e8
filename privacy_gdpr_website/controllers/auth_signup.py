from odoo.http import request

from odoo.addons.auth_signup.controllers.main import AuthSignupHome

from ..models.privacy_web_consent import NAME_INPUT, PAGE_INPUT
from .consent_fields import web_proof


class AuthSignupHomePrivacy(AuthSignupHome):
    """The consent boxes of the portal sign-up page (Settings > Website): read
    before the account is created, so that boxes the page did not show refuse
    the sign-up with the page's error; recorded on the new user's contact."""

    def _prepare_signup_values(self, qcontext):
        values = super()._prepare_signup_values(qcontext)
        # Raises a UserError: the sign-up page shows it, no account is created.
        self._privacy_signup_answers()
        return values

    def _signup_with_values(self, token, values):
        super()._signup_with_values(token, values)
        answers, form_shown, ours = self._privacy_signup_answers()
        if not answers:
            return
        Users = request.env["res.users"].sudo()
        user = Users.search(
            Users._get_login_domain(values.get("login")),
            order=Users._get_login_order(),
            limit=1,
        )
        partner = user.partner_id
        partner._privacy_record_web_consents(
            answers, web_proof(form_shown, partner, ours)
        )

    def _privacy_signup_answers(self):
        WebConsent = request.env["privacy.web.consent"]
        ours = WebConsent._pop_params(dict(request.params))
        ours.update(
            {
                PAGE_INPUT: request.httprequest.base_url,
                NAME_INPUT: request.env._("Portal sign-up"),
            }
        )
        answers, form_shown = WebConsent._answers(ours, request.website.company_id)
        return answers, form_shown, ours
