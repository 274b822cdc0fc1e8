from odoo import models

from ..events import IMPORT_KEY, ImportSource


class BaseImport(models.TransientModel):
    _inherit = "base_import.import"

    def execute_import(self, fields, columns, options, dryrun=False):
        """Imports of consents record the file's name and each row's number,
        counted as Odoo's import counts them (the header and empty lines are
        not counted; rows skipped by a batched import are)."""
        if self.res_model != "privacy.partner.consent":
            return super().execute_import(fields, columns, options, dryrun=dryrun)
        source = ImportSource(self.file_name, 1 + int(options.get("skip") or 0))
        return super(
            BaseImport, self.with_context(**{IMPORT_KEY: source})
        ).execute_import(fields, columns, options, dryrun=dryrun)
