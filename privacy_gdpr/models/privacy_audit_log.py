from odoo import api, fields, models

OPERATIONS = [("create", "Created"), ("write", "Changed"), ("unlink", "Deleted")]


class PrivacyAuditLog(models.Model):
    """Who changed the rules of consent management, when, from what to what:
    the switches of Settings > Privacy, consent types (channels, validity...),
    contact reasons. Switching a check off for an afternoon leaves a trace.

    Written as superuser by ``privacy.audit.mixin``, then never modified nor
    deleted; read by Privacy Managers.
    """

    _name = "privacy.audit.log"
    _inherit = ["privacy.evidence.mixin"]
    _description = "Privacy Rules Audit Log"
    _rec_name = "record_name"

    user_id = fields.Many2one("res.users", string="Changed by", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True, index=True)
    res_model = fields.Char(string="Model", readonly=True, index=True)
    res_model_name = fields.Char(string="What", readonly=True)
    res_id = fields.Many2oneReference(
        string="Record", model_field="res_model", readonly=True
    )
    record_name = fields.Char(string="Record name", readonly=True)
    operation = fields.Selection(OPERATIONS, required=True, readonly=True)
    field_name = fields.Char(string="Field", readonly=True)
    field_label = fields.Char(string="Setting", readonly=True)
    old_value = fields.Text(readonly=True)
    new_value = fields.Text(readonly=True)

    @api.model
    def _display(self, record, fname):
        """The value of ``record``'s field ``fname`` as a person reads it."""
        field = record._fields[fname]
        value = record[fname]
        if field.type == "boolean":
            return self.env._("Yes") if value else self.env._("No")
        if field.type == "selection":
            labels = dict(field._description_selection(self.env))
            return labels.get(value, value) or ""
        if field.type == "many2one":
            return f"{value.display_name} ({value.id})" if value else ""
        if field.type in ("many2many", "one2many"):
            return ", ".join(value.mapped("display_name"))
        return "" if value is False or value is None else str(value)

    @api.model
    def _snapshot(self, records, fnames):
        """``{record id: {field: displayed value}}`` of ``records``."""
        return {
            record.id: {fname: self._display(record, fname) for fname in fnames}
            for record in records.sudo()
        }

    @api.model
    def _base_values(self, record, operation):
        company = (
            record
            if record._name == "res.company"
            else record["company_id"]
            if "company_id" in record._fields
            else record.browse()
        )
        return {
            "user_id": self.env.uid,
            "company_id": company.id,
            "res_model": record._name,
            "res_model_name": self.env["ir.model"]._get(record._name).name,
            "res_id": record.id,
            "record_name": record.display_name,
            "operation": operation,
        }

    @api.model
    def _log_changes(self, records, before):
        """Record the changes of ``records`` since ``before`` (a
        :meth:`_snapshot`): one row per field changed."""
        rows = []
        for record in records.sudo():
            old_values = before[record.id]
            new_values = self._snapshot(record, old_values)[record.id]
            rows += [
                {
                    **self._base_values(record, "write"),
                    "field_name": fname,
                    "field_label": record._fields[fname]._description_string(self.env),
                    "old_value": old_values[fname],
                    "new_value": new_values[fname],
                }
                for fname in old_values
                if old_values[fname] != new_values[fname]
            ]
        return self.sudo().create(rows)

    @api.model
    def _log_lifecycle(self, records, operation):
        """Record the creation or the deletion of ``records``, with the values
        of their audited fields."""
        rows = []
        for record in records.sudo():
            values = "\n".join(
                f"{record._fields[fname]._description_string(self.env)}: "
                f"{self._display(record, fname)}"
                for fname in record._privacy_audit_fields()
            )
            rows.append(
                {
                    **self._base_values(record, operation),
                    "old_value" if operation == "unlink" else "new_value": values,
                }
            )
        return self.sudo().create(rows)
