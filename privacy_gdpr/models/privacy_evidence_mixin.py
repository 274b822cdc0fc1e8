from odoo import _, api, fields, models
from odoo.exceptions import UserError


class PrivacyEvidenceMixin(models.AbstractModel):
    """Records that are evidence for a data-protection officer: written once,
    then never modified nor deleted, whoever asks (the superuser included).

    Deleting the partner they are about (the right to erasure) still erases
    them, through the database's cascade.
    """

    _name = "privacy.evidence.mixin"
    _description = "Privacy: immutable evidence"
    _order = "date desc, id desc"

    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)

    def _evidence_name(self):
        return self.env["ir.model"]._get(self._name).name

    def write(self, vals):
        if vals:
            raise UserError(
                _(
                    "%(what)s is evidence: it cannot be modified.",
                    what=self._evidence_name(),
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(
            _("%(what)s is evidence: it cannot be deleted.", what=self._evidence_name())
        )
