import json

from odoo.http import request

from odoo.addons.privacy_gdpr.exceptions import PrivacyWebInputError
from odoo.addons.website.controllers import form

from .consent_fields import web_proof


class WebsiteForm(form.WebsiteForm):
    def _handle_website_form(self, model_name, **kwargs):
        """Record the consent boxes ticked on the form, with their proof, on
        the record the form creates. Boxes that are not the ones the form
        showed are bad input: nothing is created, the form says so."""
        WebConsent = request.env["privacy.web.consent"]
        # Removed from both: what is left of them would reach the record.
        ours = WebConsent._pop_params(kwargs)
        WebConsent._pop_params(request.params)
        if not ours:
            return super()._handle_website_form(model_name, **kwargs)
        try:
            answers, form_shown = WebConsent._answers(ours, request.website.company_id)
            if answers and model_name not in WebConsent._form_models():
                WebConsent._refuse(ours)
        except PrivacyWebInputError as error:
            return json.dumps({"error_fields": error.fields})
        result = super()._handle_website_form(model_name, **kwargs)
        created = json.loads(result)
        record_id = isinstance(created, dict) and created.get("id")
        if answers and record_id:
            record = request.env[model_name].sudo().browse(record_id)
            record._privacy_record_web_consents(
                answers, web_proof(form_shown, record, ours)
            )
        return result
