from odoo import models
from odoo.http import request


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _privacy_path_unreadable(cls):
        """Whether the path holds a NUL character (%00): PostgreSQL refuses any
        query with it, so looking it up would answer 500 (e.g.
        /privacy/consent/x/%00). It names nothing: 404."""
        return "\x00" in request.httprequest.path

    @classmethod
    def _serve_fallback(cls):
        # A path that no route matches is looked up as an attachment URL.
        if cls._privacy_path_unreadable():
            return None
        return super()._serve_fallback()
