import re

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

CODE_PATTERN = re.compile(r"^[A-Za-z0-9_-]+$")


class PrivacyCodeMixin(models.AbstractModel):
    """A technical code that integrations use to name a record, unique in its scope."""

    _name = "privacy.code.mixin"
    _description = "Privacy: technical code"

    code = fields.Char(
        required=True,
        index=True,
        help="Unique technical identifier used by integrations and the API: "
        "letters, digits, underscores and dashes, without spaces.",
    )

    def _code_conflict_domain(self):
        """Domain of the records whose code must differ from this record's."""
        self.ensure_one()
        return [("code", "=", self.code), ("id", "!=", self.id)]

    @api.constrains("code")
    def _check_code(self):
        for record in self:
            if not CODE_PATTERN.match(record.code or ""):
                raise ValidationError(
                    _(
                        "The code “%(code)s” is not valid: use only letters, digits, "
                        "underscores (_) and dashes (-), without spaces.",
                        code=record.code,
                    )
                )
        # Archived records keep their code: an integration may still send it.
        records = self.with_context(active_test=False)
        for record in records:
            if records.search_count(record._code_conflict_domain(), limit=1):
                raise ValidationError(
                    _(
                        "The code “%(code)s” is already used by another %(model)s.",
                        code=record.code,
                        model=self._description,
                    )
                )
