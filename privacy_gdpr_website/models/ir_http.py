from odoo import models


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _serve_fallback(cls):
        # The website looks the path up as one of its pages too (see privacy_gdpr).
        unreadable = cls._privacy_path_unreadable()
        return None if unreadable else super()._serve_fallback()
