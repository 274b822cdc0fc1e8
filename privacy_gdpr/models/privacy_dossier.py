import io

import pytz

from odoo import api, models
from odoo.exceptions import AccessError
from odoo.tools import DEFAULT_SERVER_TIME_FORMAT
from odoo.tools.misc import xlsxwriter

PRIVACY_USER = "privacy_gdpr.group_privacy_user"
# The formats of English (United States), for a language not installed.
DEFAULT_DATE_FORMAT = "%m/%d/%Y"
DEFAULT_TIME_FORMAT = DEFAULT_SERVER_TIME_FORMAT
OBJECTION_STATES = ("refused", "withdrawn")
# Excel refuses longer sheet names and these characters in them.
SHEET_NAME_MAX = 31
SHEET_NAME_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", " "))

DOSSIER_IDENTITY_FIELDS = (
    "name",
    "email",
    "phone",
    "mobile",
    "street",
    "street2",
    "zip",
    "city",
    "country_id",
    "lang",
    "parent_id",
    "company_id",
    "create_date",
    "create_uid",
)
# The proof of an answer, on the consent (its latest) and on each history row.
PROOF_FIELDS = (
    "type_text_id",
    "proof_date",
    "proof_text",
    "proof_ip",
    "proof_user_agent",
    "proof_link",
    "proof_reference",
    "proof_document_name",
    "import_file",
    "import_row",
)
CONSENT_FIELDS = (
    "type_id",
    "state",
    "date_given",
    "date_expiry",
    "method",
    *PROOF_FIELDS,
    "user_id",
    "note",
)
HISTORY_FIELDS = (
    "date",
    "type_id",
    "source",
    "old_state",
    "new_state",
    "method",
    "date_given",
    *PROOF_FIELDS,
    "request_id",
    "user_id",
    "note",
)
REQUEST_FIELDS = (
    "date_sent",
    "origin",
    "state",
    "date_expiry",
    "date_answer",
    "date_confirmed",
    "page_url",
    "form_name",
    "lang",
    "answer_ip",
    "answer_user_agent",
    "text_shown",
    "user_id",
)
CONTACT_LOG_FIELDS = (
    "date",
    "channel",
    "reason_id",
    "legal_basis",
    "note",
    "phone_number",
    "call_reference",
    "user_id",
)
OBJECTION_FIELDS = ("date", "type_id", "new_state", "source", "proof_text")


