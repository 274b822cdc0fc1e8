from odoo import api, models
from odoo.tools import SQL

# The files of proof documents, for Privacy Users (the fields' group).
PROOF_DOCUMENT_MODELS = ("privacy.partner.consent", "privacy.consent.history")
PROOF_DOCUMENT_FIELD = "proof_document"


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    def _index(self, bin_data, file_type, checksum=None):
        # Exported personal data is not copied into the text index of attachments
        # (for a CSV of the whole base, that index is as big as the file).
        if self.env.context.get("privacy_no_index"):
            return False
        return super()._index(bin_data, file_type, checksum=checksum)

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        """The proof documents of consents are for Privacy Users, also when
        their file is asked by its attachment's id (``/web/content/<id>``):
        Odoo checks the groups of the field only when the file is asked
        through the field."""
        query = super()._search(domain, offset, limit, order)
        if self.env.su or self.env.user.has_group("privacy_gdpr.group_privacy_user"):
            return query
        query.add_where(
            SQL(
                "(%s IS NULL OR %s != %s OR %s NOT IN %s)",
                SQL.identifier(query.table, "res_field"),
                SQL.identifier(query.table, "res_field"),
                PROOF_DOCUMENT_FIELD,
                SQL.identifier(query.table, "res_model"),
                PROOF_DOCUMENT_MODELS,
            )
        )
        return query
