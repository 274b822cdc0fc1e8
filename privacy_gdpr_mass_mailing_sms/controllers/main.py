from odoo import http
from odoo.http import request

from odoo.addons.mass_mailing_sms.controllers.main import MailingSMSController
from odoo.addons.privacy_gdpr.events import http_event, request_event


class PrivacyMailingSMSController(MailingSMSController):
    """Odoo's STOP page of SMS mailings, whose withdrawals carry the proof of
    their own request: the IP address, the user agent, the link (its code
    redacted) and the mailing."""

    @http.route()
    def blacklist_number(self, mailing_id, trace_code, **post):
        event = request_event(
            request.httprequest,
            "unsubscribe",
            secret=trace_code,
            extra=(("mailing_id", int(mailing_id)),),
        )
        with http_event(event):
            return super().blacklist_number(mailing_id, trace_code, **post)
