from odoo import fields
from odoo.tests import tagged

from odoo.addons.privacy_gdpr.tests.consent_request_common import USER_AGENT

from .common import PrivacyWebsiteCase


@tagged("post_install", "-at_install")
class TestWebsiteFormConsents(PrivacyWebsiteCase):
    """A website form creating a contact, with consent boxes: what a ticked
    box records, and what a tampered form does."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.ref("base.model_res_partner").website_form_access = True
        cls.env["ir.model.fields"].formbuilder_whitelist(
            "res.partner", ["name", "email"]
        )

    def evidence_counts(self):
        return {
            model: self.env[model].sudo().search_count([])
            for model in (
                "res.partner",
                "privacy.consent.history",
                "privacy.consent.request",
            )
        }

    def form_data(self, tick=(), email="lucie@example.fr", **extra):
        data = {"name": "Lucie Martin", "email": email}
        data.update(
            self.consent_inputs(
                self.consent_fields(self.type_news | self.type_sms, "res.partner"), tick
            )
        )
        data.update(
            {
                "privacy_page_url": f"{self.base_url()}/contactus",
                "privacy_form": "contactus_form",
            }
        )
        data.update(extra)
        return data

    def test_a_ticked_box_is_recorded_with_its_proof(self):
        result = self.post_form("res.partner", self.form_data(tick=self.type_news))
        partner = self.env["res.partner"].browse(result["id"])
        self.assertEqual(partner.email, "lucie@example.fr")
        consent = self.consent(partner, self.type_news)
        self.assertEqual(consent.state, "given")
        self.assertEqual(consent.method, "web_form")
        public = self.env["res.partner"].with_user(self.env.ref("base.public_user"))
        self.assertEqual(consent.date_given, fields.Date.context_today(public))
        self.assertEqual(consent.proof_ip, "127.0.0.1")
        self.assertEqual(consent.proof_user_agent, USER_AGENT)
        for expected in (
            "Web newsletter\nOur monthly newsletter.",
            "Data controller: Maison Durand SARL",
            "Data protection officer: dpo@maison-durand.example.com",
            "(CNIL)",
            f"“contactus_form” on {self.base_url()}/contactus",
            "→ Box ticked",
        ):
            self.assertIn(expected, consent.proof_text)
        # Not ticked: no answer.
        self.assertEqual(self.consent(partner, self.type_sms).state, "none")
        request = partner.privacy_request_ids
        self.assertEqual(request.origin, "web_form")
        self.assertEqual(request.page_url, f"{self.base_url()}/contactus")
        self.assertEqual(request.form_name, "contactus_form")
        self.assertEqual(
            (request.res_model, request.res_id), ("res.partner", partner.id)
        )
        # What the form showed: both boxes, then the information.
        self.assertIn("Web SMS offers", request.text_shown)
        self.assertIn("Data controller", request.text_shown)
        history = consent.history_ids
        self.assertEqual(history.request_id, request)
        self.assertEqual((history.old_state, history.new_state), ("none", "given"))
        self.assertIn("contactus_form", history.note)

    def test_the_boxes_never_reach_the_record(self):
        result = self.post_form("res.partner", self.form_data(tick=self.type_news))
        partner = self.env["res.partner"].browse(result["id"])
        # Odoo logs what it does not know of a form on the record it creates.
        for message in partner.message_ids:
            self.assertNotIn("privacy_", message.body or "")

    def test_no_box_ticked_records_nothing(self):
        result = self.post_form("res.partner", self.form_data())
        partner = self.env["res.partner"].browse(result["id"])
        self.assertTrue(partner.exists())
        self.assertFalse(partner.privacy_consent_history_ids)
        self.assertFalse(partner.privacy_request_ids)

    def assertRefused(self, data, error_fields):
        before = self.evidence_counts()
        result = self.post_form("res.partner", data)
        # The answer of the website's forms to bad input: the form shows its
        # error, and nothing was created.
        self.assertEqual(result, {"error_fields": error_fields})
        self.assertEqual(self.evidence_counts(), before)
        self.assertFalse(
            self.env["res.partner"].search([("email", "=", data.get("email"))])
        )

    def test_a_tampered_box_records_nothing(self):
        data = self.form_data(tick=self.type_news)
        name = f"privacy_consent_{self.type_news.id}"
        for value in ("999", "", "1; DROP TABLE", "x" * 600):
            with self.subTest(value=value):
                self.assertRefused({**data, name: value}, [name])

    def test_an_unknown_type_records_nothing(self):
        # The form asked the newsletter only; a box of another type is posted.
        data = {"name": "Lucie Martin", "email": "lucie@example.fr"}
        data.update(
            self.consent_inputs(self.consent_fields(self.type_news, "res.partner"))
        )
        for name in (
            f"privacy_consent_{self.type_sms.id}",
            "privacy_consent_999999",
            "privacy_consent_news",
        ):
            with self.subTest(name=name):
                self.assertRefused({**data, name: str(self.type_sms.id)}, [name])

    def test_a_forged_form_records_nothing(self):
        data = self.form_data(tick=self.type_news)
        box = f"privacy_consent_{self.type_news.id}"
        token = data["privacy_consent_form"]
        for forged in (token[:-4] + "AAAA", "", "not base64 ☃", token + token):
            with self.subTest(forged=forged[:20]):
                self.assertRefused(
                    {**data, "privacy_consent_form": forged},
                    ["privacy_consent_form", box],
                )
        without_form = dict(data)
        del without_form["privacy_consent_form"]
        self.assertRefused(without_form, ["privacy_consent_form", box])

    def test_a_model_without_consents_refuses_ticked_boxes(self):
        data = self.form_data(tick=self.type_news)
        before = self.evidence_counts()
        response = self.url_open("/website/form/mail.mail", data=data)
        self.assertIn("error_fields", response.json())
        self.assertEqual(self.evidence_counts(), before)

    def test_a_cached_page_records_the_text_it_showed(self):
        data = self.form_data(tick=self.type_news)
        self.type_news.description = "Our weekly newsletter."
        result = self.post_form("res.partner", data)
        consent = self.consent(
            self.env["res.partner"].browse(result["id"]), self.type_news
        )
        self.assertEqual(consent.state, "given")
        self.assertIn("Our monthly newsletter.", consent.proof_text)
        self.assertNotIn("weekly", consent.proof_text)

    def erase_lucie(self):
        """Lucie's contact was erased: her address stays objected, hashed."""
        self.env["res.partner"].create(
            {"name": "Lucie Martin", "email": "lucie@example.fr"}
        ).unlink()
        return self.env["privacy.suppression"].search(
            [("kind", "=", "email"), ("reason", "=", "erasure")], limit=1
        )

    def test_an_erased_address_signing_up_objects(self):
        entry = self.erase_lucie()
        result = self.post_form("res.partner", self.form_data())
        partner = self.env["res.partner"].browse(result["id"])
        self.assertEqual(set(partner.privacy_consent_ids.mapped("state")), {"refused"})
        self.assertTrue(entry.active)

    def test_a_ticked_box_lifts_the_objection_of_an_erased_address(self):
        entry = self.erase_lucie()
        result = self.post_form("res.partner", self.form_data(tick=self.type_news))
        partner = self.env["res.partner"].browse(result["id"])
        self.assertEqual(self.consent(partner, self.type_news).state, "given")
        self.assertEqual(self.consent(partner, self.type_sms).state, "refused")
        self.assertFalse(entry.active)
        self.assertEqual(entry.lift_source, "web_form")
        self.assertEqual(entry.lift_history_id.partner_id, partner)
        self.assertEqual(entry.lift_history_id.proof_ip, "127.0.0.1")
