import base64
import binascii
from datetime import datetime

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..models.privacy_opposition_register_entry import (
    IMPORT_DATE_PARAM,
    REGISTER_PREFIX,
)

# The days of the register's answer: ISO, or as Italians write them.
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
# A malformed file names its first faulty lines, not thousands of them.
MAX_REPORTED_ERRORS = 10


class PrivacyOppositionImport(models.TransientModel):
    """Import the answer of the Italian opposition register: the numbers that
    are registered, one ``number;date`` a line, as one statement."""

    _name = "privacy.opposition.import"
    _description = "Import the Opposition Register"

    # In the wizard's row: the file is read once, by the import.
    file = fields.Binary(string="Register file", required=True, attachment=False)
    filename = fields.Char()
    last_import_date = fields.Datetime(
        string="Last import", compute="_compute_last_import", readonly=True
    )
    is_stale = fields.Boolean(string="Register stale", compute="_compute_last_import")

    @api.depends_context("uid")
    def _compute_last_import(self):
        Entry = self.env["privacy.opposition.register.entry"]
        for wizard in self:
            wizard.last_import_date = Entry._last_import_date()
            wizard.is_stale = Entry._is_stale()

    def action_import(self):
        self.ensure_one()
        Entry = self.env["privacy.opposition.register.entry"]
        # The statement below writes as the database: ask the model's own rights.
        Entry.check_access("create")
        Entry.check_access("write")
        entries = self._parse(self._file_text())
        added, updated = self._upsert(entries)
        self.env["ir.config_parameter"].sudo().set_param(
            IMPORT_DATE_PARAM, fields.Datetime.to_string(fields.Datetime.now())
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "Opposition register imported: %(added)s numbers added, "
                    "%(updated)s updated.",
                    added=added,
                    updated=updated,
                ),
                "next": self.env["ir.actions.act_window"]._for_xml_id(
                    "privacy_gdpr.privacy_opposition_register_entry_action"
                ),
            },
        }

    def _file_text(self):
        try:
            return base64.b64decode(self.file or b"").decode("utf-8-sig")
        except (binascii.Error, UnicodeDecodeError) as error:
            raise UserError(
                self.env._("The register file is not a UTF-8 text file.")
            ) from error

    def _parse(self, text):
        """``{E.164 number: date registered}`` of the lines of ``text``.

        :raise UserError: naming the faulty lines, when any is not a
            ``number;date`` line of an Italian number and a past day
        """
        Telephony = self.env["privacy.telephony"]
        today = self.env.company._privacy_today()
        entries = {}
        errors = []
        for index, line in enumerate(text.splitlines(), start=1):
            if not line.strip() or (index == 1 and not any(map(str.isdigit, line))):
                continue  # blank lines, and a header line
            parts = [part.strip() for part in line.split(";")]
            number = len(parts) == 2 and Telephony._e164_region(parts[0], "IT", 39)
            day = len(parts) == 2 and self._parse_date(parts[1])
            if not number or not number.startswith(REGISTER_PREFIX):
                errors.append(
                    self.env._(
                        "Line %(line)s: “%(text)s” is not an Italian number "
                        "followed by “;” and a date.",
                        line=index,
                        text=line.strip(),
                    )
                )
            elif not day or day > today:
                errors.append(
                    self.env._(
                        "Line %(line)s: “%(text)s” is not a past day (YYYY-MM-DD "
                        "or DD/MM/YYYY).",
                        line=index,
                        text=parts[1],
                    )
                )
            else:
                entries[number] = day
        if errors:
            raise UserError(
                "\n".join(
                    [
                        self.env._("Nothing was imported, the file has errors:"),
                        *errors[:MAX_REPORTED_ERRORS],
                    ]
                )
            )
        if not entries:
            raise UserError(self.env._("The register file lists no number."))
        return entries

    @api.model
    def _parse_date(self, text):
        for date_format in DATE_FORMATS:
            try:
                return datetime.strptime(text, date_format).date()
            except ValueError:
                continue
        return False

    def _upsert(self, entries):
        """Insert or update ``entries`` in one statement.

        :return: ``(added, updated)``, the numbers of new and updated rows
        """
        Entry = self.env["privacy.opposition.register.entry"]
        Entry.flush_model()
        self.env.cr.execute(
            SQL(
                """
                WITH upserted AS (
                    INSERT INTO %(table)s
                        (e164, date_registered, create_uid, create_date,
                         write_uid, write_date)
                    SELECT number, registered, %(uid)s, %(now)s, %(uid)s, %(now)s
                      FROM unnest(%(numbers)s::varchar[], %(days)s::date[])
                           AS entry(number, registered)
                    ON CONFLICT (e164) DO UPDATE
                       SET date_registered = EXCLUDED.date_registered,
                           write_uid = EXCLUDED.write_uid,
                           write_date = EXCLUDED.write_date
                    RETURNING xmax = 0 AS inserted
                )
                SELECT COUNT(*) FILTER (WHERE inserted),
                       COUNT(*) FILTER (WHERE NOT inserted)
                  FROM upserted
                """,
                table=SQL.identifier(Entry._table),
                uid=self.env.uid,
                now=fields.Datetime.now(),
                numbers=list(entries),
                days=list(entries.values()),
            )
        )
        added, updated = self.env.cr.fetchone()
        Entry.invalidate_model()
        return added, updated
