from odoo import fields, models


class Website(models.Model):
    _inherit = "website"

    privacy_signup_consent_type_ids = fields.Many2many(
        "privacy.consent.type",
        string="Consents asked at sign-up",
        domain="[('company_id', 'in', [False, company_id])]",
        help="Each is asked with its own unticked box on the portal sign-up "
        "page of this website.",
    )

    def _privacy_signup_consent_html(self, lang, country_code=None):
        """The consent boxes of the portal sign-up page, in ``lang``, with the
        information for a visitor of the country ``country_code``."""
        self.ensure_one()
        website = self.sudo()
        if not website.privacy_signup_consent_type_ids:
            return ""
        country = country_code and self.env["res.country"].sudo().search(
            [("code", "=", country_code)], limit=1
        )
        return self.env["privacy.web.consent"]._render_fields(
            website.privacy_signup_consent_type_ids,
            website.company_id,
            lang,
            country or None,
        )
