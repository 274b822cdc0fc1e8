import csv
import logging
import os
import re
import tempfile
from collections import defaultdict
from datetime import timedelta

import pytz

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression
from odoo.tools.misc import xlsxwriter
from odoo.tools.safe_eval import safe_eval

_logger = logging.getLogger(__name__)

# Partners read per query: the memory of an export does not depend on the base size.
BATCH_SIZE = 2000
# Exports of more partners than this run in the background (ir.config_parameter).
SYNC_LIMIT_PARAM = "privacy_gdpr.export_sync_limit"
SYNC_LIMIT_DEFAULT = 10000
# Days an export file is kept before the autovacuum deletes it (personal data).
FILE_RETENTION_DAYS = 7
XLSX_MAX_ROWS = 1048576

PARTNER_COLUMNS = (
    "id",
    "name",
    "commercial_company_name",
    "email",
    "phone",
    "mobile",
    "lang",
    "privacy_request_date",
    "privacy_answer_date",
)
CONSENT_COLUMNS = (
    "partner_id",
    "type_id",
    "state",
    "date_given",
    "date_expiry",
    "method",
)
# A partner without a line for a type counts as not having answered (refused).
NO_CONSENT = ("none", None, None, None)
# strftime directives and their Excel number format equivalents.
EXCEL_DATE_CODES = {
    "%d": "dd",
    "%e": "d",
    "%m": "mm",
    "%Y": "yyyy",
    "%y": "yy",
    "%b": "mmm",
    "%B": "mmmm",
    "%a": "ddd",
    "%A": "dddd",
    "%H": "hh",
    "%I": "hh",
    "%M": "mm",
    "%S": "ss",
    "%p": "AM/PM",
    "%%": "%",
}
# What a requester chooses; who requested it, for which companies, and its file
# are the export's own doing (it runs with the rights of its requester).
REQUEST_FIELDS = {"name", "partner_domain", "partner_count", "file_format"}
# Spreadsheet programs run cells starting with these as formulas (as Odoo's export).
FORMULA_PREFIXES = ("=", "+", "-", "@")


def csv_text(value):
    """``value``, made inert when a spreadsheet program would run it as a formula."""
    return f"'{value}" if value.startswith(FORMULA_PREFIXES) else value


CSV_FORMATTERS = {
    "text": csv_text,
    "date": fields.Date.to_string,
    "datetime": fields.Datetime.to_string,
}


def excel_number_format(strftime_format):
    """The Excel number format showing dates as ``strftime_format`` does."""
    return re.sub(
        r"%.", lambda match: EXCEL_DATE_CODES.get(match.group(), ""), strftime_format
    )


