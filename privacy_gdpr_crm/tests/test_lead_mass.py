from odoo.tests import tagged

from .common import PrivacyLeadCase, WithBridgesMixin


@tagged("post_install", "-at_install")
class TestLeadMassEmail(PrivacyLeadCase):
    """*Send email* on the lead list: the person of each lead is checked."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # lead: customer without consent; lead_2: customer with consent;
        # lead_3: an address of nobody in the contacts.
        cls.lead_2 = cls.lead.copy({"partner_id": cls.partner_2.id})
        cls.lead_3 = cls.lead.copy(
            {"partner_id": False, "email_from": "new.person@example.de"}
        )
        cls.leads = cls.lead | cls.lead_2 | cls.lead_3

    def setUp(self):
        super().setUp()
        self.switch("email", True)

    def composer(self, **values):
        return (
            self.env["mail.compose.message"]
            .with_user(self.user_sales)
            .with_context(
                default_composition_mode="mass_mail",
                default_model="crm.lead",
                default_res_ids=repr(self.leads.ids),
            )
            .create({"subject": "Offer", "body": "<p>Our offer</p>", **values})
        )

    def mailed_leads(self):
        return self.env["crm.lead"].browse(
            self.env["mail.mail"]
            .sudo()
            .search([("model", "=", "crm.lead"), ("res_id", "in", self.leads.ids)])
            .mapped("res_id")
        )

    def test_leave_out(self):
        composer = self.composer(privacy_mass_decision="leave_out")
        # The customer without consent and the new contact.
        self.assertEqual(composer.privacy_mass_without_count, 2)
        action = composer.action_send_mail()
        self.assertEqual(self.mailed_leads(), self.lead_2)
        self.assertEqual(action["res_model"], "crm.lead")
        self.assertEqual(
            set(action["domain"][0][2]), set((self.lead | self.lead_3).ids)
        )
        self.assertFalse(self.logs())

    def test_reason_creates_the_new_contact_and_logs(self):
        composer = self.composer(
            privacy_mass_decision="reason", privacy_contact_reason_id=self.reason.id
        )
        composer.action_send_mail()
        self.assertEqual(self.mailed_leads(), self.leads)
        # The log needs a person: the lead's customer is created, as converting
        # the lead does.
        self.assertEqual(self.lead_3.partner_id.email, "new.person@example.de")
        self.assertEqual(
            self.logs(channel="email").partner_id, self.partner | self.lead_3.partner_id
        )
        self.assertEqual(set(self.logs().mapped("res_model")), {"crm.lead"})

    def test_documents_sent_under_a_contract(self):
        # Leads listed as sent under a contract: their customers are not
        # checked, an address of nobody still is.
        self.env.company.privacy_contract_models = "crm.lead"
        composer = self.composer(privacy_mass_decision="leave_out")
        self.assertEqual(composer.privacy_mass_without_count, 1)
        action = composer.action_send_mail()
        self.assertEqual(self.mailed_leads(), self.lead | self.lead_2)
        self.assertEqual(action["domain"], [("id", "in", [self.lead_3.id])])


@tagged("post_install", "-at_install")
class TestLeadMassSms(WithBridgesMixin, PrivacyLeadCase):
    """*Send SMS* on the lead list: the person of each lead is checked."""

    bridges = ("privacy_gdpr_sms",)

    def test_leave_out_then_reason(self):
        self.switch("sms", True)
        # lead: customer without consent; lead_2: customer with SMS consent;
        # lead_3: a number of nobody in the contacts.
        lead_2 = self.lead.copy({"partner_id": self.partner_2.id})
        lead_3 = self.lead.copy(
            {
                "partner_id": False,
                "email_from": False,
                "contact_name": "Hans",
                "mobile": "+49 151 1234567",
            }
        )
        leads = self.lead | lead_2 | lead_3

        def composer(**values):
            return (
                self.env["sms.composer"]
                .with_user(self.user_sales)
                .with_context(
                    default_composition_mode="mass",
                    default_res_model="crm.lead",
                    default_res_ids=repr(leads.ids),
                    default_number_field_name="mobile",
                )
                .create({"body": "Offers", **values})
            )

        def texted():
            return self.env["sms.sms"].sudo().search([("number", "!=", False)])

        before = texted()
        action = composer(privacy_mass_decision="leave_out").action_send_sms()
        self.assertEqual(set(action["domain"][0][2]), set((self.lead | lead_3).ids))
        self.assertEqual((texted() - before).partner_id, self.partner_2)
        self.assertFalse(self.logs())
        before = texted()
        composer(
            privacy_mass_decision="reason", privacy_contact_reason_id=self.reason.id
        ).action_send_sms()
        self.assertEqual(len(texted() - before), 3)
        self.assertEqual(lead_3.partner_id.name, "Hans")
        self.assertEqual(
            self.logs(channel="sms").partner_id, self.partner | lead_3.partner_id
        )
