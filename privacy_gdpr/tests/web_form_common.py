from odoo import fields

from .consent_request_common import PrivacyRequestCase

WEB_USER_AGENT = "Mozilla/5.0 (privacy-gdpr-web-form-test)"


class PrivacyWebFormCase(PrivacyRequestCase):
    """Consents given by ticking boxes of a web form, as the website records
    them (``res.partner._privacy_record_web_consents``)."""

    @classmethod
    def web_answers(cls, consent_types, optin=None):
        """One ticked box per type of ``consent_types``: the version of its
        texts shown, and its text."""
        return [
            {
                "type": consent_type,
                "texts": consent_type._current_text(),
                "text": f"{consent_type.name}\n{consent_type.description or ''}",
                "optin": consent_type.double_optin if optin is None else optin,
            }
            for consent_type in consent_types
        ]

    @classmethod
    def web_proof(cls, source=None, **values):
        """The proof of a submission of the contact form now."""
        notice = cls.env.company._privacy_notice()["text"]
        return {
            "date": fields.Datetime.now(),
            "ip": "192.0.2.15",
            "user_agent": WEB_USER_AGENT,
            "page_url": "https://www.example.com/contactus",
            "form_name": "contactus_form",
            "company": cls.env.company,
            "lang": "en_US",
            "notice": notice,
            "text_shown": f"Every box of the form\n\n{notice}",
            "source": source,
            **values,
        }