class PrivacyConsentExport(models.Model):
    """An export of partners with their consents, and the file it produced.

    The same export runs at once from the wizard, in the background from a
    scheduled action for large bases, and in the benchmark. It streams: partners
    are read by keyset pagination (one query for the partners and one for their
    consents per batch), and the file is written row by row (xlsxwriter's
    constant_memory mode, or CSV written incrementally), so memory does not grow
    with the number of partners.
    """

    _name = "privacy.consent.export"
    _inherit = ["mail.thread"]
    _description = "Consent Export"
    _order = "id desc"

    name = fields.Char(required=True, readonly=True)
    user_id = fields.Many2one(
        "res.users",
        string="Requested by",
        required=True,
        readonly=True,
        index=True,
        default=lambda self: self.env.user,
    )
    company_ids = fields.Many2many(
        "res.company",
        string="Companies",
        readonly=True,
        default=lambda self: self.env.companies,
        help="The companies active when the export was requested: their record "
        "rules apply to the export.",
    )
    file_format = fields.Selection(
        [("xlsx", "Excel (XLSX)"), ("csv", "CSV (UTF-8)")],
        string="Format",
        required=True,
        default="xlsx",
        readonly=True,
    )
    partner_domain = fields.Text(
        string="Contacts", required=True, default="[]", readonly=True
    )
    partner_count = fields.Integer(string="Contacts to export", readonly=True)
    state = fields.Selection(
        [("queued", "In progress"), ("done", "Done"), ("failed", "Failed")],
        required=True,
        default="queued",
        readonly=True,
    )
    attachment_id = fields.Many2one(
        "ir.attachment", string="File", readonly=True, ondelete="set null"
    )
    row_count = fields.Integer(string="Contacts exported", readonly=True)
    date_done = fields.Datetime(string="Finished on", readonly=True)
    error = fields.Text(readonly=True)

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                if set(vals) - REQUEST_FIELDS:
                    raise AccessError(
                        _(
                            "An export is requested for oneself, in one's own "
                            "companies; only %(fields)s can be chosen.",
                            fields=", ".join(sorted(REQUEST_FIELDS)),
                        )
                    )
        return super().create(vals_list)

    # ------------------------------------------------------------
    # Requests
    # ------------------------------------------------------------

    @api.model
    def _sync_limit(self):
        return int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param(SYNC_LIMIT_PARAM, SYNC_LIMIT_DEFAULT)
        )

    @api.model
    def _request(self, partner_domain, file_format):
        """Export the partners of ``partner_domain``: at once when few, else in
        the background. Returns the export and whether it is already done.
        """
        count = self.env["res.partner"].search_count(partner_domain)
        if not count:
            raise UserError(_("There is no contact to export."))
        if file_format == "xlsx" and count >= XLSX_MAX_ROWS:
            raise UserError(
                _(
                    "%(count)s contacts do not fit in an Excel sheet: export them "
                    "as CSV.",
                    count=count,
                )
            )
        export = self.create(
            {
                "name": _(
                    "Consents of %(count)s contacts, %(date)s",
                    count=count,
                    date=fields.Datetime.to_string(
                        fields.Datetime.context_timestamp(self, fields.Datetime.now())
                    )[:16],
                ),
                "partner_domain": repr(partner_domain),
                "partner_count": count,
                "file_format": file_format,
            }
        )
        if count > self._sync_limit():
            self.env.ref("privacy_gdpr.ir_cron_privacy_consent_export")._trigger()
            return export, False
        export._run_export()
        return export, True

    def action_download(self):
        self.ensure_one()
        if not self.attachment_id:
            raise UserError(_("The file of this export is not available."))
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self.attachment_id.id}?download=true",
            "target": "download",
        }

    # ------------------------------------------------------------
    # Background run
    # ------------------------------------------------------------

    @api.model
    def _cron_run_queued(self):
        """Run the oldest queued export; the scheduler runs again while any remain."""
        queued = self.search([("state", "=", "queued")], order="id")
        if not queued:
            return
        export = queued[0]
        try:
            with self.env.cr.savepoint():
                export._run_export()
        except Exception as error:  # any failure is reported to the requester
            _logger.exception("Consent export %s failed", export.id)
            export.sudo().write({"state": "failed", "error": str(error)})
        export._notify_requester()
        self.env["ir.cron"]._notify_progress(done=1, remaining=len(queued) - 1)

    def _notify_requester(self):
        self.ensure_one()
        if self.state == "done":
            body = _(
                "Your export of %(count)s contacts with their consents is ready: "
                "download it from this export.",
                count=self.row_count,
            )
        else:
            body = _(
                "Your export of contacts with their consents failed: %(error)s",
                error=self.error,
            )
        # The file stays on the export, behind its access rules, rather than being
        # attached to a message that may be sent by e-mail.
        self.sudo().message_post(
            body=body,
            partner_ids=self.user_id.partner_id.ids,
            subtype_xmlid="mail.mt_note",
        )

    # ------------------------------------------------------------
    # The exporter
    # ------------------------------------------------------------

    def _run_export(self):
        """Write the file of each export, as its requester, and attach it."""
        for export in self:
            as_requester = export.with_env(export._requester_env())
            with tempfile.TemporaryDirectory(prefix="privacy_export_") as tmpdir:
                path = os.path.join(tmpdir, f"export.{export.file_format}")
                row_count = as_requester._write_file(path)
                attachment = (
                    self.env["ir.attachment"]
                    .sudo()
                    .with_context(privacy_no_index=True)
                    ._create_from_file(
                        path,
                        {
                            "name": export._file_name(),
                            "res_model": self._name,
                            "res_id": export.id,
                            "mimetype": "text/csv"
                            if export.file_format == "csv"
                            else "application/vnd.openxmlformats-officedocument"
                            ".spreadsheetml.sheet",
                        },
                    )
                )
            export.sudo().write(
                {
                    "state": "done",
                    "attachment_id": attachment.id,
                    "row_count": row_count,
                    "date_done": fields.Datetime.now(),
                    "error": False,
                }
            )

    def _requester_env(self):
        """The requester's rights, companies, language and timezone."""
        user = self.user_id
        return self.env(
            user=user,
            context=dict(
                self.env.context,
                lang=user.lang,
                tz=user.tz,
                allowed_company_ids=self.company_ids.ids or user.company_id.ids,
            ),
        )

    def _file_name(self):
        stamp = fields.Datetime.context_timestamp(self, self.create_date)
        return f"consents_{stamp:%Y-%m-%d_%H%M}.{self.file_format}"

    def _write_file(self, path):
        """Write the export to ``path``; return the number of partners written."""
        self.ensure_one()
        consent_types = self.env["privacy.consent.type"].search([("active", "=", True)])
        rows = self._export_rows(safe_eval(self.partner_domain or "[]"), consent_types)
        writer = self._write_xlsx if self.file_format == "xlsx" else self._write_csv
        return writer(path, self._export_columns(consent_types), rows)

    @api.model
    def _export_columns(self, consent_types):
        """``(header, kind)`` of each column, kind being text, date or datetime.

        Headers are the fields' labels in the user's language.
        """
        partner = self.env["res.partner"].fields_get(
            ["name", "company_name", "email", "phone", "mobile", "lang"]
            + ["privacy_request_date", "privacy_answer_date"],
            ["string"],
        )
        consent = self.env["privacy.partner.consent"].fields_get(
            ["state", "date_given", "date_expiry", "method"], ["string"]
        )
        columns = [
            (partner[fname]["string"], "text")
            for fname in ("name", "company_name", "email", "phone", "mobile", "lang")
        ]
        for consent_type in consent_types:
            columns += [
                (f"{consent_type.name} – {consent[fname]['string']}", kind)
                for fname, kind in (
                    ("state", "text"),
                    ("date_given", "date"),
                    ("date_expiry", "date"),
                    ("method", "text"),
                )
            ]
        # Date-times are in the company's time zone, named in the header.
        tz = self._export_timezone().zone
        columns += [
            (f"{partner['privacy_request_date']['string']} ({tz})", "datetime"),
            (f"{partner['privacy_answer_date']['string']} ({tz})", "datetime"),
        ]
        return columns

    @api.model
    def _export_rows(self, partner_domain, consent_types, batch_size=BATCH_SIZE):
        """Yield one row per partner of ``partner_domain``, ordered by id.

        Per batch, one query reads the partners (keyset pagination on the id,
        record rules applied) and one reads their consents; both flush what they
        read, so an export sees the changes of its own transaction. A given
        consent past its expiry date on the company's day is exported as
        expired, even before the scheduled action marks it.
        """
        Partner = self.env["res.partner"]
        Consent = self.env["privacy.partner.consent"]
        states = dict(Consent._fields["state"]._description_selection(self.env))
        today = self.env.company._privacy_today()
        methods = dict(Consent._fields["method"]._description_selection(self.env))
        languages = dict(self.env["res.lang"].get_installed())
        to_local = self._local_datetime_converter()
        type_ids = consent_types.ids
        last_id = 0
        while True:
            query = Partner._search(
                expression.AND([partner_domain, [("id", ">", last_id)]]),
                order="id",
                limit=batch_size,
            )
            partners = self.env.execute_query(
                query.select(
                    *(
                        Partner._field_to_sql(query.table, fname, query)
                        for fname in PARTNER_COLUMNS
                    )
                )
            )
            if not partners:
                return
            consents = self._read_consents([row[0] for row in partners], type_ids)
            for (
                partner_id,
                name,
                company,
                email,
                phone,
                mobile,
                lang,
                request_date,
                answer_date,
            ) in partners:
                row = [
                    name,
                    company,
                    email,
                    phone,
                    mobile,
                    languages.get(lang, lang),
                ]
                answers = consents.get(partner_id, {})
                for type_id in type_ids:
                    state, date_given, date_expiry, method = answers.get(
                        type_id, NO_CONSENT
                    )
                    if state == "given" and date_expiry and date_expiry <= today:
                        state = "expired"
                    row += [states[state], date_given, date_expiry, methods.get(method)]
                row += [to_local(request_date), to_local(answer_date)]
                yield row
            last_id = partners[-1][0]

    @api.model
    def _read_consents(self, partner_ids, type_ids):
        """``{partner_id: {type_id: (state, date_given, date_expiry, method)}}``,
        in one query, the user's record rules applied."""
        Consent = self.env["privacy.partner.consent"]
        query = Consent._search(
            [("partner_id", "in", partner_ids), ("type_id", "in", type_ids)]
        )
        consents = defaultdict(dict)
        for partner_id, type_id, *answer in self.env.execute_query(
            query.select(
                *(
                    Consent._field_to_sql(query.table, fname, query)
                    for fname in CONSENT_COLUMNS
                )
            )
        ):
            consents[partner_id][type_id] = tuple(answer)
        return consents

    @api.model
    def _export_timezone(self):
        """The company's time zone (its partner's, else UTC), the one of its
        reference day: an export says the same whoever runs it."""
        return pytz.timezone(self.env.company._privacy_timezone())

    @api.model
    def _local_datetime_converter(self):
        """A function turning UTC datetimes into naive ones in the company's
        time zone."""
        tz = self._export_timezone()

        def to_local(value):
            return value and pytz.utc.localize(value).astimezone(tz).replace(
                tzinfo=None
            )

        return to_local

    @api.model
    def _write_xlsx(self, path, columns, rows):
        """Write an XLSX file row by row; dates are date cells in the user's format."""
        lang = self.env["res.lang"]._get_data(code=self.env.lang or "en_US")
        date_format = lang.date_format or "%Y-%m-%d"
        time_format = lang.time_format or "%H:%M:%S"
        workbook = xlsxwriter.Workbook(
            path, {"constant_memory": True, "tmpdir": os.path.dirname(path)}
        )
        count = 0
        try:
            sheet = workbook.add_worksheet(_("Consents"))
            styles = {
                "date": workbook.add_format(
                    {"num_format": excel_number_format(date_format)}
                ),
                "datetime": workbook.add_format(
                    {"num_format": excel_number_format(f"{date_format} {time_format}")}
                ),
            }
            header_style = workbook.add_format({"bold": True})
            sheet.freeze_panes(1, 0)
            sheet.set_column(0, len(columns) - 1, 20)
            for column, (header, _kind) in enumerate(columns):
                sheet.write_string(0, column, header, header_style)
            writers = [
                (lambda r, c, v: sheet.write_string(r, c, v))
                if kind == "text"
                else (
                    lambda r, c, v, style=styles[kind]: sheet.write_datetime(
                        r, c, v, style
                    )
                )
                for _header, kind in columns
            ]
            for count, row in enumerate(rows, start=1):
                if count >= XLSX_MAX_ROWS:
                    raise UserError(
                        _("Too many contacts for an Excel sheet: export them as CSV.")
                    )
                for column, value in enumerate(row):
                    if value:
                        writers[column](count, column, value)
        finally:
            workbook.close()
        return count

    @api.model
    def _write_csv(self, path, columns, rows):
        """Write a CSV file in UTF-8 with a BOM, row by row; dates in ISO format."""
        formatters = [CSV_FORMATTERS[kind] for _header, kind in columns]
        count = 0
        with open(path, "w", encoding="utf-8-sig", newline="") as file:
            writer = csv.writer(file)
            writer.writerow([header for header, _kind in columns])
            for row in rows:
                writer.writerow(
                    [
                        formatter(value) if value else ""
                        for formatter, value in zip(formatters, row)
                    ]
                )
                count += 1
        return count

    # ------------------------------------------------------------
    # Housekeeping
    # ------------------------------------------------------------

    @api.autovacuum
    def _gc_export_files(self):
        """Export files hold personal data: delete them after a few days, keeping
        the export itself as a log of who exported what and when."""
        limit = fields.Datetime.now() - timedelta(days=FILE_RETENTION_DAYS)
        exports = self.sudo().search(
            [("attachment_id", "!=", False), ("date_done", "<", limit)]
        )
        exports.attachment_id.unlink()
