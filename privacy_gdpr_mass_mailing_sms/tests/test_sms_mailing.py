from unittest.mock import patch

from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, tagged

from odoo.addons.mass_mailing.models.mailing import MassMailing
from odoo.addons.mass_mailing_sms.models.mailing_mailing import (
    Mailing as SmsMailing,
)
from odoo.addons.privacy_gdpr.events import redact
from odoo.addons.privacy_gdpr_mass_mailing.tests.test_mailing_unsubscribe import (
    UnsubscribeCase,
)
from odoo.addons.privacy_gdpr_mass_mailing.tests.test_mass_mailing import (
    MassMailingCase,
)
from odoo.addons.sms.tools.sms_api import SmsApi


class SmsMailingCase(MassMailingCase):
    """Contacts with mobile numbers, with and without a consent for SMS."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.s_valid, cls.s_none, cls.s_email_only = Partner.create(
            [
                {"name": "S valid", "mobile": "+33 6 12 34 56 01"},
                {"name": "S none", "mobile": "+33 6 12 34 56 02"},
                # consents to e-mail marketing, not to SMS
                {"name": "S email only", "mobile": "+39 347 123 4503"},
            ]
        )
        cls.give(cls.s_valid, cls.type_sms)
        cls.give(cls.s_email_only, cls.type_newsletter)

    def sent_res_ids(self, mailing):
        if mailing.mailing_type != "sms":
            return super().sent_res_ids(mailing)
        sms = self.env["sms.sms"].sudo().search([("mailing_id", "=", mailing.id)])
        sent = sms.filtered(lambda message: message.state != "canceled")
        return sent.mailing_trace_ids.mapped("res_id")


@tagged("post_install", "-at_install")
class TestMassMailingSms(SmsMailingCase):
    def test_partners_without_sms_consent_are_cancelled(self):
        partners = self.s_valid | self.s_none | self.s_email_only
        mailing = self.mailing(partners, mailing_type="sms")
        self.assertEqual(mailing.privacy_no_consent_count, 2)

        mailing.action_send_mail()

        self.assertCancelled(mailing, self.s_none | self.s_email_only)
        self.assertSent(mailing, self.s_valid)
        trace = self.env["mailing.trace"].search(
            [("mass_mailing_id", "=", mailing.id), ("res_id", "=", self.s_none.id)]
        )
        self.assertEqual((trace.trace_type, trace.sms_number), ("sms", "+33612345602"))
        self.assertEqual(mailing.privacy_no_consent_cancelled, 2)

    def test_named_type_must_allow_sms(self):
        with self.assertRaisesRegex(ValidationError, "does not allow"):
            self.mailing(
                self.s_valid,
                mailing_type="sms",
                privacy_consent_type_ids=self.type_newsletter.ids,
            )

    def test_named_sms_type(self):
        other_sms = self.env["privacy.consent.type"].create(
            {"name": "Other SMS", "code": "T_SMS2", "allow_sms": True}
        )
        mailing = self.mailing(
            self.s_valid, mailing_type="sms", privacy_consent_type_ids=other_sms.ids
        )
        mailing.action_send_mail()
        self.assertCancelled(mailing, self.s_valid)

    def test_list_contacts_matched_by_number(self):
        # Saved in national format on the partner: matched through E.164.
        national = self.env["res.partner"].create(
            {
                "name": "S national",
                "mobile": "06 12 34 56 09",
                "country_id": self.env.ref("base.fr").id,
            }
        )
        self.give(national, self.type_sms)
        contacts = self.env["mailing.contact"].create(
            [
                {"name": "c valid", "mobile": "+33612345601"},
                {"name": "c national", "mobile": "+33 6 12 34 56 09"},
                {"name": "c none", "mobile": "+33612345602"},
                {"name": "c unknown", "mobile": "+33612345699"},
            ]
        )
        c_valid, c_national, c_none, c_unknown = contacts
        mailing_list = self.env["mailing.list"].create(
            {"name": "SMS news", "contact_ids": contacts.ids}
        )
        mailing = self.env["mailing.mailing"].create(
            {
                "subject": "SMS news",
                "mailing_type": "sms",
                "body_plaintext": "Our news",
                "mailing_model_id": self.env["ir.model"]._get_id("mailing.list"),
                "contact_list_ids": mailing_list.ids,
            }
        )
        self.assertEqual(mailing.privacy_no_consent_count, 2)

        mailing.action_send_mail()

        self.assertCancelled(mailing, c_none | c_unknown)
        self.assertSent(mailing, c_valid | c_national)

    def test_blacklisted_number_keeps_odoo_failure_type(self):
        self.env["phone.blacklist"].create(
            [{"number": "+33612345601"}, {"number": "+33612345602"}]
        )
        mailing = self.mailing(self.s_valid | self.s_none, mailing_type="sms")
        self.assertEqual(mailing.privacy_no_consent_count, 0)
        mailing.action_send_mail()
        traces = self.traces(mailing)
        self.assertEqual(traces[self.s_valid.id], ("cancel", "sms_blacklist"))
        self.assertEqual(traces[self.s_none.id], ("cancel", "sms_blacklist"))

    def test_switch_off_is_odoo(self):
        self.company.privacy_check_mass_mailing = False
        partners = self.s_valid | self.s_none | self.s_email_only
        ours = self.mailing(partners, mailing_type="sms")
        odoo = self.mailing(partners, mailing_type="sms")
        ours.action_send_mail()
        SmsMailing._action_send_mail(odoo, MassMailing._get_remaining_recipients(odoo))
        traces = self.traces(ours)
        self.assertEqual(traces, self.traces(odoo))
        self.assertEqual(set(traces), set(partners.ids))
        self.assertEqual(set(traces.values()), {("outgoing", False)})

    def test_test_sms_is_not_filtered(self):
        mailing = self.mailing(self.s_none, mailing_type="sms")
        sent = []

        def contact_iap(_api, _endpoint, params, **_kwargs):
            # The outside SMS service, replaced: it accepts every SMS.
            numbers = [n for message in params["messages"] for n in message["numbers"]]
            sent.extend(number["number"] for number in numbers)
            return [
                {"uuid": n["uuid"], "state": "success", "credit": 1} for n in numbers
            ]

        with patch.object(SmsApi, "_contact_iap", contact_iap):
            self.env["mailing.sms.test"].create(
                {"mailing_id": mailing.id, "numbers": "+33612345602"}
            ).action_send_sms()
        self.assertEqual(sent, ["+33612345602"])
        self.assertFalse(self.traces(mailing))


@tagged("post_install", "-at_install")
class TestSmsWithdrawal(UnsubscribeCase):
    def test_blocklisted_number_withdraws_sms(self):
        self.env["phone.blacklist"].add("+33 6 12 34 56 01")
        self.assertWithdrawn(self.p_valid, self.type_sms, "sms", "+33612345601")
        self.assertGiven(self.p_valid, self.type_newsletter)

    def test_leaving_every_list_withdraws_sms(self):
        news, offers = self.env["mailing.list"].create(
            [{"name": "News"}, {"name": "Offers"}]
        )
        self.contact("valid@example.com", news | offers, mobile="+33612345601")
        news._update_subscription_from_email("valid@example.com", opt_out=True)
        self.assertGiven(self.p_valid, self.type_sms)
        offers._update_subscription_from_email("valid@example.com", opt_out=True)
        self.assertWithdrawn(self.p_valid, self.type_sms, "web_form", "every")


@tagged("post_install", "-at_install")
class TestSmsStopLink(HttpCase, UnsubscribeCase):
    def test_sms_stop_link(self):
        mailing = self.mailing(self.p_valid, mailing_type="sms")
        mailing.action_send_mail()
        trace = self.env["mailing.trace"].search([("mass_mailing_id", "=", mailing.id)])
        self.assertEqual(trace.trace_status, "outgoing")
        response = self.url_open(
            f"/sms/{mailing.id}/unsubscribe/{trace.sms_code}"
            "?sms_number=%2B33%206%2012%2034%2056%2001",
            headers={"User-Agent": "Phone browser"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertTrue(
            self.env["phone.blacklist"].search([("number", "=", "+33612345601")])
        )
        self.assertWithdrawn(self.p_valid, self.type_sms, "sms", "+33612345601")
        self.assertGiven(self.p_valid, self.type_newsletter)
        # The withdrawal carries the proof of the STOP page's own request.
        row = self.consent(self.p_valid, self.type_sms).sudo().history_ids[0]
        self.assertEqual(
            (row.source, row.proof_user_agent, row.proof_ip, row.mailing_id),
            ("unsubscribe", "Phone browser", "127.0.0.1", mailing),
        )
        path = f"/sms/{mailing.id}/unsubscribe/{trace.sms_code}"
        self.assertEqual(row.proof_link, redact(path, trace.sms_code))
        self.assertIn("/unsubscribe/sha256:", row.proof_link)
