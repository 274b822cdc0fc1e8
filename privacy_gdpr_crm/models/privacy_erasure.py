from odoo import api, models
from odoo.tools import SQL

from odoo.addons.privacy_gdpr.models.privacy_erasure import CONTACT_DETAIL_FIELDS

# What a lead holds of its person: emptied with the person's contact. The
# company's name, the lead's own name and its notes are the business's.
LEAD_IDENTITY_FIELDS = (
    *CONTACT_DETAIL_FIELDS,
    "contact_name",
    "email_from",
    "title",
)


class PrivacyErasure(models.AbstractModel):
    _inherit = "privacy.erasure"

    @api.model
    def _anonymise_related(self, ids):
        """The leads of the contacts, and those sent with one of their
        addresses (a web form before the contact existed), lose the person's
        identity; their forms' proofs lose the address, IP and user agent."""
        result = super()._anonymise_related(ids)
        self.env["crm.lead"].flush_model(["partner_id", "email_normalized"])
        lead_ids = [
            lead_id
            for (lead_id,) in self.env.execute_query(
                SQL(
                    """
                    SELECT id FROM crm_lead WHERE partner_id = ANY(%(ids)s)
                     UNION
                    SELECT l.id
                      FROM crm_lead l
                      JOIN res_partner p ON p.email_normalized = l.email_normalized
                     WHERE p.id = ANY(%(ids)s)
                    """,
                    ids=ids,
                )
            )
        ]
        if not lead_ids:
            return result
        cr = self.env.cr
        cr.execute(
            SQL(
                "UPDATE crm_lead SET %s WHERE id = ANY(%s)",
                SQL(", ").join(
                    SQL("%s = NULL", SQL.identifier(fname))
                    for fname in LEAD_IDENTITY_FIELDS
                ),
                lead_ids,
            )
        )
        cr.execute(
            SQL(
                """
                UPDATE privacy_lead_consent
                   SET email = NULL, proof_ip = NULL, proof_user_agent = NULL,
                       confirm_ip = NULL, confirm_user_agent = NULL,
                       confirm_nonce = NULL
                 WHERE lead_id = ANY(%s)
                """,
                lead_ids,
            )
        )
        return result
