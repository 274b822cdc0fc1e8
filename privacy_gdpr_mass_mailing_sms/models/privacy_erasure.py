from odoo import api, models
from odoo.tools import SQL


class PrivacyErasure(models.AbstractModel):
    _inherit = "privacy.erasure"

    @api.model
    def _anonymise_related(self, ids):
        """The mailing-list contacts with the contacts' numbers lose them, and
        the traces of the SMS sent to them lose the number."""
        result = super()._anonymise_related(ids)
        self.env.flush_all()
        numbers = SQL(
            """
            SELECT n FROM res_partner p,
                   unnest(ARRAY[p.privacy_phone_e164, p.privacy_mobile_e164]) AS n
             WHERE p.id = ANY(%s) AND n IS NOT NULL
            """,
            ids,
        )
        cr = self.env.cr
        cr.execute(
            SQL(
                """
                UPDATE mailing_contact
                   SET mobile = NULL, phone_sanitized = NULL
                 WHERE phone_sanitized IN (%s)
                """,
                numbers,
            )
        )
        cr.execute(
            SQL(
                """
                UPDATE mailing_trace
                   SET sms_number = NULL
                 WHERE sms_number IS NOT NULL
                   AND ((model = 'res.partner' AND res_id = ANY(%s))
                        OR sms_number IN (%s))
                """,
                ids,
                numbers,
            )
        )
        return result
