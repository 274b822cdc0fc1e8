from odoo.tests import Form, tagged

from ..exceptions import PrivacyReasonRequired
from .mass_common import MassComposerCommon


class MassComposerCase(MassComposerCommon):
    """The e-mail composer in mass mode, as *Send email* on the contact list
    opens it."""

    def composer(self, partners, **values):
        return (
            self.env["mail.compose.message"]
            .with_user(self.user_sales)
            .with_context(
                default_composition_mode="mass_mail",
                default_model="res.partner",
                default_res_ids=repr(partners.ids),
            )
            .create({"subject": "Spring offers", "body": "<p>Hello</p>", **values})
        )

    def mails_to(self, partners):
        return (
            self.env["mail.mail"]
            .sudo()
            .search([("recipient_ids", "in", partners.ids)])
            .recipient_ids
            & partners
        )


@tagged("post_install", "-at_install")
class TestMassComposer(MassComposerCase):
    """Mass mode of the e-mail composer: leave out, or send with a reason."""

    def setUp(self):
        super().setUp()
        self.switch("email", True)
        # partner: no consent; partner_2: consent for e-mails.
        self.partners = self.partner | self.partner_2

    def test_form_proposes_to_leave_out(self):
        form = Form(
            self.env["mail.compose.message"]
            .with_user(self.user_sales)
            .with_context(
                default_composition_mode="mass_mail",
                default_model="res.partner",
                default_res_ids=repr(self.partners.ids),
            ),
            view="mail.email_compose_message_wizard_form",
        )
        self.assertEqual(form.privacy_mass_without_count, 1)
        self.assertEqual(form.privacy_mass_decision, "leave_out")

    def test_leave_out_sends_to_consented_only(self):
        composer = self.composer(self.partners, privacy_mass_decision="leave_out")
        self.assertEqual(composer.privacy_mass_without_count, 1)
        action = composer.action_send_mail()
        self.assertEqual(self.mails_to(self.partners), self.partner_2)
        self.assertFalse(self.logs())
        # The people left out are listed once the others are sent.
        self.assertEqual(action["res_model"], "res.partner")
        self.assertEqual(action["domain"], [("id", "in", [self.partner.id])])
        self.assertIn(": 1", action["name"])

    def test_leave_out_everybody_sends_nothing(self):
        composer = self.composer(self.partner, privacy_mass_decision="leave_out")
        action = composer.action_send_mail()
        self.assertFalse(self.mails_to(self.partners))
        self.assertEqual(action["domain"], [("id", "in", [self.partner.id])])

    def test_leave_out_a_domain(self):
        # "Select all" in the list gives a domain instead of ids.
        composer = self.composer(
            self.env["res.partner"],
            res_domain=repr([("id", "in", self.partners.ids)]),
            privacy_mass_decision="leave_out",
        )
        self.assertEqual(composer.privacy_mass_without_count, 1)
        composer.action_send_mail()
        self.assertEqual(self.mails_to(self.partners), self.partner_2)

    def test_reason_sends_to_all_and_logs_those_without_consent(self):
        partner_3 = self.env["res.partner"].create(
            {"name": "Ana Lopez", "email": "ana@example.es"}
        )
        partners = self.partners | partner_3
        composer = self.composer(
            partners,
            privacy_mass_decision="reason",
            privacy_contact_reason_id=self.reason.id,
            privacy_contact_note="Recall of a product",
        )
        self.assertEqual(composer.privacy_mass_without_count, 2)
        action = composer.action_send_mail()
        self.assertEqual(action, {"type": "ir.actions.act_window_close"})
        self.assertEqual(self.mails_to(partners), partners)
        self.assertRecordValues(
            self.logs().sorted(lambda log: log.partner_id.id),
            [
                {
                    "partner_id": partner.id,
                    "channel": "email",
                    "reason_id": self.reason.id,
                    "note": "Recall of a product",
                    "user_id": self.user_sales.id,
                    "res_model": "res.partner",
                }
                for partner in (self.partner | partner_3).sorted("id")
            ],
        )

    def test_without_decision_refused(self):
        composer = self.composer(self.partners)
        mails = self.count("mail.mail")
        with self.assertRaisesRegex(PrivacyReasonRequired, "1 recipients"):
            composer.action_send_mail()
        self.assertEqual(self.count("mail.mail"), mails)
        self.assertFalse(self.logs())

    def test_reason_decision_without_reason_refused(self):
        composer = self.composer(self.partners, privacy_mass_decision="reason")
        mails = self.count("mail.mail")
        with self.assertRaisesRegex(PrivacyReasonRequired, "Camille"):
            composer.action_send_mail()
        self.assertEqual(self.count("mail.mail"), mails)
        self.reason.action_archive()
        composer.privacy_contact_reason_id = self.reason
        with self.assertRaisesRegex(Exception, "archived"):
            composer.action_send_mail()
        self.assertEqual(self.count("mail.mail"), mails)
        self.assertFalse(self.logs())

    def test_everybody_consented_needs_no_decision(self):
        composer = self.composer(self.partner_2)
        self.assertEqual(composer.privacy_mass_without_count, 0)
        composer.action_send_mail()
        self.assertEqual(self.mails_to(self.partners), self.partner_2)

    def test_switch_off_is_odoo(self):
        self.switch("email", False)
        composer = self.composer(self.partners)
        self.assertEqual(composer.privacy_mass_without_count, 0)
        action = composer.action_send_mail()
        self.assertEqual(action, {"type": "ir.actions.act_window_close"})
        self.assertEqual(self.mails_to(self.partners), self.partners)
        self.assertFalse(self.logs())

    def test_comment_mode_unchanged(self):
        # Posting on the documents keeps asking a reason per post.
        composer = (
            self.env["mail.compose.message"]
            .with_user(self.user_sales)
            .with_context(
                default_composition_mode="comment",
                default_model="res.partner",
                default_res_ids=repr(self.partners.ids),
            )
            .create({"subject": "Hello", "body": "<p>Hello</p>"})
        )
        self.assertEqual(composer.privacy_mass_without_count, 0)

    def test_split_queries_do_not_grow_with_recipients(self):
        self.assertEqual(
            self.split_queries(10, self.type_email),
            self.split_queries(100, self.type_email),
        )
