import csv
import hashlib
import io
from datetime import datetime, timedelta

import openpyxl

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import PrivacyCase

BOM = b"\xef\xbb\xbf"


@tagged("post_install", "-at_install")
class TestConsentExport(PrivacyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Two active types keep the files small enough to check cell by cell; SMS
        # comes first by its sequence although it was created after Newsletter.
        Type = cls.env["privacy.consent.type"]
        (Type.search([]) - cls.type_newsletter - cls.type_sms).active = False
        cls.type_sms.sequence = 1
        cls.type_newsletter.sequence = 2
        # Date-times are exported in the company's time zone.
        cls.env.company.partner_id.tz = "Europe/Paris"
        cls.company = cls.env["res.partner"].create(
            {"name": "Société Durand", "is_company": True}
        )
        cls.partner.write(
            {
                "parent_id": cls.company.id,
                "phone": "+33 1 42 68 53 00",
                "mobile": "06 12 34 56 78",
                "lang": "en_US",
                "privacy_request_date": datetime(2025, 1, 10, 8, 30),
                "privacy_answer_date": datetime(2025, 1, 11, 17, 45, 5),
            }
        )
        cls.give(cls.partner, cls.type_newsletter, days_ago=5, method="email")
        cls.consent(cls.partner, cls.type_sms).write(
            {"state": "refused", "method": "phone"}
        )
        # A partner without any consent line at all (they count as refused).
        cls.env["privacy.partner.consent"].search(
            [("partner_id", "=", cls.partner_2.id)]
        ).unlink()
        cls.user_exporter = new_test_user(
            cls.env,
            login="privacy_exporter",
            groups="base.group_user,privacy_gdpr.group_privacy_user",
            tz="Europe/Paris",
        )
        cls.domain = [("id", "in", (cls.partner | cls.partner_2).ids)]
        cls.given_on = cls.today - timedelta(days=5)
        cls.header = [
            "Name",
            "Company Name",
            "Email",
            "Phone",
            "Mobile",
            "Language",
            "SMS – State",
            "SMS – Date Given",
            "SMS – Expiry date",
            "SMS – Obtained by",
            "Newsletter – State",
            "Newsletter – Date Given",
            "Newsletter – Expiry date",
            "Newsletter – Obtained by",
            "Consent request sent on (Europe/Paris)",
            "Consent answer received on (Europe/Paris)",
        ]

    def export(self, file_format, user=None, domain=None):
        Export = self.env["privacy.consent.export"].with_user(
            user or self.user_exporter
        )
        export, done = Export._request(domain or self.domain, file_format)
        self.assertTrue(done, "a small export runs at once")
        self.assertEqual(export.state, "done")
        return export

    def xlsx_sheet(self, export):
        workbook = openpyxl.load_workbook(io.BytesIO(export.sudo().attachment_id.raw))
        return workbook.active

    def csv_rows(self, export):
        raw = export.sudo().attachment_id.raw
        self.assertTrue(raw.startswith(BOM), "CSV files start with a UTF-8 BOM")
        return list(csv.reader(io.StringIO(raw[len(BOM) :].decode("utf-8"))))

    def test_xlsx_cell_by_cell(self):
        export = self.export("xlsx")
        self.assertTrue(export.attachment_id.name.endswith(".xlsx"))
        self.assertEqual(export.row_count, 2)
        sheet = self.xlsx_sheet(export)
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        self.assertEqual(len(rows), 3)
        self.assertEqual(rows[0], self.header)
        given_on = datetime.combine(self.given_on, datetime.min.time())
        self.assertEqual(
            rows[1],
            [
                "Camille Durand",
                "Société Durand",
                "camille@example.fr",
                "+33 1 42 68 53 00",
                "06 12 34 56 78",
                "English (US)",
                "Refused",
                None,
                None,
                "Phone",
                "Given",
                given_on,
                given_on + timedelta(days=30),
                "E-mail",
                # UTC in the database, Paris time (UTC+1 in January) in the file.
                datetime(2025, 1, 10, 9, 30),
                datetime(2025, 1, 11, 18, 45, 5),
            ],
        )
        self.assertEqual(
            rows[2],
            ["Giulia Rossi", None, "giulia@example.it", None, None, "English (US)"]
            + ["No answer (refused)", None, None, None] * 2
            + [None, None],
        )
        # Dates are date cells, shown in the user's language format.
        for column in (12, 13):
            cell = sheet.cell(row=2, column=column)
            self.assertTrue(cell.is_date)
            self.assertEqual(cell.number_format, "mm/dd/yyyy")
        request_cell = sheet.cell(row=2, column=15)
        self.assertTrue(request_cell.is_date)
        self.assertEqual(request_cell.number_format, "mm/dd/yyyy hh:mm:ss")
        # Text that looks like a formula stays text.
        self.assertEqual(sheet.cell(row=2, column=4).data_type, "s")

    def csv_expected_rows(self):
        return [
            self.header,
            [
                "Camille Durand",
                "Société Durand",
                "camille@example.fr",
                # A spreadsheet program would read a leading "+" as a formula.
                "'+33 1 42 68 53 00",
                "06 12 34 56 78",
                "English (US)",
                "Refused",
                "",
                "",
                "Phone",
                "Given",
                self.given_on.isoformat(),
                (self.given_on + timedelta(days=30)).isoformat(),
                "E-mail",
                "2025-01-10 09:30:00",
                "2025-01-11 18:45:05",
            ],
            ["Giulia Rossi", "", "giulia@example.it", "", "", "English (US)"]
            + ["No answer (refused)", "", "", ""] * 2
            + ["", ""],
        ]

    def test_csv_cell_by_cell(self):
        export = self.export("csv")
        self.assertTrue(export.attachment_id.name.endswith(".csv"))
        self.assertEqual(export.attachment_id.mimetype, "text/csv")
        self.assertEqual(self.csv_rows(export), self.csv_expected_rows())

    def expected_csv_file(self):
        text = io.StringIO(newline="")
        csv.writer(text).writerows(self.csv_expected_rows())
        return BOM + text.getvalue().encode("utf-8")

    def test_csv_file_stored_in_the_filestore_as_written(self):
        # The file goes to the filestore without being read into memory: the
        # attachment must still describe it as Odoo would have.
        self.env["ir.config_parameter"].sudo().set_param(
            "ir_attachment.location", "file"
        )
        attachment = self.export("csv").sudo().attachment_id
        content = self.expected_csv_file()
        self.assertEqual(attachment.raw, content)
        self.assertEqual(attachment.checksum, hashlib.sha1(content).hexdigest())
        self.assertEqual(attachment.file_size, len(content))
        self.assertEqual(
            attachment.store_fname, f"{attachment.checksum[:2]}/{attachment.checksum}"
        )
        self.assertFalse(attachment.db_datas)
        with open(attachment._full_path(attachment.store_fname), "rb") as file:
            self.assertEqual(file.read(), content)
        # The same file again is stored once, for both attachments.
        again = self.export("csv").sudo().attachment_id
        self.assertNotEqual(again, attachment)
        self.assertEqual(again.store_fname, attachment.store_fname)
        self.assertEqual(again.raw, content)

    def test_csv_file_stored_in_the_database(self):
        self.env["ir.config_parameter"].sudo().set_param("ir_attachment.location", "db")
        attachment = self.export("csv").sudo().attachment_id
        content = self.expected_csv_file()
        self.assertFalse(attachment.store_fname)
        self.assertEqual(attachment.db_datas, content)
        self.assertEqual(attachment.checksum, hashlib.sha1(content).hexdigest())
        self.assertEqual(attachment.file_size, len(content))

    def test_headers_and_labels_in_french_for_a_french_user(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        french = {
            ("res.partner", "name"): "Nom",
            ("res.partner", "company_name"): "Nom de la société",
            ("res.partner", "email"): "Courriel",
            ("res.partner", "phone"): "Téléphone",
            ("res.partner", "mobile"): "Portable",
            ("res.partner", "lang"): "Langue",
            (
                "res.partner",
                "privacy_request_date",
            ): "Demande de consentement envoyée le",
            ("res.partner", "privacy_answer_date"): "Réponse reçue le",
            ("privacy.partner.consent", "state"): "État",
            ("privacy.partner.consent", "date_given"): "Date du consentement",
            ("privacy.partner.consent", "date_expiry"): "Date d'expiration",
            ("privacy.partner.consent", "method"): "Obtenu par",
        }
        # What the translations of the module (i18n/fr.po) load at install.
        Fields = self.env["ir.model.fields"]
        for (model, fname), label in french.items():
            Fields._get(model, fname).update_field_translations(
                "field_description", {"fr_FR": label}
            )
        consent_fields = Fields._get("privacy.partner.consent", "state")
        for value, label in (
            ("none", "Sans réponse (refusé)"),
            ("given", "Donné"),
            ("refused", "Refusé"),
        ):
            consent_fields.selection_ids.filtered(
                lambda s, value=value: s.value == value
            ).update_field_translations("name", {"fr_FR": label})
        self.type_newsletter.update_field_translations(
            "name", {"fr_FR": "Lettre d'information"}
        )
        self.env.registry.clear_cache()
        self.partner.lang = "fr_FR"
        user_fr = new_test_user(
            self.env,
            login="privacy_exporter_fr",
            groups="base.group_user,privacy_gdpr.group_privacy_user",
            lang="fr_FR",
            tz="Europe/Paris",
        )
        sheet = self.xlsx_sheet(self.export("xlsx", user=user_fr))
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        self.assertEqual(
            rows[0],
            [
                "Nom",
                "Nom de la société",
                "Courriel",
                "Téléphone",
                "Portable",
                "Langue",
                "SMS – État",
                "SMS – Date du consentement",
                "SMS – Date d'expiration",
                "SMS – Obtenu par",
                "Lettre d'information – État",
                "Lettre d'information – Date du consentement",
                "Lettre d'information – Date d'expiration",
                "Lettre d'information – Obtenu par",
                "Demande de consentement envoyée le (Europe/Paris)",
                "Réponse reçue le (Europe/Paris)",
            ],
        )
        self.assertEqual(rows[1][5], "French / Français")
        self.assertEqual(rows[1][6], "Refusé")
        self.assertEqual(rows[1][10], "Donné")
        self.assertEqual(rows[2][6:11:4], ["Sans réponse (refusé)"] * 2)
        # French dates: day first.
        self.assertEqual(sheet.cell(row=2, column=12).number_format, "dd/mm/yyyy")

    def test_export_reads_what_was_just_written(self):
        """An export in the same transaction as a change sees the change."""
        Export = self.env["privacy.consent.export"].with_user(self.user_exporter)
        partner = self.env["res.partner"].create(
            {"name": "Léa Martin", "email": "lea@example.fr"}
        )
        self.consent(partner, self.type_sms).write(
            {"state": "given", "method": "email", "date_given": self.today}
        )
        (row,) = Export._export_rows([("id", "=", partner.id)], self.type_sms)
        self.assertEqual(row[6:8], ["Given", self.today])

    def test_wizard_exports_the_selection_or_the_filters(self):
        Wizard = self.env["privacy.consent.export.wizard"].with_user(self.user_exporter)
        context = {
            "active_model": "res.partner",
            "active_ids": self.partner.ids,
            "active_domain": [("email", "=", "giulia@example.it")],
        }
        wizard = Wizard.with_context(**context).create({"file_format": "csv"})
        self.assertEqual(wizard.scope, "selection")
        self.assertEqual(wizard.partner_count, 1)
        action = wizard.action_export()
        self.assertEqual(action["type"], "ir.actions.act_url")
        export = self.env["privacy.consent.export"].search([], limit=1)
        self.assertIn(f"/web/content/{export.attachment_id.id}", action["url"])
        self.assertEqual(
            [row[0] for row in self.csv_rows(export)[1:]], ["Camille Durand"]
        )

        wizard.scope = "domain"
        self.assertEqual(wizard.partner_count, 1)
        wizard.action_export()
        export = self.env["privacy.consent.export"].search([], limit=1)
        self.assertEqual(
            [row[0] for row in self.csv_rows(export)[1:]], ["Giulia Rossi"]
        )

        # From Privacy reporting: every contact, unless filtered in the wizard.
        wizard = Wizard.create(
            {"partner_domain": "[('commercial_company_name', '=', 'Société Durand')]"}
        )
        self.assertEqual(wizard.scope, "domain")
        wizard.action_export()
        export = self.env["privacy.consent.export"].search([], limit=1)
        names = [row[0] for row in self.xlsx_sheet(export).iter_rows(values_only=True)]
        self.assertEqual(names[1:], ["Camille Durand", "Société Durand"])

    def test_selected_archived_contacts_are_exported(self):
        self.partner_2.active = False
        wizard = (
            self.env["privacy.consent.export.wizard"]
            .with_user(self.user_exporter)
            .with_context(active_model="res.partner", active_ids=self.partner_2.ids)
            .create({"file_format": "csv"})
        )
        wizard.action_export()
        export = self.env["privacy.consent.export"].search([], limit=1)
        self.assertEqual(
            [row[0] for row in self.csv_rows(export)[1:]], ["Giulia Rossi"]
        )

    def test_record_rules_of_the_exporting_user(self):
        company_b = self.env["res.company"].create({"name": "Company B"})
        type_b = self.env["privacy.consent.type"].create(
            {"name": "B offers", "code": "B_OFFERS", "company_id": company_b.id}
        )
        partner_b = self.env["res.partner"].create(
            {"name": "Only in B", "company_id": company_b.id}
        )
        self.give(self.partner, type_b)
        domain = [("id", "in", (self.partner | partner_b).ids)]
        rows = self.csv_rows(self.export("csv", domain=domain))
        self.assertEqual([row[0] for row in rows[1:]], ["Camille Durand"])
        self.assertFalse(any("B offers" in header for header in rows[0]))

        self.user_exporter.write({"company_ids": [(4, company_b.id)]})
        export = (
            self.env["privacy.consent.export"]
            .with_user(self.user_exporter)
            .with_context(allowed_company_ids=[self.env.company.id, company_b.id])
            ._request(domain, "csv")[0]
        )
        rows = self.csv_rows(export)
        self.assertEqual([row[0] for row in rows[1:]], ["Camille Durand", "Only in B"])
        self.assertIn("B offers – State", rows[0])

    def test_export_screens_load_for_privacy_users(self):
        Actions = self.env["ir.actions.actions"]
        wizard_action = self.env.ref(
            "privacy_gdpr.privacy_consent_export_wizard_action"
        )

        def partner_actions(user):
            bindings = Actions.with_user(user).get_bindings("res.partner")
            return [action["id"] for action in bindings.get("action", [])]

        self.assertIn(wizard_action.id, partner_actions(self.user_exporter))
        self.assertNotIn(wizard_action.id, partner_actions(self.user_employee))
        for model, view_types in (
            ("privacy.consent.export.wizard", ["form"]),
            ("privacy.consent.export", ["list", "form", "search"]),
        ):
            views = (
                self.env[model]
                .with_user(self.user_exporter)
                .get_views([(False, view_type) for view_type in view_types])
            )
            self.assertEqual(set(views["views"]), set(view_types))

    def test_only_privacy_users_export(self):
        for model in ("privacy.consent.export.wizard", "privacy.consent.export"):
            with self.subTest(model=model), self.assertRaises(AccessError):
                self.env[model].with_user(self.user_employee).create({})
        # An export holds personal data: other privacy users do not see it.
        export = self.export("xlsx")
        other = self.user_privacy
        self.assertFalse(self.env["privacy.consent.export"].with_user(other).search([]))
        with self.assertRaises(AccessError):
            export.attachment_id.with_user(other).read(["raw"])
        export.attachment_id.with_user(self.user_exporter).read(["raw"])
        self.assertIn(
            export,
            self.env["privacy.consent.export"].with_user(self.user_manager).search([]),
        )

    def test_large_export_runs_in_the_background(self):
        self.env["ir.config_parameter"].set_param("privacy_gdpr.export_sync_limit", 1)
        cron = self.env.ref("privacy_gdpr.ir_cron_privacy_consent_export")
        triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])
        wizard = (
            self.env["privacy.consent.export.wizard"]
            .with_user(self.user_exporter)
            .create({"partner_domain": repr(self.domain)})
        )
        action = wizard.action_export()
        self.assertEqual(action["tag"], "display_notification")
        export = self.env["privacy.consent.export"].search([], limit=1)
        self.assertEqual(export.state, "queued")
        self.assertFalse(export.attachment_id)
        self.assertGreater(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]),
            len(triggers),
        )

        # What the scheduled action runs, as its own user.
        self.env["privacy.consent.export"]._cron_run_queued()
        self.assertEqual(export.state, "done")
        self.assertEqual(export.row_count, 2)
        self.assertEqual(export.attachment_id.res_id, export.id)
        sheet = self.xlsx_sheet(export)
        self.assertEqual(sheet.cell(row=2, column=1).value, "Camille Durand")
        # In the company's time zone: Paris time.
        self.assertEqual(
            sheet.cell(row=2, column=15).value, datetime(2025, 1, 10, 9, 30)
        )
        message = export.message_ids[:1]
        self.assertIn(self.user_exporter.partner_id, message.notified_partner_ids)
        self.assertIn("ready", message.body)

    def test_failed_background_export_is_reported(self):
        export = (
            self.env["privacy.consent.export"]
            .with_user(self.user_exporter)
            .create({"name": "broken", "partner_domain": "[('no_such_field', '=', 1)]"})
        )
        with self.assertLogs(
            "odoo.addons.privacy_gdpr.models.privacy_consent_export", "ERROR"
        ):
            self.env["privacy.consent.export"]._cron_run_queued()
        self.assertEqual(export.state, "failed")
        self.assertIn("no_such_field", export.error)
        self.assertIn(
            self.user_exporter.partner_id, export.message_ids[:1].notified_partner_ids
        )

    def test_reads_in_batches_with_a_fixed_number_of_queries(self):
        Export = self.env["privacy.consent.export"]
        types = self.type_newsletter | self.type_sms
        partners = self.env["res.partner"].create(
            [{"name": f"Batch {index}"} for index in range(7)]
        )
        domain = [("id", "in", partners.ids)]
        rows = list(Export._export_rows(domain, types, batch_size=3))
        self.assertEqual([row[0] for row in rows], partners.mapped("name"))

        def queries(domain):
            self.env.flush_all()
            before = self.env.cr.sql_log_count
            list(Export._export_rows(domain, types, batch_size=100))
            return self.env.cr.sql_log_count - before

        self.assertEqual(
            queries([("id", "in", partners[:1].ids)]), queries(domain)
        )  # one batch: the same queries for 1 or 7 partners

    def test_old_files_are_deleted(self):
        export = self.export("csv")
        attachment = export.attachment_id
        export.sudo().date_done = datetime.now() - timedelta(days=8)
        self.env["privacy.consent.export"]._gc_export_files()
        self.assertFalse(attachment.exists())
        self.assertTrue(export.exists())
