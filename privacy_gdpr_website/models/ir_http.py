from odoo import models
from odoo.http import request


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _serve_fallback(cls):
        # The website looks a path that no route matches up as one of its
        # pages before anything else (privacy_gdpr's ir.http included): with a
        # NUL character (%00) in it, PostgreSQL refuses the query and Odoo would
        # answer 500 (e.g. /privacy/consent/x/%00). It names nothing: 404.
        if "\x00" in request.httprequest.path:
            return None
        return super()._serve_fallback()
