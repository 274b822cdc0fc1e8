from odoo import models


class PrivacyConsentRequest(models.Model):
    _inherit = "privacy.consent.request"

    def _consents_given(self, consents):
        """A person who once unsubscribed (Odoo's e-mail blocklist) and now
        subscribes again on a web form, with a ticked box, gives the new
        explicit consent it is: their address leaves the blocklist, or the
        consent would never reach a mailing. Only once the consent is given,
        that is confirmed when its type asks for double opt-in."""
        super()._consents_given(consents)
        if self.origin != "web_form" or not consents.filtered(
            "type_id.allow_mass_mailing"
        ):
            return
        email = self.partner_id.email_normalized
        Blacklist = self.env["mail.blacklist"].sudo()
        if email and Blacklist.search_count([("email", "=", email)], limit=1):
            Blacklist._remove(
                email,
                message=self.env._(
                    "Subscribed again on the web form %(form)s, with consent.",
                    form=self.form_name or "?",
                ),
            )
