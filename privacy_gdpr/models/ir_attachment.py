from odoo import models


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    def _index(self, bin_data, file_type, checksum=None):
        # Exported personal data is not copied into the text index of attachments
        # (for a CSV of the whole base, that index is as big as the file).
        if self.env.context.get("privacy_no_index"):
            return False
        return super()._index(bin_data, file_type, checksum=checksum)
