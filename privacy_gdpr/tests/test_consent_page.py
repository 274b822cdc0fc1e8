import re
from datetime import timedelta
from urllib.parse import urlparse

from lxml import html

from odoo import fields
from odoo.tests import tagged

from .consent_request_common import USER_AGENT, PrivacyRequestHttpCase


@tagged("post_install", "-at_install")
class TestConsentPage(PrivacyRequestHttpCase):
    def test_whole_flow(self):
        # Given orally before the request: left unanswered on the page, it stays.
        self.give(self.partner, self.type_call, method="phone")
        path = self.send_request(self.partner)
        consent_request = self.partner.privacy_request_ids
        self.assertEqual(consent_request.state, "sent")
        self.assertTrue(self.partner.privacy_request_date)
        self.assertFalse(self.partner.privacy_answer_date)

        page = html.fromstring(self.open_page(path).content)
        # Company identity, purposes, channels, current choice, right to withdraw.
        body = page.text_content()
        self.assertIn(self.env.company.name, body)
        self.assertIn("Data controller", body)
        self.assertIn("withdraw your consent at any time", body)
        newsletter = page.xpath('//fieldset[@data-consent-type="T_NEWSLETTER"]')[0]
        self.assertIn("newsletters and offers by e-mail", newsletter.text_content())
        call = page.xpath('//fieldset[@data-consent-type="T_CALL"]')[0]
        self.assertIn(
            "Given", call.xpath(".//*[hasclass('o_privacy_current')]")[0].text_content()
        )

        response = self.submit(
            path, {self.type_newsletter: "given", self.type_sms: "refused"}
        )
        self.assertIn("o_privacy_consent_done", response.text)

        newsletter = self.consent(self.partner, self.type_newsletter)
        sms = self.consent(self.partner, self.type_sms)
        self.assertEqual(newsletter.state, "given")
        self.assertEqual(newsletter.method, "web_form")
        self.assertEqual(newsletter.date_given, self.visitor_today())
        self.assertEqual(sms.state, "refused")
        self.assertEqual(self.consent(self.partner, self.type_call).state, "given")
        self.assertEqual(self.consent(self.partner, self.type_call).method, "phone")
        self.assertEqual(self.consent(self.partner, self.type_post).state, "none")
        self.assertTrue(
            self.partner._privacy_check("mass_mailing")[self.partner.id]["allowed"]
        )
        self.assertFalse(self.partner._privacy_check("sms")[self.partner.id]["allowed"])

        # Proof on the consent and in the history, with the exact text shown.
        history = newsletter.history_ids[:1]
        for record in (newsletter, history):
            self.assertTrue(record.proof_date)
            self.assertEqual(record.proof_ip, "127.0.0.1")
            self.assertEqual(record.proof_user_agent, USER_AGENT)
            self.assertIn(self.type_newsletter.name, record.proof_text)
            self.assertIn("→ Yes, I agree", record.proof_text)
        self.assertEqual(history.new_state, "given")
        self.assertEqual(history.request_id, consent_request)
        self.assertIn("No, I do not agree", sms.proof_text)

        self.assertEqual(consent_request.state, "answered")
        self.assertEqual(consent_request.answer_ip, "127.0.0.1")
        self.assertIn(self.type_post.name, consent_request.text_shown)
        self.assertIn("withdraw your consent at any time", consent_request.text_shown)
        self.assertTrue(self.partner.privacy_answer_date)

        summary = self.partner.message_ids.filtered(
            lambda m: m.subtype_id == self.subtype_answer
        )
        self.assertEqual(len(summary), 1)
        self.assertEqual(summary.author_id, self.partner)
        self.assertIn(self.type_newsletter.name, summary.body)
        self.assertIn("Given", summary.body)
        self.assertNotIn(self.type_post.name, summary.body)

        # The link works again until it expires: the person changes their mind.
        self.submit(path, {self.type_newsletter: "refused"})
        self.assertEqual(newsletter.state, "withdrawn")
        self.assertEqual(
            newsletter.history_ids.mapped("new_state")[:2], ["withdrawn", "given"]
        )

    def test_nothing_preselected_and_answers_alike(self):
        path = self.send_request(self.partner)
        self.give(self.partner, self.type_newsletter)  # even a given consent
        page = html.fromstring(self.open_page(path).content)
        radios = page.xpath(
            "//form[@id='o_privacy_consent_form']//input[@type='radio']"
        )
        self.assertTrue(radios)
        self.assertFalse(
            [radio for radio in radios if radio.get("checked") is not None]
        )
        self.assertFalse(page.xpath("//input[@type='checkbox']"))
        for fieldset in page.xpath("//fieldset[hasclass('o_privacy_consent_type')]"):
            given, refused = (
                fieldset.xpath(f".//input[@value='{value}']")[0]
                for value in ("given", "refused")
            )
            self.assertEqual(given.get("name"), refused.get("name"))
            self.assertIsNone(given.get("required"))
            self.assertEqual(given.get("class"), refused.get("class"))
            labels = [
                fieldset.xpath(f".//label[@for='{radio.get('id')}']")[0]
                for radio in (given, refused)
            ]
            self.assertEqual(labels[0].get("class"), labels[1].get("class"))
            # Same markup around each answer but for its value and words.
            self.assertEqual(
                self.skeleton(given, "Yes, I agree"),
                self.skeleton(refused, "No, I do not agree"),
            )
        self.assertEqual(
            len(
                page.xpath(
                    "//form[@id='o_privacy_consent_form']//button[@type='submit']"
                )
            ),
            1,
        )
        # Viewport for phones comes with the layout.
        self.assertTrue(page.xpath("//meta[@name='viewport']"))

    def skeleton(self, radio, words):
        markup = html.tostring(radio.getparent(), encoding="unicode", with_tail=False)
        return (
            markup.replace(radio.get("id"), "ID")
            .replace(f'value="{radio.get("value")}"', 'value="V"')
            .replace(words, "WORDS")
        )

    def test_unanswered_submit_changes_nothing(self):
        path = self.send_request(self.partner)
        response = self.submit(path, {}, status=400)
        self.assertIn("o_privacy_error", response.text)
        self.assertEqual(
            set(self.partner.privacy_consent_ids.mapped("state")), {"none"}
        )
        self.assertEqual(self.partner.privacy_request_ids.state, "sent")
        self.submit(path, {self.type_newsletter: "maybe"}, status=400)
        self.assertEqual(
            set(self.partner.privacy_consent_ids.mapped("state")), {"none"}
        )

    def test_text_changed_while_reading(self):
        path = self.send_request(self.partner)
        form = self.form_of(self.open_page(path))
        csrf = form.xpath(".//input[@name='csrf_token']")[0].get("value")
        digest = form.xpath(".//input[@name='digest']")[0].get("value")
        self.type_newsletter.description = "Now also for partners' offers"
        response = self.url_open(
            form.get("action"),
            data={
                "csrf_token": csrf,
                "digest": digest,
                f"consent_{self.type_newsletter.id}": "given",
            },
        )
        self.assertEqual(response.status_code, 409)
        self.assertIn("partners&#39; offers", response.text)
        self.assertEqual(self.consent(self.partner, self.type_newsletter).state, "none")

    def test_post_needs_csrf_token(self):
        path = self.send_request(self.partner)
        form = self.form_of(self.open_page(path))
        digest = form.xpath(".//input[@name='digest']")[0].get("value")
        with self.assertLogs("odoo.http", "WARNING"):
            response = self.url_open(
                form.get("action"),
                data={"digest": digest, f"consent_{self.type_newsletter.id}": "given"},
            )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.consent(self.partner, self.type_newsletter).state, "none")

    def test_get_changes_nothing(self):
        path = self.send_request(self.partner)
        self.open_page(f"{path}?consent_{self.type_newsletter.id}=given")
        self.assertEqual(self.consent(self.partner, self.type_newsletter).state, "none")
        self.assertEqual(self.partner.privacy_request_ids.state, "sent")
        self.open_page(f"{path}/submit", status=405)

    # ------------------------------------------------------------
    # Bad links
    # ------------------------------------------------------------

    def assertBadLink(self, path, status, partner=None):
        """GET and POST on ``path`` answer ``status``, change nothing and
        reveal nothing about ``partner``."""
        partner = partner or self.partner
        name, email = partner.name, partner.email
        states = {c.id: c.state for c in self.env["privacy.partner.consent"].search([])}
        histories = self.env["privacy.consent.history"].search_count([])
        page = self.open_page(path, status=status)
        # A valid CSRF token of this session: the POST must fail on the link.
        csrf_token = re.search(r'csrf_token: "([^"]+)"', page.text).group(1)
        for response in (
            page,
            self.url_open(
                f"{path}/submit",
                data={
                    "csrf_token": csrf_token,
                    f"consent_{self.type_newsletter.id}": "given",
                },
            ),
        ):
            self.assertEqual(response.status_code, status)
            self.assertIn("o_privacy_link_error", response.text)
            self.assertNotIn(name, response.text)
            self.assertNotIn(email, response.text)
            self.assertNotIn("o_privacy_consent_form", response.text)
        self.assertEqual(
            {c.id: c.state for c in self.env["privacy.partner.consent"].search([])},
            states,
        )
        self.assertEqual(
            self.env["privacy.consent.history"].search_count([]), histories
        )

    def test_bad_link_tampered(self):
        path = self.send_request(self.partner)
        token = self.token_of(path)
        # One character changed in the signature part.
        position = 20
        flipped = "A" if token[position] != "A" else "B"
        tampered = token[:position] + flipped + token[position + 1 :]
        self.assertBadLink(f"/privacy/consent/{tampered}", 404)
        for garbage in ("x", "AQ", "%25", "a" * 600, token + "xx"):
            self.assertBadLink(f"/privacy/consent/{garbage}", 404)
        # A preference or confirmation token is not a request token.
        preferences = self.token_of(self.partner._privacy_preferences_url())
        self.assertBadLink(f"/privacy/consent/{preferences}", 404)

    def test_bad_link_other_nonce(self):
        # Signed request id with a made-up nonce: not ours, hence unknown.
        path = self.send_request(self.partner)
        consent_request = self.partner.privacy_request_ids
        forged = consent_request._sign(
            "privacy_gdpr.consent_request.other", [consent_request.id, "guess"]
        )
        self.assertBadLink(f"/privacy/consent/{forged}", 404)
        self.assertEqual(self.token_of(path), self.token_of(consent_request._get_url()))

    def test_bad_link_expired(self):
        path = self.send_request(self.partner)
        consent_request = self.partner.privacy_request_ids
        consent_request.sudo().date_expiry = fields.Datetime.now() - timedelta(
            seconds=1
        )
        self.assertBadLink(path, 410)
        # Still sent: the cron marks it expired, the answer is the same.
        self.env["privacy.consent.request"]._expire_requests()
        self.assertEqual(consent_request.state, "expired")
        self.assertBadLink(path, 410)

    def test_bad_link_superseded(self):
        old_path = self.send_request(self.partner)
        new_path = self.send_request(self.partner)
        self.assertNotEqual(old_path, new_path)
        self.assertBadLink(old_path, 410)
        self.open_page(new_path)

    def test_bad_link_deleted_partner(self):
        partner = self.env["res.partner"].create(
            {"name": "Erased Person", "email": "erased@example.com"}
        )
        path = self.send_request(partner)
        self.open_page(path)
        partner.unlink()
        self.assertBadLink(path, 404, partner=self.partner)
        self.assertNotIn("Erased Person", self.open_page(path, status=404).text)

    # ------------------------------------------------------------
    # Long-lived preference link (marketing e-mail footers)
    # ------------------------------------------------------------

    def test_preference_link_changes_and_withdraws(self):
        self.give(self.partner, self.type_newsletter)
        url = self.partner._privacy_preferences_url()
        self.assertTrue(url.startswith(self.partner.get_base_url()))
        path = urlparse(url).path
        self.submit(path, {self.type_newsletter: "refused", self.type_sms: "given"})
        newsletter = self.consent(self.partner, self.type_newsletter)
        self.assertEqual(newsletter.state, "withdrawn")
        # Anyone the e-mail was forwarded to could answer: a consent given
        # from this link waits for the confirmation e-mailed to the person.
        self.assertEqual(self.consent(self.partner, self.type_sms).state, "pending")
        preferences = self.partner.privacy_request_ids
        self.assertEqual(preferences.origin, "preferences")
        self.assertEqual(preferences.state, "answered")
        self.assertIn(self.type_newsletter.name, preferences.text_shown)
        self.assertEqual(newsletter.history_ids[:1].request_id, preferences)
        # The same link works again; a request sent later does not kill it.
        self.env["privacy.consent.request"]._send_to(
            self.partner, include_objectors=True
        )
        self.open_page(path)
        token = self.token_of(path)
        self.assertBadLink(f"/privacy/preferences/{token[:-2]}", 404)
        partner_2_path = self.partner_2._privacy_preferences_url()
        self.assertNotEqual(self.token_of(partner_2_path), token)
        self.partner.unlink()
        self.assertBadLink(path, 404, partner=self.partner_2)

    # ------------------------------------------------------------
    # Language
    # ------------------------------------------------------------

    def test_page_in_the_partner_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.type_newsletter.with_context(lang="fr_FR").name = "Lettre d'information"
        self.partner.lang = "fr_FR"
        path = self.send_request(self.partner)
        page = html.fromstring(self.open_page(path).content)
        self.assertEqual(page.get("lang"), "fr-FR")
        self.assertIn(
            "Lettre d'information",
            page.xpath('//fieldset[@data-consent-type="T_NEWSLETTER"]/legend')[
                0
            ].text_content(),
        )
        self.submit(path, {self.type_newsletter: "given"})
        self.assertIn(
            "Lettre d'information",
            self.consent(self.partner, self.type_newsletter).proof_text,
        )
        # An Italian and an English partner of the same database get theirs.
        self.env["res.lang"]._activate_lang("it_IT")
        self.partner_2.lang = "it_IT"
        english = self.env["res.partner"].create(
            {"name": "Jane Smith", "email": "jane@example.com", "lang": "en_US"}
        )
        for partner, lang in ((self.partner_2, "it-IT"), (english, "en-US")):
            page = html.fromstring(self.open_page(self.send_request(partner)).content)
            self.assertEqual(page.get("lang"), lang)