class PrivacyDossier(models.AbstractModel):
    """What the company holds on a person (GDPR art. 15), and the proof of each
    consent (art. 7(1)): built once by :meth:`_dossier_data`, rendered as a PDF
    (QWeb report) and as a workbook (:meth:`_dossier_xlsx`).

    Each section is read with one query (plus one per many2one it shows), so
    building a dossier costs the same whatever the length of the person's
    history.
    """

    _name = "privacy.dossier"
    _description = "Privacy dossier"

    @api.model
    def _check_dossier_access(self):
        if not self.env.user.has_group(PRIVACY_USER):
            raise AccessError(
                self.env._("Only Privacy Users may produce a person's privacy dossier.")
            )

    @api.model
    def _dossier_env(self, partner):
        """The dossier speaks the person's language, and gives times in their
        time zone, whoever prints it."""
        lang = partner.lang or self.env.lang or "en_US"
        lang_data = self.env["res.lang"]._get_data(code=lang)
        date_format = lang_data.date_format or DEFAULT_DATE_FORMAT
        time_format = lang_data.time_format or DEFAULT_TIME_FORMAT
        return self.with_context(
            lang=lang,
            tz=partner.tz or self.env.company.partner_id.tz or "UTC",
            active_test=False,
            privacy_dossier_formats=(date_format, f"{date_format} {time_format}"),
        )

    @api.model
    def _dossier_data(self, partner):
        """The person's dossier: ``{"partner", "lang", "sections"}``, each
        section a dict of ``key``, ``title``, ``columns`` (headings) and
        ``rows`` (lists of text), in the person's language.

        :raise AccessError: the user is not a Privacy User
        """
        partner.ensure_one()
        self._check_dossier_access()
        dossier = self._dossier_env(partner)
        partner = partner.with_env(dossier.env)
        sections = [
            dossier._identity_section(partner),
            dossier._sources_section(partner),
            *(
                dossier._dossier_section(*section)
                for section in dossier._record_sections(partner)
            ),
            *dossier._dossier_extra_sections(partner),
        ]
        return {"partner": partner, "lang": dossier.env.lang, "sections": sections}

    @api.model
    def _dossier_extra_sections(self, partner):
        """Sections added by other addons (messages sent by mailings…): a list
        of sections built like :meth:`_dossier_section`'s."""
        return []

    # Sections

    @api.model
    def _dossier_section(self, key, title, model, domain, field_names, order):
        """A section listing the records of ``model`` matching ``domain``, read
        in one query, one column per field, headed by the field's label."""
        Model = self.env[model]
        records = Model.search_read(domain, list(field_names), order=order)
        texts = [
            (name, self._dossier_text(Model._fields[name])) for name in field_names
        ]
        return {
            "key": key,
            "title": title,
            "columns": [
                Model._fields[name]._description_string(self.env)
                for name in field_names
            ],
            "rows": [
                [text(record[name]) for name, text in texts] for record in records
            ],
        }

    @api.model
    def _dossier_text(self, field):
        """The function giving the text of a value of ``field`` read by
        ``search_read``, as the person reads it. Labels and formats are looked
        up once per column: thousands of rows are formatted in milliseconds."""
        if field.type == "boolean":
            yes, no = self.env._("Yes"), self.env._("No")
            return lambda value: yes if value else no
        if field.type == "many2one":
            return lambda value: value[1] if value else ""
        if field.type == "selection":
            labels = dict(field._description_selection(self.env))
            return lambda value: labels.get(value, value) if value else ""
        date_format, datetime_format = self.env.context["privacy_dossier_formats"]
        if field.type == "date":
            return lambda value: value.strftime(date_format) if value else ""
        if field.type == "datetime":
            tz = pytz.timezone(self.env.context["tz"])

            def local_text(value):
                if not value:
                    return ""
                return pytz.utc.localize(value).astimezone(tz).strftime(datetime_format)

            return local_text
        return lambda value: str(value) if value else ""

    @api.model
    def _identity_section(self, partner):
        field_names = [
            name for name in DOSSIER_IDENTITY_FIELDS if name in partner._fields
        ]
        values = partner.read(field_names)[0]
        return {
            "key": "identity",
            "title": self.env._("Identity"),
            "columns": [self.env._("Data"), self.env._("Value")],
            "rows": [
                [
                    partner._fields[name]._description_string(self.env),
                    self._dossier_text(partner._fields[name])(values[name]),
                ]
                for name in field_names
            ],
        }

    @api.model
    def _sources_section(self, partner):
        """Where the data came from: what recorded the person's answers, the
        files imported, the web pages where forms were filled in."""
        History = self.env["privacy.consent.history"]
        sources = dict(History._fields["source"]._description_selection(self.env))
        rows = [
            [
                self.env._("Contact created"),
                partner.create_uid.name or "",
                self._dossier_text(partner._fields["create_date"])(partner.create_date),
            ]
        ]
        mine = [("partner_id", "=", partner.id)]
        # What recorded answers (labelled by their source), the files imported
        # and the pages of web forms (labelled by their kind).
        groupings = (
            ("privacy.consent.history", [], "source", "date", None),
            (
                "privacy.consent.history",
                [("import_file", "!=", False)],
                "import_file",
                "date",
                sources["import"],
            ),
            (
                "privacy.consent.request",
                [("page_url", "!=", False)],
                "page_url",
                "date_sent",
                sources["web_form"],
            ),
        )
        for model, domain, group_field, date_field, label in groupings:
            Model = self.env[model]
            date_text = self._dossier_text(Model._fields[date_field])
            for group in Model.read_group(
                mine + domain,
                [f"{date_field}:min"],
                [group_field],
                orderby=group_field,
                lazy=False,
            ):
                value = group[group_field]
                first = date_text(group[date_field])
                if label:
                    rows.append([label, value, first])
                else:
                    rows.append([sources.get(value, value), "", first])
        return {
            "key": "sources",
            "title": self.env._("Data sources"),
            "columns": [
                self.env._("Source"),
                self.env._("Detail"),
                self.env._("First recorded on"),
            ],
            "rows": rows,
        }

    @api.model
    def _record_sections(self, partner):
        """The sections listing the person's records, as the arguments of
        :meth:`_dossier_section`."""
        mine = [("partner_id", "=", partner.id)]
        # Refusals and withdrawals the person expressed: a reset by a new
        # request is not theirs.
        objections = mine + [
            ("new_state", "in", OBJECTION_STATES),
            ("source", "!=", "reset"),
        ]
        return [
            (
                "consents",
                self.env._("Consents"),
                "privacy.partner.consent",
                mine,
                CONSENT_FIELDS,
                "type_id, id",
            ),
            (
                "history",
                self.env._("Consent history"),
                "privacy.consent.history",
                mine,
                HISTORY_FIELDS,
                "date, id",
            ),
            (
                "requests",
                self.env._("Consent requests"),
                "privacy.consent.request",
                mine,
                REQUEST_FIELDS,
                "date_sent, id",
            ),
            (
                "contact_log",
                self.env._("Contacts without consent"),
                "privacy.contact.log",
                mine,
                CONTACT_LOG_FIELDS,
                "date, id",
            ),
            (
                "objections",
                self.env._("Objections"),
                "privacy.consent.history",
                objections,
                OBJECTION_FIELDS,
                "date, id",
            ),
        ]

    # Renderings

    @api.model
    def _dossier_xlsx(self, partner):
        """The dossier as a workbook, one sheet per section: its bytes."""
        data = self._dossier_data(partner)
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"in_memory": True})
        bold = workbook.add_format({"bold": True})
        wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
        for section in data["sections"]:
            name = section["title"].translate(SHEET_NAME_FORBIDDEN)[:SHEET_NAME_MAX]
            sheet = workbook.add_worksheet(name)
            sheet.write_row(0, 0, section["columns"], bold)
            sheet.set_column(0, len(section["columns"]) - 1, 22, wrap)
            sheet.freeze_panes(1, 0)
            for index, row in enumerate(section["rows"], start=1):
                # Strings only: a value typed "=…" by someone stays text.
                for column, value in enumerate(row):
                    sheet.write_string(index, column, value)
        workbook.close()
        return output.getvalue()

    @api.model
    def _dossier_file_name(self, partner, extension):
        day = self.env.company._privacy_today()
        return f"{self.env._('Privacy dossier')} - {partner.name} - {day}.{extension}"

    @api.model
    def _dossier_pdf(self, partner):
        return self.env["ir.actions.report"]._render_qweb_pdf(
            "privacy_gdpr.action_report_privacy_dossier", partner.ids
        )[0]
