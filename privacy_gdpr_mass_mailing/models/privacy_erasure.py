from odoo import api, models
from odoo.tools import SQL


class PrivacyErasure(models.AbstractModel):
    _inherit = "privacy.erasure"

    @api.model
    def _anonymise_related(self, ids):
        """The mailing-list contacts with the contacts' e-mail addresses lose
        their name and address (their subscriptions, opt-outs included, stay),
        and the traces of the mailings sent to them lose the address: the
        dossier keeps what was sent, not to which address."""
        result = super()._anonymise_related(ids)
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(
            SQL(
                """
                UPDATE mailing_contact c
                   SET name = NULL, first_name = NULL, last_name = NULL,
                       company_name = NULL, title_id = NULL, email = NULL,
                       email_normalized = NULL
                  FROM res_partner p
                 WHERE p.id = ANY(%(ids)s)
                   AND c.email_normalized = p.email_normalized
                """,
                ids=ids,
            )
        )
        cr.execute(
            SQL(
                """
                UPDATE mailing_trace t
                   SET email = NULL
                 WHERE t.email IS NOT NULL
                   AND ((t.model = 'res.partner' AND t.res_id = ANY(%(ids)s))
                        OR t.email IN (SELECT email_normalized FROM res_partner
                                        WHERE id = ANY(%(ids)s)))
                """,
                ids=ids,
            )
        )
        return result
