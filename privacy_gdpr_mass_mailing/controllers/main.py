from odoo import http
from odoo.http import request

from odoo.addons.mass_mailing.controllers.main import MassMailController
from odoo.addons.privacy_gdpr.events import http_event, request_event


class PrivacyMassMailController(MassMailController):
    """Odoo's unsubscribe pages, whose withdrawals carry the proof of their
    own request: the IP address, the user agent, the link and the mailing."""

    def _privacy_event(self, mailing_id):
        extra = (("mailing_id", int(mailing_id)),) if mailing_id else ()
        return request_event(request.httprequest, "unsubscribe", extra=extra)

    def _mailing_unsubscribe_from_list(self, mailing, document_id, email, hash_token):
        with http_event(self._privacy_event(mailing.id)):
            return super()._mailing_unsubscribe_from_list(
                mailing, document_id, email, hash_token
            )

    def _mailing_unsubscribe_from_document(
        self, mailing, document_id, email, hash_token
    ):
        with http_event(self._privacy_event(mailing.id)):
            return super()._mailing_unsubscribe_from_document(
                mailing, document_id, email, hash_token
            )

    # The proof needs only the mailing: Odoo's route gets every parameter as
    # it came, whatever its signature.
    @http.route()
    def mailing_update_list_subscription(self, mailing_id=None, **kwargs):
        with http_event(self._privacy_event(mailing_id)):
            return super().mailing_update_list_subscription(
                mailing_id=mailing_id, **kwargs
            )

    @http.route()
    def mail_blocklist_add(self, mailing_id=None, **kwargs):
        with http_event(self._privacy_event(mailing_id)):
            return super().mail_blocklist_add(mailing_id=mailing_id, **kwargs)
