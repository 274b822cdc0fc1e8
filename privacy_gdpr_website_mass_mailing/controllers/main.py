from odoo import tools
from odoo.http import request, route

from odoo.addons.privacy_gdpr.exceptions import PrivacyWebInputError
from odoo.addons.privacy_gdpr_website.controllers.consent_fields import web_proof
from odoo.addons.website_mass_mailing.controllers.main import MassMailController


class MassMailControllerPrivacy(MassMailController):
    @route()
    def subscribe(self, list_id, value, subscription_type, **post):
        """Record the consent boxes ticked by the subscriber, with their proof,
        on the contact with their e-mail. Boxes that are not the ones the block
        showed are bad input: nobody is subscribed, the block says so."""
        WebConsent = request.env["privacy.web.consent"]
        ours = WebConsent._pop_params(post)
        try:
            answers, form_shown = WebConsent._answers(ours, request.website.company_id)
        except PrivacyWebInputError as error:
            return {"toast_type": "danger", "toast_content": error.args[0]}
        result = super().subscribe(list_id, value, subscription_type, **post)
        email = tools.email_normalize(value) if subscription_type == "email" else False
        if answers and email and result.get("toast_type") == "success":
            contact = (
                request.env["mailing.contact"]
                .sudo()
                .search([("email_normalized", "=", email)], order="id", limit=1)
            )
            contact._privacy_record_web_consents(
                answers, web_proof(form_shown, contact, ours)
            )
        return result
