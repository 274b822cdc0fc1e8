from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from odoo.addons.privacy_gdpr.exceptions import PrivacyReasonRequired

from .common import PrivacyLeadCase


@tagged("post_install", "-at_install")
class TestLeadEmailCheck(PrivacyLeadCase):
    """E-mails written by users: the composer, the chatter's RPC, scheduling."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lead_sales = cls.lead.with_user(cls.user_sales)
        cls.template = cls.env["mail.template"].create(
            {
                "name": "Quotation follow-up",
                "model_id": cls.env.ref("crm.model_crm_lead").id,
                "subject": "About {{ object.name }}",
                "body_html": "<p>Hello</p>",
                "partner_to": "{{ object.partner_id.id }}",
            }
        )

    def composer(self, records, **values):
        return (
            self.env["mail.compose.message"]
            .with_user(self.user_sales)
            .with_context(
                default_model=records._name,
                default_res_ids=records.ids,
                default_composition_mode="comment",
            )
            .create({"subject": "Offer", "body": "<p>Our offer</p>", **values})
        )

    def post(self, partners, **context):
        """Post as the chatter's "Send message" does over RPC."""
        return self.lead_sales.with_context(**context).message_post(
            body="Hello",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            partner_ids=partners.ids,
        )

    def sent(self):
        return self.count("mail.mail"), self.count("mail.message")

    def mails_to(self, partner):
        return (
            self.env["mail.mail"]
            .sudo()
            .search_count([("recipient_ids", "in", partner.ids)])
        )

    def test_composer_mixed_recipients(self):
        recipients = self.partner | self.partner_2
        for on in (True, False):
            with self.subTest(switch=on):
                self.switch("email", on)
                composer = self.composer(
                    self.lead, partner_ids=[(6, 0, recipients.ids)]
                )
                self.assertEqual(
                    composer.privacy_reason_partner_ids,
                    self.partner if on else self.env["res.partner"],
                )
                self.assertEqual(composer.privacy_reason_required, on)
                before = self.sent()
                if on:
                    with self.assertRaisesRegex(PrivacyReasonRequired, "Camille"):
                        composer.action_send_mail()
                    self.assertEqual(self.sent(), before, "nothing is sent")
                    composer.write(
                        {
                            "privacy_contact_reason_id": self.reason.id,
                            "privacy_contact_note": "Order follow-up",
                        }
                    )
                composer.action_send_mail()
                message = self.lead.message_ids[0]
                self.assertEqual(message.partner_ids, recipients)
                self.assertEqual(
                    self.env["mail.mail"]
                    .sudo()
                    .search([("mail_message_id", "=", message.id)])
                    .recipient_ids,
                    recipients,
                    "both are e-mailed",
                )
                log = self.logs(message_id=message.id)
                if not on:
                    self.assertFalse(log)
                    continue
                self.assertRecordValues(
                    log,
                    [
                        {
                            "partner_id": self.partner.id,
                            "channel": "email",
                            "reason_id": self.reason.id,
                            "note": "Order follow-up",
                            "user_id": self.user_sales.id,
                            "res_model": "crm.lead",
                            "res_id": self.lead.id,
                        }
                    ],
                )

    def test_composer_template_recipients(self):
        self.switch("email", True)
        composer = self.composer(self.lead, template_id=self.template.id)
        self.assertEqual(composer.partner_ids, self.partner)
        self.assertEqual(composer.privacy_reason_partner_ids, self.partner)
        composer.privacy_contact_reason_id = self.reason
        composer.action_send_mail()
        self.assertEqual(
            self.logs(message_id=self.lead.message_ids[0].id).partner_id, self.partner
        )

    def test_customer_followers_are_checked(self):
        self.switch("email", True)
        self.lead.message_subscribe(partner_ids=self.partner.ids)
        self.assertEqual(
            self.composer(self.lead).privacy_reason_partner_ids, self.partner
        )
        before = self.sent()
        with self.assertRaisesRegex(PrivacyReasonRequired, "Camille"):
            self.post(self.env["res.partner"])
        self.assertEqual(self.sent(), before)

    def test_rpc_post_without_reason_refused(self):
        for on in (True, False):
            with self.subTest(switch=on):
                self.switch("email", on)
                before, mailed = self.sent(), self.mails_to(self.partner)
                if on:
                    with self.assertRaisesRegex(
                        PrivacyReasonRequired, "Camille Durand"
                    ):
                        self.post(self.partner)
                    self.assertEqual(self.sent(), before, "nothing is sent")
                    self.assertFalse(self.logs(partner_id=self.partner.id))
                    reason = self.reason.copy({"code": "ARCHIVED", "active": False})
                    with self.assertRaisesRegex(UserError, "archived"):
                        self.post(self.partner, privacy_contact_reason_id=reason.id)
                    self.assertEqual(self.sent(), before)
                message = self.post(
                    self.partner, privacy_contact_reason_id=self.reason.id
                )
                self.assertEqual(self.mails_to(self.partner), mailed + 1)
                self.assertEqual(
                    len(self.logs(message_id=message.id, partner_id=self.partner.id)),
                    int(on),
                )

    def test_consented_recipient_passes(self):
        self.switch("email", True)
        message = self.post(self.partner_2)
        self.assertEqual(
            self.env["mail.mail"]
            .sudo()
            .search([("mail_message_id", "=", message.id)])
            .recipient_ids,
            self.partner_2,
        )
        self.assertFalse(self.logs(message_id=message.id))

    def test_internal_note_not_blocked(self):
        colleague = new_test_user(
            self.env, login="privacy_colleague", groups="base.group_user"
        )
        self.lead.message_subscribe(
            partner_ids=(self.partner | colleague.partner_id).ids
        )
        for on in (True, False):
            with self.subTest(switch=on):
                self.switch("email", on)
                note = self.lead_sales.message_post(
                    body="Internal",
                    message_type="comment",
                    subtype_xmlid="mail.mt_note",
                    partner_ids=colleague.partner_id.ids,
                )
                self.assertEqual(note.partner_ids, colleague.partner_id)
                self.assertFalse(self.logs(message_id=note.id))
                # A note that names a customer e-mails that customer: checked.
                if on:
                    with self.assertRaises(PrivacyReasonRequired):
                        self.lead_sales.message_post(
                            body="FYI",
                            message_type="comment",
                            subtype_xmlid="mail.mt_note",
                            partner_ids=self.partner.ids,
                        )

    def test_automatic_emails_not_blocked(self):
        self.lead.message_subscribe(partner_ids=self.partner.ids)
        for on in (True, False):
            with self.subTest(switch=on):
                self.switch("email", on)
                before = self.mails_to(self.partner)
                # A template posted by code (order confirmations do so) as the user.
                self.lead_sales.message_post_with_source(
                    self.template, subtype_xmlid="mail.mt_comment"
                )
                # A template sent by code, and a message of the system.
                self.template.send_mail(self.lead.id, force_send=False)
                self.lead.message_post(
                    body="Automatic",
                    message_type="comment",
                    subtype_xmlid="mail.mt_comment",
                    partner_ids=self.partner.ids,
                )
                self.assertEqual(self.mails_to(self.partner), before + 3)
                self.assertFalse(self.logs(partner_id=self.partner.id))

    def test_portal_author_not_blocked(self):
        # Portal controllers post in sudo as the portal user: the person writes.
        self.switch("email", True)
        message = (
            self.lead.with_user(self.user_portal)
            .sudo()
            .message_post(
                body="A question",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                author_id=self.user_portal.partner_id.id,
                partner_ids=self.partner.ids,
            )
        )
        self.assertEqual(message.partner_ids, self.partner)
        self.assertFalse(self.Log.search([]))

    def test_precheck_gives_dialog_only_when_needed(self):
        Wizard = self.env["privacy.contact.reason.wizard"].with_user(self.user_sales)
        self.switch("email", True)
        self.assertFalse(
            Wizard.privacy_contact_check(
                "email", "crm.lead", self.lead.id, partner_ids=self.partner_2.ids
            )
        )
        action = Wizard.privacy_contact_check(
            "email",
            "crm.lead",
            self.lead.id,
            partner_ids=(self.partner | self.partner_2).ids,
            emails=["new.person@example.com", "GIULIA@example.it"],
        )
        wizard = Wizard.browse(action["res_id"])
        self.assertEqual(action["res_model"], "privacy.contact.reason.wizard")
        self.assertEqual(wizard.privacy_reason_partner_ids, self.partner)
        self.assertEqual(wizard.privacy_new_contacts, "new.person@example.com")
        with self.assertRaises(PrivacyReasonRequired):
            wizard.action_confirm()
        wizard.write({"privacy_contact_reason_id": self.reason.id})
        result = wizard.action_confirm()
        self.assertEqual(
            result["infos"]["privacy_contact"],
            {
                "privacy_contact_reason_id": self.reason.id,
                "privacy_contact_note": False,
            },
        )
        self.assertFalse(self.Log.search([]), "the e-mail logs, when sent")
        # An internal note to nobody outside needs nothing.
        self.assertFalse(
            Wizard.privacy_contact_check(
                "email", "crm.lead", self.lead.id, is_note=True
            )
        )
        self.switch("email", False)
        self.assertFalse(
            Wizard.privacy_contact_check(
                "email",
                "crm.lead",
                self.lead.id,
                partner_ids=self.partner.ids,
                emails=["new.person@example.com"],
            )
        )

    def test_precheck_enforces_access(self):
        salesman = new_test_user(
            self.env,
            login="privacy_own_leads",
            groups="base.group_user,sales_team.group_sale_salesman",
        )
        Wizard = self.env["privacy.contact.reason.wizard"].with_user(salesman)
        with self.assertRaises(AccessError):
            Wizard.privacy_contact_check(
                "email", "crm.lead", self.lead.id, partner_ids=self.partner.ids
            )
        with self.assertRaisesRegex(UserError, "Unknown contact channel"):
            Wizard.privacy_contact_check("fax", "res.partner", self.partner.id)
        with self.assertRaisesRegex(UserError, "Unknown document model"):
            Wizard.privacy_contact_check("email", "no.such.model", 1)

    def test_scheduled_message_keeps_the_reason(self):
        self.switch("email", True)
        composer = self.composer(self.lead, partner_ids=[(6, 0, self.partner.ids)])
        with self.assertRaises(PrivacyReasonRequired):
            composer.action_schedule_message("2999-01-01 10:00:00")
        self.assertFalse(self.env["mail.scheduled.message"].search([]))
        composer.write(
            {
                "privacy_contact_reason_id": self.reason.id,
                "privacy_contact_note": "Later",
            }
        )
        composer.action_schedule_message("2999-01-01 10:00:00")
        scheduled = self.env["mail.scheduled.message"].search([])
        self.assertEqual(scheduled.privacy_contact_reason_id, self.reason)
        scheduled._post_message()
        message = self.lead.message_ids[0]
        self.assertEqual(message.partner_ids, self.partner)
        self.assertRecordValues(
            self.logs(message_id=message.id),
            [
                {
                    "partner_id": self.partner.id,
                    "reason_id": self.reason.id,
                    "note": "Later",
                }
            ],
        )

    def test_documents_sent_under_a_contract(self):
        """Apps' own send wizards (an invoice's Send) cannot ask for a reason:
        e-mails about a contract document to its customer are logged with the
        contract reason; anyone else still needs a reason."""
        self.assertIn("account.move", self.env.company.privacy_contract_models)
        self.switch("email", True)
        self.env.company.privacy_contract_models = "sale.order, crm.lead"
        company = self.env["res.partner"].create({"name": "Durand SARL"})
        self.partner.parent_id = company
        colleague = self.env["res.partner"].create(
            {"name": "Paul Durand", "parent_id": company.id, "email": "p@example.fr"}
        )
        stranger = self.env["res.partner"].create(
            {"name": "Stranger", "email": "s@example.fr"}
        )
        message = self.post(self.partner | colleague)
        logs = self.logs(message_id=message.id)
        self.assertEqual(logs.partner_id, self.partner | colleague)
        self.assertEqual(
            logs.reason_id, self.env.ref("privacy_gdpr.contact_reason_contract")
        )
        self.assertEqual(set(logs.mapped("legal_basis")), {"contract"})
        # No dialog for them either, but one for the stranger.
        recipients = self.lead_sales._privacy_email_recipients(
            (self.partner | colleague | stranger).ids,
            self.env.ref("mail.mt_comment").id,
        )
        self.assertEqual(recipients, stranger)
        before = self.sent()
        with self.assertRaisesRegex(PrivacyReasonRequired, "Stranger"):
            self.post(self.partner | stranger)
        self.assertEqual(self.sent(), before)
        # Not a contract document any more: the customer needs a reason again.
        self.env.company.privacy_contract_models = "sale.order"
        with self.assertRaisesRegex(PrivacyReasonRequired, "Camille Durand"):
            self.post(self.partner)
