from lxml import html

from odoo.tests import tagged

from .common import PrivacyWebsiteCase


@tagged("post_install", "-at_install")
class TestConsentFields(PrivacyWebsiteCase):
    """The consent boxes the website adds to a form, as a visitor gets them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Website forms may create contacts (Odoo's eCommerce opens it so).
        cls.env.ref("base.model_res_partner").website_form_access = True

    def test_one_unticked_optional_box_per_type_with_the_information(self):
        root = html.fromstring(
            self.consent_fields(self.type_news | self.type_sms, "res.partner")
        )
        boxes = root.xpath("//div[hasclass('o_privacy_consent')]//input")
        self.assertEqual(len(boxes), 2)
        for box in boxes:
            self.assertEqual(box.get("type"), "checkbox")
            self.assertIsNone(box.get("checked"))
            self.assertIsNone(box.get("required"))
        news = root.xpath("//div[@data-consent-code='T_WEB_NEWS']")[0]
        self.assertIn("Web newsletter", news.text_content())
        self.assertIn("Our monthly newsletter.", news.text_content())
        link = news.xpath(".//a")[0]
        self.assertEqual(link.get("href"), self.type_news.info_url)
        self.assertEqual(link.get("target"), "_blank")
        notice = root.xpath("//div[hasclass('o_privacy_notice')]")[0].text_content()
        for expected in (
            "Data controller: Maison Durand SARL, 3 rue des Lilas, Lyon",
            "Data protection officer: dpo@maison-durand.example.com",
            "Purposes: Web newsletter; Web SMS offers",
            "withdraw your consent at any time",
            # No GeoIP database here: the authority of the company's country.
            "Commission nationale de l'informatique et des libertés (CNIL)",
            "https://www.maison-durand.example.com/privacy",
        ):
            self.assertIn(expected, notice)
        self.assertTrue(
            root.xpath("//input[@type='hidden'][@name='privacy_consent_form']")
        )

    def test_in_the_visitor_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["privacy_gdpr", "privacy_gdpr_website"], ["fr_FR"], overwrite=True
        )
        self.type_news.with_context(lang="fr_FR").name = "Lettre d'information"
        text = html.fromstring(
            self.consent_fields(self.type_news, "res.partner", lang="fr-FR")
        ).text_content()
        self.assertIn("Lettre d'information", text)
        self.assertIn("Plus d'informations", text)
        self.assertIn("Responsable du traitement", text)
        self.assertNotIn("Data controller", text)

    def test_the_authority_of_the_visitor_country(self):
        WebConsent = self.env["privacy.web.consent"]
        notices = {
            country: WebConsent._form_fields(
                self.type_news, self.company, "en_US", self.env.ref(country)
            )["notice"]["text"]
            for country in ("base.it", "base.fr", "base.de")
        }
        self.assertIn(
            "Garante per la protezione dei dati personali", notices["base.it"]
        )
        self.assertIn("(CNIL)", notices["base.fr"])
        # No authority known for Germany: the company's (France).
        self.assertIn("(CNIL)", notices["base.de"])

    def test_nothing_to_show(self):
        archived = self.type_sms.copy({"code": "T_ARCHIVED", "active": False})
        other_company = self.env["res.company"].create({"name": "Other company"})
        foreign = self.type_sms.copy(
            {"code": "T_FOREIGN", "company_id": other_company.id}
        )
        for type_ids, model in (
            (self.type_news.ids, "mail.mail"),  # creates no contact
            (self.type_news.ids, "res.users"),  # no form creates it
            (self.type_news.ids, None),
            (archived.ids, "res.partner"),
            (foreign.ids, "res.partner"),
            ([], "res.partner"),
            ([str(self.type_news.id)], "res.partner"),
            ("1", "res.partner"),
            (list(range(100)), "res.partner"),
        ):
            with self.subTest(type_ids=type_ids, model=model):
                result = self.make_jsonrpc_request(
                    "/privacy/web/consent_fields",
                    {"type_ids": type_ids, "model": model, "lang": "en-US"},
                )
                self.assertEqual(result, {"html": ""})
