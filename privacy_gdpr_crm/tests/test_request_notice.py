from odoo.tests import Form, new_test_user, tagged

from odoo.addons.privacy_gdpr.tests.consent_request_common import PrivacyRequestCase


@tagged("post_install", "-at_install")
class TestRequestNotice(PrivacyRequestCase):
    """The nudge on opportunities and leads whose customer was never asked."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(
            cls.env,
            login="privacy_salesman",
            groups="sales_team.group_sale_salesman,crm.group_use_lead",
        )

    def lead_form(self, partner, lead_type="opportunity"):
        """A new lead or opportunity for ``partner`` in the form view, and the
        warnings its onchanges raised."""
        with self.assertLogs("odoo.tests.form.onchange", level="WARNING") as logs:
            if lead_type == "lead":
                # Leads hide the customer field: it comes filled in, e.g. from
                # the contact's form.
                form = Form(
                    self.env["crm.lead"]
                    .with_user(self.salesman)
                    .with_context(default_type="lead", default_partner_id=partner.id)
                )
            else:
                form = self.opportunity_form()
                form.partner_id = partner
            form.name = "Office chairs"
        return form, "\n".join(logs.output)

    def opportunity_form(self):
        return Form(
            self.env["crm.lead"]
            .with_user(self.salesman)
            .with_context(default_type="opportunity")
        )

    def test_notice_on_opportunity_and_lead(self):
        for lead_type in ("opportunity", "lead"):
            form, logs = self.lead_form(self.partner, lead_type)
            self.assertIn("No consent request sent", logs)
            self.assertIn("Camille Durand was never sent a consent request", logs)
            self.assertTrue(form.privacy_request_missing)
            self.assertTrue(form.privacy_request_sendable)
            lead = form.save()
            self.assertTrue(lead.privacy_request_missing)

    def test_notice_without_email(self):
        partner = self.env["res.partner"].create({"name": "Paolo Bianchi"})
        form, logs = self.lead_form(partner)
        self.assertIn("add an e-mail address", logs)
        self.assertTrue(form.privacy_request_missing)
        self.assertFalse(form.privacy_request_sendable)

    def test_banner_button_sends_and_notice_stops(self):
        form, _logs = self.lead_form(self.partner)
        lead = form.save()
        lead.action_privacy_send_consent_request()
        self.assertEqual(len(self.request_messages(self.partner)), 1)
        self.assertFalse(lead.privacy_request_missing)
        # Once a request was sent, no notice at all.
        with self.assertNoLogs("odoo.tests.form.onchange", level="WARNING"):
            form = self.opportunity_form()
            form.name = "Desks"
            form.partner_id = self.partner
        self.assertFalse(form.privacy_request_missing)

    def test_banner_button_asks_first_for_a_person_who_objected(self):
        self.give(self.partner, self.type_sms, method="email")
        self.consent(self.partner, self.type_sms).write({"state": "withdrawn"})
        form, _logs = self.lead_form(self.partner)
        lead = form.save()
        action = lead.action_privacy_send_consent_request()
        self.assertEqual(action["res_model"], "privacy.consent.request.wizard")
        wizard = self.env[action["res_model"]].browse(action["res_id"])
        self.assertIn("Camille Durand: SMS withdrawn", wizard.summary)
        self.assertFalse(self.request_messages(self.partner))

    def test_no_notice_when_privacy_is_off(self):
        self.env.company.privacy_enabled = False
        with self.assertNoLogs("odoo.tests.form.onchange", level="WARNING"):
            form = self.opportunity_form()
            form.name = "Desks"
            form.partner_id = self.partner
        self.assertFalse(form.privacy_request_missing)

    def test_banner_in_the_form(self):
        arch = self.env["crm.lead"].get_view(
            self.env.ref("crm.crm_lead_view_form").id, "form"
        )["arch"]
        self.assertIn("o_privacy_request_notice", arch)
        self.assertIn('name="action_privacy_send_consent_request"', arch)
