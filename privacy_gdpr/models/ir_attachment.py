import filecmp
import hashlib
import os
import shutil

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
    def _create_from_file(self, path, vals):
        """Create an attachment of ``vals`` holding the file at ``path``, which
        is moved into the filestore (``path`` may be gone afterwards).

        Odoo stores a content given in memory (``raw``): for an export of the
        whole base, the worker would hold the file's size once more. When
        attachments are kept in the database, or another content is stored
        under the same checksum, Odoo's own way decides.
        """
        stored = self._storage() == "file" and self._move_to_filestore(path)
        if not stored:
            with open(path, "rb") as file:
                return self.create({**vals, "raw": file.read()})
        attachment = self.create(vals)
        attachment.flush_recordset()
        # Odoo's create and write drop these fields, computed from the content.
        self.env.cr.execute(
            SQL(
                """
                UPDATE ir_attachment
                   SET store_fname = %s, checksum = %s, file_size = %s
                 WHERE id = %s
                """,
                *stored,
                attachment.id,
            )
        )
        attachment.invalidate_recordset(
            ["store_fname", "checksum", "file_size", "raw", "datas", "db_datas"]
        )
        return attachment

    @api.model
    def _move_to_filestore(self, path):
        """Store the file at ``path`` as Odoo stores a file: under its SHA-1
        (read in chunks), listed for the filestore's garbage collection in case
        the transaction is rolled back; an equal file already stored is shared.

        :return: ``(store_fname, checksum, file_size)``, or None when another
            content is stored under that checksum
        """
        with open(path, "rb") as file:
            checksum = hashlib.file_digest(file, "sha1").hexdigest()
        fname = f"{checksum[:2]}/{checksum}"
        full_path = self._full_path(fname)
        file_size = os.path.getsize(path)
        if os.path.exists(full_path):
            if not filecmp.cmp(path, full_path, shallow=False):
                return None
        else:
            os.makedirs(os.path.dirname(full_path), exist_ok=True)
            # Listed before the move: a copy interrupted halfway is collected too.
            self._mark_for_gc(fname)
            shutil.move(path, full_path)
        return fname, checksum, file_size

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
