from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from odoo.addons.mass_mailing.models.mailing import MassMailing
from odoo.addons.privacy_gdpr.tests.common import PrivacyCase


class MassMailingCase(PrivacyCase):
    """Mailings sent through Odoo's own paths: "Send now" (action_send_mail) and
    the queue (action_launch, then the queue's cron method)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.type_promo = cls.env["privacy.consent.type"].create(
            {"name": "Promotions", "code": "T_PROMO", "allow_mass_mailing": True}
        )
        cls.company = cls.env.user.company_id
        cls.company.privacy_check_mass_mailing = True
        Partner = cls.env["res.partner"]
        cls.p_valid, cls.p_none, cls.p_expired, cls.p_withdrawn = Partner.create(
            [
                {"name": "A valid", "email": "valid@example.com"},
                {"name": "B none", "email": "none@example.com"},
                {"name": "C expired", "email": "expired@example.com"},
                {"name": "D withdrawn", "email": "withdrawn@example.com"},
            ]
        )
        cls.give(cls.p_valid, cls.type_newsletter)
        # 30 days of validity: given 31 days ago, expired yesterday
        cls.give(cls.p_expired, cls.type_newsletter, days_ago=31)
        cls.give(cls.p_withdrawn, cls.type_newsletter, days_ago=2)
        cls.consent(cls.p_withdrawn, cls.type_newsletter).state = "withdrawn"

    @classmethod
    def mailing(cls, records, mailing_type="mail", **vals):
        values = {
            "subject": "Our news",
            "mailing_type": mailing_type,
            "mailing_model_id": cls.env["ir.model"]._get_id(records._name),
            "mailing_domain": repr([("id", "in", records.ids)]),
            "keep_archives": True,
        }
        if mailing_type == "sms":
            values["body_plaintext"] = "Our news, {{ object.name }}"
        else:
            values["body_html"] = "<p>Hello {{ object.name }}</p>"
        return cls.env["mailing.mailing"].create(dict(values, **vals))

    def traces(self, mailing):
        """``{res_id: (status, failure type)}`` of the mailing's traces."""
        traces = self.env["mailing.trace"].search(
            [("mass_mailing_id", "=", mailing.id)]
        )
        self.assertEqual(
            len(traces), len(set(traces.mapped("res_id"))), "one trace per record"
        )
        return {
            trace.res_id: (trace.trace_status, trace.failure_type) for trace in traces
        }

    def assertCancelled(self, mailing, records):
        """``records`` cancelled for lack of consent, and only them."""
        traces = self.traces(mailing)
        cancelled = {
            res_id
            for res_id, (status, failure) in traces.items()
            if failure == "privacy_no_consent"
        }
        self.assertEqual(cancelled, set(records.ids))
        for res_id in cancelled:
            self.assertEqual(traces[res_id][0], "cancel")

    def assertSent(self, mailing, records):
        """``records`` got their e-mail (mail.mail), and the cancelled ones did
        not."""
        traces = self.traces(mailing)
        for record in records:
            self.assertIn(traces[record.id][0], ("sent", "outgoing", "pending"))
            self.assertFalse(traces[record.id][1])
        self.assertEqual(set(self.sent_res_ids(mailing)), set(records.ids))

    def sent_res_ids(self, mailing):
        """The records the mailing's e-mails that are not cancelled go to."""
        mails = self.env["mail.mail"].sudo().search([("mailing_id", "=", mailing.id)])
        return mails.filtered(lambda mail: mail.state != "cancel").mapped("res_id")


