from lxml import html

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .consent_request_common import PrivacyRequestHttpCase


@tagged("post_install", "-at_install")
class TestResendToObjectors(PrivacyRequestHttpCase):
    """A new request asks the person again; it does not erase their "no"."""

    def test_resend_to_a_person_who_withdrew(self):
        self.send_request(self.partner)
        self.give(self.partner, self.type_newsletter, method="email")
        self.give(self.partner, self.type_sms, method="email")
        sms = self.consent(self.partner, self.type_sms)
        sms.write({"state": "withdrawn"})
        sms_rows = len(sms.history_ids)

        # The button asks first, naming the person and what they withdrew.
        action = self.partner.action_privacy_send_consent_request()
        self.assertEqual(action["res_model"], "privacy.consent.request.wizard")
        wizard = self.env["privacy.consent.request.wizard"].browse(action["res_id"])
        self.assertIn(self.partner.name, wizard.summary)
        self.assertIn("SMS withdrawn", wizard.summary)
        self.assertEqual(len(self.partner.privacy_request_ids), 1)
        with self.assertRaisesRegex(UserError, "Camille Durand refused or withdrew"):
            self.env["privacy.consent.request"]._send_to(self.partner)
        wizard.action_send()
        self.assertEqual(len(self.partner.privacy_request_ids), 1)  # left out
        self.assertIn("refused or withdrew a consent: 1", wizard.result)

        wizard = self.env["privacy.consent.request.wizard"].create(
            {"partner_ids": self.partner.ids, "include_objectors": True}
        )
        wizard.action_send()
        self.assertEqual(len(self.partner.privacy_request_ids), 2)
        # The withdrawal stays; the consent given is asked afresh.
        self.assertEqual(sms.state, "withdrawn")
        self.assertEqual(len(sms.history_ids), sms_rows)
        newsletter = self.consent(self.partner, self.type_newsletter)
        self.assertEqual(newsletter.state, "none")
        self.assertEqual(newsletter.history_ids[0].source, "reset")

        # The page chooses nothing in advance; a later "yes" is recorded.
        path = self.link_in(self.request_messages(self.partner)[:1])
        page = html.fromstring(self.open_page(path).content)
        self.assertFalse(page.xpath("//input[@type='radio'][@checked]"))
        self.submit(path, {self.type_sms: "given"})
        self.assertEqual(sms.state, "given")
        self.assertEqual(sms.history_ids[0].source, "page")

    def test_bulk_wizard_leaves_objectors_out_unless_asked(self):
        self.give(self.partner, self.type_call, method="email")
        self.consent(self.partner, self.type_call).write({"state": "refused"})
        form = Form(
            self.env["privacy.consent.request.wizard"].with_context(
                active_model="res.partner",
                active_ids=(self.partner | self.partner_2).ids,
            )
        )
        self.assertIn("1 contact(s) will receive", form.summary)
        self.assertIn(
            f"refused or withdrew a consent: 1 ({self.partner.name})", form.summary
        )
        self.assertIn("Calls refused", form.summary)
        form.include_objectors = True
        self.assertIn("2 contact(s) will receive", form.summary)
        wizard = form.save()
        wizard.action_send()
        self.assertEqual(len(self.partner.privacy_request_ids), 1)
        self.assertEqual(self.consent(self.partner, self.type_call).state, "refused")
