import io
import time

import openpyxl

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from .common import PrivacyCase
from .web_form_common import PrivacyWebFormCase

REPORT = "privacy_gdpr.action_report_privacy_dossier"
SECTION_COUNT = 7


class PrivacyDossierCase(PrivacyWebFormCase):
    """A person with every kind of event: a consent request sent, consents
    given on a web form and by phone, a withdrawal, a consent of a type since
    archived, a contact logged with its reason."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for lang in ("fr_FR", "it_IT"):
            cls.env["res.lang"]._activate_lang(lang)
        cls.env["ir.module.module"]._load_module_terms(
            ["privacy_gdpr"], ["fr_FR", "it_IT"], overwrite=True
        )
        partner = cls.partner
        cls.env["privacy.consent.request"]._send_to(partner)
        partner._privacy_record_web_consents(
            cls.web_answers(cls.type_newsletter), cls.web_proof(partner)
        )
        cls.give(partner, cls.type_call, proof_reference="REC-2026-0042")
        cls.give(partner, cls.type_sms)
        cls.record(partner, cls.type_sms, source="unsubscribe", state="withdrawn")
        cls.give(partner, cls.type_post, method="written")
        cls.type_post.active = False
        cls.reason = cls.env.ref("privacy_gdpr.contact_reason_contract")
        cls.env["privacy.contact.log"]._log_contacts(
            partner, "email", cls.reason, note="Delivery date of order S0042"
        )

    def dossier_env(self, lang):
        self.partner.lang = lang
        return self.env(user=self.user_privacy, context={"lang": lang})

    def workbook(self, lang):
        env = self.dossier_env(lang)
        content = env["privacy.dossier"]._dossier_xlsx(self.partner.with_env(env))
        return openpyxl.load_workbook(io.BytesIO(content))

    @staticmethod
    def rows_of(sheet):
        """The rows of a sheet as dicts keyed by the headings."""
        rows = list(sheet.iter_rows(values_only=True))
        return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]

    @staticmethod
    def row_where(rows, **values):
        found = [
            row for row in rows if all(row[key] == val for key, val in values.items())
        ]
        assert len(found) == 1, f"one row with {values} in {rows}"
        return found[0]


@tagged("post_install", "-at_install")
class TestPrivacyDossier(PrivacyDossierCase):
    """The dossier of a person, cell by cell, in the person's language."""

    def check_workbook(self, lang, words):
        """``words``: the translations expected in ``lang``."""
        book = self.workbook(lang)
        self.assertEqual(book.sheetnames[:SECTION_COUNT], words["sheets"])
        identity = [
            (row[words["data"]], row[words["value"]])
            for row in self.rows_of(book.worksheets[0])
        ]
        name_label = self.partner._fields["name"]._description_string(
            self.env(context={"lang": lang})
        )
        self.assertIn((name_label, "Camille Durand"), identity)
        self.assertIn("camille@example.fr", [value for _label, value in identity])

        consents = self.rows_of(book.worksheets[2])
        call = self.row_where(consents, **{words["type"]: "Calls"})
        self.assertEqual(call[words["state"]], words["given"])
        self.assertEqual(call[words["reference"]], "REC-2026-0042")
        self.assertEqual(call[words["date_given"]], self.today.strftime("%d/%m/%Y"))
        newsletter = self.row_where(consents, **{words["type"]: "Newsletter"})
        self.assertEqual(newsletter[words["method"]], words["web_form"])
        text_version = self.consent(self.partner, self.type_newsletter).type_text_id
        self.assertTrue(text_version)
        self.assertEqual(
            newsletter[words["text_version"]],
            text_version.with_context(lang=lang).display_name,
        )
        self.assertIn("Newsletter", newsletter[words["text_agreed"]])
        self.assertEqual(newsletter[words["ip"]], "192.0.2.15")
        # Archived type: its consent is still the person's data.
        post = self.row_where(consents, **{words["type"]: "Postal"})
        self.assertEqual(post[words["state"]], words["given"])
        sms = self.row_where(consents, **{words["type"]: "SMS"})
        self.assertEqual(sms[words["state"]], words["withdrawn"])

        history = self.rows_of(book.worksheets[3])
        web = self.row_where(history, **{words["source"]: words["web_form"]})
        self.assertEqual(web[words["new_state"]], words["given"])
        self.assertEqual(web[words["ip"]], "192.0.2.15")
        self.assertIn("Newsletter", web[words["text_agreed"]])
        self.assertTrue(web[words["request"]])
        withdrawal = self.row_where(history, **{words["new_state"]: words["withdrawn"]})
        self.assertEqual(withdrawal[words["source"]], words["unsubscribe"])

        requests = self.rows_of(book.worksheets[4])
        self.assertEqual(
            sorted(row[words["origin"]] for row in requests),
            sorted([words["request_origin"], words["web_form"]]),
        )
        web_request = self.row_where(requests, **{words["origin"]: words["web_form"]})
        self.assertEqual(
            web_request[words["page"]], "https://www.example.com/contactus"
        )
        self.assertIn("Every box of the form", web_request[words["text_shown"]])

        log = self.row_where(self.rows_of(book.worksheets[5]))
        self.assertEqual(log[words["note"]], "Delivery date of order S0042")
        self.assertEqual(log[words["reason"]], self.reason.with_context(lang=lang).name)
        self.assertEqual(log[words["legal_basis"]], words["contract"])

        objections = self.rows_of(book.worksheets[6])
        self.assertEqual(
            [(row[words["type"]], row[words["new_state"]]) for row in objections],
            [("SMS", words["withdrawn"])],
        )
        sources = [row[words["source"]] for row in self.rows_of(book.worksheets[1])]
        self.assertIn(words["web_form"], sources)
        self.assertIn(words["unsubscribe"], sources)

    def test_workbook_in_french(self):
        self.check_workbook(
            "fr_FR",
            {
                "sheets": [
                    "Identité",
                    "Sources des données",
                    "Consentements",
                    "Historique des consentements",
                    "Demandes de consentement",
                    "Contacts sans consentement",
                    "Oppositions",
                ],
                "data": "Donnée",
                "value": "Valeur",
                "type": "Type de consentement",
                "state": "État",
                "given": "Donné",
                "withdrawn": "Retiré",
                "reference": "Référence",
                "date_given": "Donné le",
                "method": "Mode d'obtention",
                "web_form": "Formulaire web",
                "text_version": "Version des textes",
                "text_agreed": "Texte accepté",
                "ip": "Adresse IP de la preuve",
                "source": "Source",
                "new_state": "Nouvel état",
                "request": "Demande de consentement",
                "unsubscribe": "Lien de désinscription",
                "origin": "Origine",
                "request_origin": "Demande",
                "page": "Page",
                "text_shown": "Texte affiché",
                "note": "Note",
                "reason": "Motif",
                "legal_basis": "Base légale RGPD",
                "contract": "Exécution d'un contrat",
            },
        )

    def test_workbook_in_italian(self):
        self.check_workbook(
            "it_IT",
            {
                "sheets": [
                    "Identità",
                    "Fonti dei dati",
                    "Consensi",
                    "Cronologia dei consensi",
                    "Richieste di consenso",
                    "Contatti senza consenso",
                    "Opposizioni",
                ],
                "data": "Dato",
                "value": "Valore",
                "type": "Tipo di consenso",
                "state": "Stato",
                "given": "Concesso",
                "withdrawn": "Revocato",
                "reference": "Riferimento",
                "date_given": "Data di concessione",
                "method": "Modalità di raccolta",
                "web_form": "Modulo web",
                "text_version": "Versione dei testi",
                "text_agreed": "Testo accettato",
                "ip": "Indirizzo IP della prova",
                "source": "Origine",
                "new_state": "Nuovo stato",
                "request": "Richiesta di consenso",
                "unsubscribe": "Link di disiscrizione",
                "origin": "Origine",
                "request_origin": "Richiesta",
                "page": "Pagina",
                "text_shown": "Testo mostrato",
                "note": "Nota",
                "reason": "Motivo",
                "legal_basis": "Base giuridica GDPR",
                "contract": "Contratto",
            },
        )

    def test_pdf_in_the_person_language(self):
        env = self.dossier_env("fr_FR")
        Report = env["ir.actions.report"]
        html = Report._render_qweb_html(REPORT, self.partner.ids)[0].decode()
        for text in (
            "Dossier de données personnelles de",
            "Camille Durand",
            "Historique des consentements",
            "Contacts sans consentement",
            "Oppositions",
            "REC-2026-0042",
            "192.0.2.15",
            "Delivery date of order S0042",
            "https://www.example.com/contactus",
            "Lien de désinscription",
            "nous détenons sur vous",
        ):
            self.assertIn(text, html)
        # A column empty in every row is left out of the page, not of the
        # workbook: no proof document was given.
        self.assertNotIn("Nom du document", html)
        consents_sheet = self.workbook("fr_FR").worksheets[2]
        self.assertIn("Nom du document", [cell.value for cell in consents_sheet[1]])
        # In English for an English-speaking person, whoever prints it.
        env = self.dossier_env("en_US")
        html = env["ir.actions.report"]._render_qweb_html(REPORT, self.partner.ids)[0]
        self.assertIn(b"Privacy dossier of", html)
        self.assertIn(b"Consent history", html)
        pdf, report_type = (
            env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(REPORT, self.partner.ids)
        )
        self.assertEqual(report_type, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))

    def test_pdf_waits_for_no_script(self):
        # Odoo lets a report's scripts run for report.print_delay milliseconds
        # before printing; the dossier's page has none and must not wait.
        self.env["ir.config_parameter"].sudo().set_param("report.print_delay", "60000")
        env = self.dossier_env("en_US")
        started = time.monotonic()
        pdf, _report_type = (
            env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(REPORT, self.partner.ids)
        )
        self.assertTrue(pdf.startswith(b"%PDF"))
        self.assertLess(time.monotonic() - started, 30)

    def count_queries(self, partner):
        Dossier = self.env(user=self.user_privacy)["privacy.dossier"]
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        data = Dossier._dossier_data(partner.with_env(Dossier.env))
        return self.env.cr.sql_log_count - before, data

    def add_events(self, partner, count):
        for _index in range(count // 2):
            self.record(
                partner,
                self.type_email,
                source="staff",
                state="given",
                method="email",
                date_given=self.today,
            )
            self.record(
                partner, self.type_email, source="unsubscribe", state="withdrawn"
            )
        self.env["privacy.contact.log"].sudo().create(
            [
                {
                    "partner_id": partner.id,
                    "channel": "call",
                    "reason_id": self.reason.id,
                    "legal_basis": self.reason.legal_basis,
                    "note": f"Call {index}",
                }
                for index in range(count)
            ]
        )

    def test_query_count_does_not_grow_with_the_history(self):
        few = self.env["res.partner"].create(
            {"name": "Few", "email": "few@example.com"}
        )
        many = self.env["res.partner"].create(
            {"name": "Many", "email": "many@example.com"}
        )
        self.add_events(few, 10)
        self.add_events(many, 100)
        # The first dossier fills the caches of the registry (rules, groups).
        self.count_queries(few)
        few_queries, few_data = self.count_queries(few)
        many_queries, many_data = self.count_queries(many)
        sections = {s["key"]: s for s in many_data["sections"]}
        self.assertEqual(len(sections["history"]["rows"]), 100)
        self.assertEqual(len(sections["contact_log"]["rows"]), 100)
        self.assertEqual(len(sections["objections"]["rows"]), 50)
        self.assertEqual(
            len({s["key"]: s for s in few_data["sections"]}["history"]["rows"]), 10
        )
        self.assertEqual(few_queries, many_queries)


@tagged("post_install", "-at_install")
class TestPrivacyDossierAccess(PrivacyCase):
    """The dossier is personal data of the person: Privacy Users only."""

    def test_employee_cannot_produce_the_dossier(self):
        env = self.env(user=self.user_employee)
        partner = self.partner.with_env(env)
        with self.assertRaises(AccessError):
            env["privacy.dossier"]._dossier_data(partner)
        with self.assertRaises(AccessError):
            env["privacy.dossier"]._dossier_xlsx(partner)
        with self.assertRaises(AccessError):
            env["ir.actions.report"]._render_qweb_html(REPORT, partner.ids)
        privacy_env = self.env(user=self.user_privacy)
        data = privacy_env["privacy.dossier"]._dossier_data(
            self.partner.with_env(privacy_env)
        )
        self.assertEqual(data["partner"], self.partner)

    def test_contact_buttons_for_privacy_users_only(self):
        report = self.env.ref("privacy_gdpr.action_report_privacy_dossier")
        for user, shown in ((self.user_employee, False), (self.user_privacy, True)):
            Partner = self.env["res.partner"].with_user(user)
            arch = Partner.get_views([(False, "form")])["views"]["form"]["arch"]
            with self.subTest(user=user.login):
                self.assertEqual(f'name="{report.id}"' in arch, shown)
                self.assertEqual("action_privacy_dossier_xlsx" in arch, shown)
                self.assertEqual("action_privacy_subject_requests" in arch, shown)


@tagged("post_install", "-at_install")
class TestPrivacyDossierDownload(HttpCase, PrivacyCase):
    """The workbook served to Privacy Users from the contact's button."""

    def test_download(self):
        url = f"/privacy/dossier/{self.partner.id}/xlsx"
        self.authenticate("privacy_employee", "privacy_employee")
        self.assertEqual(self.url_open(url).status_code, 403)
        self.authenticate("privacy_user", "privacy_user")
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        self.assertEqual(book.worksheets[0]["B2"].value, "Camille Durand")
