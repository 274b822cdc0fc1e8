from odoo import api, models


class PrivacyAuditMixin(models.AbstractModel):
    """Records whose changes are the rules of consent management (the switches
    of Settings > Privacy, consent types, contact reasons): every creation,
    change and deletion is kept in ``privacy.audit.log``, with who, when, the
    old and the new value.

    ``_privacy_audited_fields``: the names of the fields whose changes are
    recorded; None: every stored field but Odoo's own.
    """

    _name = "privacy.audit.mixin"
    _description = "Privacy: changes recorded in the audit log"

    _privacy_audited_fields = None
    # Whether creations and deletions are recorded too (a company is created
    # for much more than its privacy settings).
    _privacy_audit_lifecycle = True

    @api.model
    def _privacy_audit_fields(self):
        names = self._privacy_audited_fields or [
            name
            for name, field in self._fields.items()
            if field.store and not field.automatic and name != "sequence"
        ]
        return [name for name in names if name in self._fields]

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        if self._privacy_audit_lifecycle:
            self.env["privacy.audit.log"]._log_lifecycle(records, "create")
        return records

    def write(self, vals):
        audited = [name for name in self._privacy_audit_fields() if name in vals]
        if not audited:
            return super().write(vals)
        AuditLog = self.env["privacy.audit.log"]
        before = AuditLog._snapshot(self, audited)
        res = super().write(vals)
        AuditLog._log_changes(self, before)
        return res

    def unlink(self):
        if self._privacy_audit_lifecycle:
            self.env["privacy.audit.log"]._log_lifecycle(self, "unlink")
        return super().unlink()