@tagged("post_install", "-at_install")
class TestMassMailingEmail(MassMailingCase):
    def test_partners_without_valid_consent_are_cancelled(self):
        partners = self.p_valid | self.p_none | self.p_expired | self.p_withdrawn
        mailing = self.mailing(partners)
        self.assertTrue(mailing.privacy_filter_active)
        self.assertEqual(mailing.privacy_no_consent_count, 3)
        listed = self.env["res.partner"].search(
            mailing.action_view_privacy_no_consent()["domain"]
        )
        self.assertEqual(listed, self.p_none | self.p_expired | self.p_withdrawn)

        mailing.action_send_mail()

        self.assertCancelled(mailing, self.p_none | self.p_expired | self.p_withdrawn)
        self.assertSent(mailing, self.p_valid)
        self.assertEqual(mailing.state, "done")
        self.assertEqual(mailing.canceled, 3)
        self.assertEqual(mailing.privacy_no_consent_cancelled, 3)
        trace = self.env["mailing.trace"].search(
            [("mass_mailing_id", "=", mailing.id), ("res_id", "=", self.p_none.id)]
        )
        self.assertEqual(trace.email, "none@example.com")
        action = mailing.action_view_traces_privacy_no_consent()
        self.assertTrue(action["context"]["search_default_filter_privacy_no_consent"])

    def test_named_consent_types(self):
        p_promo = self.env["res.partner"].create(
            {"name": "E promo", "email": "promo@example.com"}
        )
        self.give(p_promo, self.type_promo)
        partners = self.p_valid | p_promo

        any_type = self.mailing(partners)
        self.assertEqual(any_type.privacy_no_consent_count, 0)
        any_type.action_send_mail()
        self.assertCancelled(any_type, self.env["res.partner"])
        self.assertSent(any_type, partners)

        promo_only = self.mailing(
            partners, privacy_consent_type_ids=self.type_promo.ids
        )
        self.assertEqual(promo_only.privacy_no_consent_count, 1)
        promo_only.action_send_mail()
        self.assertCancelled(promo_only, self.p_valid)
        self.assertSent(promo_only, p_promo)

    def test_named_type_must_allow_the_channel(self):
        with self.assertRaisesRegex(ValidationError, "does not allow"):
            self.mailing(self.p_valid, privacy_consent_type_ids=self.type_sms.ids)

    def test_consent_expired_on_the_day_of_sending(self):
        # Given 30 days ago with 30 days of validity: valid yesterday, not today.
        p_last_day = self.env["res.partner"].create(
            {"name": "E last day", "email": "lastday@example.com"}
        )
        self.give(p_last_day, self.type_newsletter, days_ago=30)
        with freeze_time(self.today - timedelta(days=1)):
            mailing = self.mailing(self.p_valid | p_last_day)
            self.assertEqual(mailing.privacy_no_consent_count, 0)
            mailing.action_launch()
        self.assertEqual(mailing.privacy_no_consent_count, 1)

        self.env["mailing.mailing"]._process_mass_mailing_queue()

        self.assertCancelled(mailing, p_last_day)
        self.assertSent(mailing, self.p_valid)

    def test_consent_withdrawn_after_the_mailing_was_queued(self):
        mailing = self.mailing(self.p_valid | self.p_none)
        mailing.action_launch()
        self.assertEqual(mailing.state, "in_queue")
        self.assertEqual(mailing.privacy_no_consent_count, 1)
        self.consent(self.p_valid, self.type_newsletter).state = "withdrawn"
        mailing.invalidate_recordset(["privacy_no_consent_count"])
        self.assertEqual(mailing.privacy_no_consent_count, 2)

        self.env["mailing.mailing"]._process_mass_mailing_queue()

        self.assertCancelled(mailing, self.p_valid | self.p_none)
        self.assertEqual(mailing.state, "done")
        self.assertFalse(
            self.env["mail.mail"].sudo().search([("mailing_id", "=", mailing.id)])
        )

    def test_mailing_list_contacts_matched_by_email(self):
        contacts = self.env["mailing.contact"].create(
            [
                # a partner with a valid consent: matched on the normalised e-mail
                {"name": "c valid", "email": "Valid <Valid@Example.com>"},
                # a partner without consent
                {"name": "c none", "email": "none@example.com"},
                # no partner at all
                {"name": "c unknown", "email": "unknown@example.com"},
                # two partners, one with a valid consent: enough
                {"name": "c twins", "email": "shared@example.com"},
            ]
        )
        c_valid, c_none, c_unknown, c_twins = contacts
        twins = self.env["res.partner"].create(
            [
                {"name": "Twin 1", "email": "shared@example.com"},
                {"name": "Twin 2", "email": "shared@example.com"},
            ]
        )
        self.give(twins[1], self.type_newsletter)
        mailing_list = self.env["mailing.list"].create(
            {"name": "News", "contact_ids": contacts.ids}
        )
        mailing = self.env["mailing.mailing"].create(
            {
                "subject": "Our news",
                "body_html": "<p>Hello</p>",
                "mailing_model_id": self.env["ir.model"]._get_id("mailing.list"),
                "contact_list_ids": mailing_list.ids,
                "keep_archives": True,
            }
        )
        self.assertEqual(mailing.privacy_no_consent_count, 2)
        self.assertEqual(
            self.env["mailing.contact"].search(
                mailing.action_view_privacy_no_consent()["domain"]
            ),
            c_none | c_unknown,
        )

        mailing.action_send_mail()

        self.assertCancelled(mailing, c_none | c_unknown)
        self.assertSent(mailing, c_valid | c_twins)

    def test_model_without_recipient_partner_cancels_everybody(self):
        # UTM campaigns have no partner, no e-mail, no number: nobody consents.
        campaigns = self.env["utm.campaign"].create(
            [{"name": "Spring"}, {"name": "Autumn"}]
        )
        mailing = self.mailing(campaigns)
        self.assertIn("cannot be tied to a contact", mailing.privacy_recipient_warning)
        self.assertEqual(mailing.privacy_no_consent_count, 2)
        mailing.action_send_mail()
        self.assertCancelled(mailing, campaigns)
        self.assertEqual(mailing.state, "done")
        self.assertFalse(self.mailing(self.p_valid).privacy_recipient_warning)

    def test_duplicates_and_blacklist_keep_odoo_failure_types(self):
        Partner = self.env["res.partner"]
        # Sent first (names order the recipients): the e-mail is then a duplicate.
        p_dup_valid = Partner.create({"name": "A2 twin", "email": "valid@example.com"})
        self.give(p_dup_valid, self.type_newsletter)
        # No consent, same e-mail as a consenting partner: cancelled for consent,
        # and it does not make the other one a duplicate.
        p_shared_none = Partner.create(
            {"name": "0 shared", "email": "promo@example.com"}
        )
        p_shared_valid = Partner.create(
            {"name": "Z shared", "email": "promo@example.com"}
        )
        self.give(p_shared_valid, self.type_newsletter)
        # Blocklisted (directly, as an administrator would): Odoo's own type,
        # with or without consent.
        p_bl_valid = Partner.create({"name": "BL valid", "email": "blv@example.com"})
        self.give(p_bl_valid, self.type_newsletter)
        p_bl_none = Partner.create({"name": "BL none", "email": "bln@example.com"})
        self.env["mail.blacklist"].create(
            [{"email": "blv@example.com"}, {"email": "bln@example.com"}]
        )
        recipients = (
            self.p_valid
            | p_dup_valid
            | p_shared_none
            | p_shared_valid
            | p_bl_valid
            | p_bl_none
        )
        mailing = self.mailing(recipients)
        self.assertEqual(mailing.privacy_no_consent_count, 1)

        mailing.action_send_mail()

        traces = self.traces(mailing)
        self.assertEqual(traces[p_shared_none.id], ("cancel", "privacy_no_consent"))
        self.assertEqual(traces[p_shared_valid.id][1], False)
        self.assertEqual(
            {traces[self.p_valid.id][1], traces[p_dup_valid.id][1]}, {False, "mail_dup"}
        )
        self.assertEqual(traces[p_bl_valid.id], ("cancel", "mail_bl"))
        self.assertEqual(traces[p_bl_none.id], ("cancel", "mail_bl"))
        self.assertEqual(mailing.privacy_no_consent_cancelled, 1)

    def test_counter_equals_cancelled_traces_in_constant_queries(self):
        def counted(size):
            partners = self.env["res.partner"].create(
                [
                    {"name": f"Size {size} {i}", "email": f"s{size}.{i}@example.com"}
                    for i in range(size)
                ]
            )
            for partner in partners[: size // 2]:
                self.give(partner, self.type_newsletter)
            mailing = self.mailing(partners)
            # the mailing and its company are read when the form opens
            warm = mailing.privacy_no_consent_count
            mailing.invalidate_recordset(["privacy_no_consent_count"])
            queries = self.cr.sql_log_count
            count = mailing.privacy_no_consent_count
            self.assertEqual(count, warm)
            return mailing, count, self.cr.sql_log_count - queries

        small, small_count, small_queries = counted(4)
        large, large_count, large_queries = counted(60)
        self.assertEqual((small_count, large_count), (2, 30))
        self.assertEqual(small_queries, large_queries)
        # the recipients, then those of them without a consent
        self.assertEqual(small_queries, 2)
        for mailing, count in ((small, small_count), (large, large_count)):
            mailing.action_send_mail()
            self.assertEqual(mailing.privacy_no_consent_cancelled, count)

    def test_filter_queries_do_not_grow_with_the_recipients(self):
        def filter_queries(size):
            partners = self.env["res.partner"].create(
                [
                    {"name": f"Q {size} {i}", "email": f"q{size}.{i}@example.com"}
                    for i in range(size)
                ]
            )
            mailing = self.mailing(partners)
            res_ids = MassMailing._get_recipients(mailing)
            self.env.flush_all()
            queries = self.cr.sql_log_count
            self.assertFalse(mailing._privacy_cancel_without_consent(res_ids))
            queries = self.cr.sql_log_count - queries
            self.assertEqual(mailing.privacy_no_consent_cancelled, size)
            return queries

        self.assertEqual(filter_queries(3), filter_queries(80))

    def test_cancelled_traces_are_written_when_the_mailing_completes(self):
        partners = self.p_valid | self.p_none | self.p_expired
        mailing = self.mailing(partners)
        mailing.action_launch()
        self.assertEqual(mailing.privacy_no_consent_count, 2)

        # What the queue asks first: only the consenting recipient remains, and
        # nothing is written yet (the e-mails go first).
        self.assertEqual(mailing._get_remaining_recipients(), self.p_valid.ids)
        self.assertFalse(self.traces(mailing))

        self.env["mailing.mailing"]._process_mass_mailing_queue()

        self.assertEqual(mailing.state, "done")
        self.assertCancelled(mailing, self.p_none | self.p_expired)
        self.assertSent(mailing, self.p_valid)
        self.assertEqual(mailing.privacy_no_consent_cancelled, 2)
        # Written once: completing again adds nothing.
        mailing._privacy_cancel_remaining()
        self.assertCancelled(mailing, self.p_none | self.p_expired)
        self.assertEqual(mailing.canceled, 2)

    def test_consent_changes_while_the_mailing_is_sent(self):
        """The recipients are fixed when the sending starts (consent checked
        then): one without consent then gets nothing from this sending even if
        it consents before the mailing completes."""
        mailing = self.mailing(self.p_valid | self.p_none | self.p_expired)
        recipients = mailing._get_remaining_recipients()
        self.assertEqual(recipients, self.p_valid.ids)
        # Meanwhile, on the preference page: p_none says yes.
        self.give(self.p_none, self.type_newsletter)
        mailing.action_send_mail(res_ids=recipients)
        mailing._privacy_cancel_remaining()

        self.assertSent(mailing, self.p_valid)
        # A trace says why nothing was sent: p_none has a valid consent now, so
        # it gets none rather than a false "No valid consent".
        self.assertCancelled(mailing, self.p_expired)
        self.assertNotIn(self.p_none.id, self.traces(mailing))

    def test_explicit_recipients_are_filtered_too(self):
        mailing = self.mailing(self.p_valid | self.p_none | self.p_expired)
        mailing.action_send_mail(res_ids=(self.p_valid | self.p_none).ids)
        self.assertCancelled(mailing, self.p_none)
        self.assertSent(mailing, self.p_valid)
        self.assertEqual(mailing.state, "done")

    def test_switch_off_is_odoo(self):
        self.company.privacy_check_mass_mailing = False
        Partner = self.env["res.partner"]
        p_dup = Partner.create({"name": "A2 twin", "email": "valid@example.com"})
        p_bl = Partner.create({"name": "BL", "email": "bl@example.com"})
        p_no_email = Partner.create({"name": "No e-mail"})
        self.env["mail.blacklist"].create({"email": "bl@example.com"})
        recipients = (
            self.p_valid | self.p_none | self.p_expired | p_dup | p_bl | p_no_email
        )
        ours, odoo = self.mailing(recipients), self.mailing(recipients)
        self.assertFalse(ours.privacy_filter_active)
        self.assertEqual(ours.privacy_no_consent_count, 0)
        self.assertEqual(
            ours._get_remaining_recipients(),
            MassMailing._get_remaining_recipients(odoo),
        )

        ours.action_send_mail()
        # Odoo's own code, without the addon's overrides of mailing.mailing
        MassMailing._action_send_mail(odoo, MassMailing._get_remaining_recipients(odoo))

        ours_traces, odoo_traces = self.traces(ours), self.traces(odoo)
        self.assertEqual(ours_traces, odoo_traces)
        self.assertEqual(len(ours_traces), 6)
        self.assertNotIn("privacy_no_consent", {f for _s, f in ours_traces.values()})
        self.assertEqual(ours_traces[self.p_none.id], ("sent", False))

    def test_test_mailing_is_not_filtered(self):
        mailing = self.mailing(self.p_none | self.p_expired)
        self.env["mailing.mailing.test"].create(
            {"mass_mailing_id": mailing.id, "email_to": "tester@example.com"}
        ).send_mail_test()
        self.assertFalse(self.traces(mailing))
        self.assertIn(
            "Test mailing successfully sent to tester@example.com",
            mailing.message_ids[0].body,
        )
