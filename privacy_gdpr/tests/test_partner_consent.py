from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import PrivacyCase


@tagged("post_install", "-at_install")
class TestPartnerConsent(PrivacyCase):
    def test_refused_by_default(self):
        # A new partner has a "no answer" line per active type, and no channel.
        lines = self.partner.privacy_consent_ids
        active_types = self.env["privacy.consent.type"].search([])
        self.assertEqual(lines.type_id, active_types)
        self.assertEqual(set(lines.mapped("state")), {"none"})
        for channel in ("mass_mailing", "email", "sms", "call", "post"):
            self.assertFalse(
                self.partner._privacy_check(channel)[self.partner.id]["allowed"]
            )
        # A partner without any line (e.g. inserted by SQL) counts as refused too.
        raw = self.env["res.partner"].create({"name": "Raw"})
        self.cr.execute(
            "DELETE FROM privacy_partner_consent WHERE partner_id = %s", [raw.id]
        )
        raw.invalidate_recordset(["privacy_consent_ids"])
        self.assertFalse(raw.privacy_consent_ids)
        self.assertEqual(
            raw._privacy_check("email"),
            {
                raw.id: {
                    "allowed": False,
                    "consents": self.env["privacy.partner.consent"],
                }
            },
        )

    def test_expiry_date_follows_the_type_validity(self):
        consent = self.give(self.partner, self.type_newsletter, days_ago=5)
        self.assertEqual(consent.date_expiry, self.today + timedelta(days=25))
        self.type_newsletter.validity_days = 0
        self.assertFalse(consent.date_expiry)
        self.type_newsletter.validity_days = 100
        self.assertEqual(consent.date_expiry, self.today + timedelta(days=95))

    def test_validity_on_the_last_day_and_the_day_after(self):
        # Valid 30 days: given 29 days ago, today is its last valid day.
        consent = self.give(self.partner, self.type_newsletter, days_ago=29)
        self.assertEqual(consent.date_expiry, self.today + timedelta(days=1))
        last_day, day_after = self.today, self.today + timedelta(days=1)
        self.assertTrue(
            self.partner._privacy_check("mass_mailing", last_day)[self.partner.id][
                "allowed"
            ]
        )
        self.assertFalse(
            self.partner._privacy_check("mass_mailing", day_after)[self.partner.id][
                "allowed"
            ]
        )
        self.assertTrue(self.partner._privacy_allowed("mass_mailing", last_day))
        self.assertFalse(self.partner._privacy_allowed("mass_mailing", day_after))

    def test_giving_consent_requires_how_and_when(self):
        consent = self.consent(self.partner, self.type_email)
        invalid = [
            ({"state": "given", "date_given": self.today}, "Record how and when"),
            ({"state": "given", "method": "oral"}, "Record how and when"),
            (
                {
                    "state": "given",
                    "method": "oral",
                    # Tomorrow on the company's day.
                    "date_given": self.today + timedelta(days=1),
                },
                "cannot be given in the future",
            ),
        ]
        for vals, message in invalid:
            with (
                self.subTest(vals=vals),
                self.assertRaisesRegex(ValidationError, message),
            ):
                consent.write(vals)
        self.assertEqual(consent.state, "none")
        consent.write(
            {
                "state": "given",
                "method": "oral",
                "date_given": self.today,
                "proof_reference": "CALL-2026-0007",
            }
        )
        self.assertEqual(consent.state, "given")

    def test_creating_a_consent_records_the_answer_on_the_existing_line(self):
        line = self.consent(self.partner, self.type_sms)
        created = self.give(self.partner, self.type_sms, method="written")
        self.assertEqual(created, line)
        self.assertEqual(line.state, "given")
        self.assertEqual(
            self.env["privacy.partner.consent"].search_count(
                [
                    ("partner_id", "=", self.partner.id),
                    ("type_id", "=", self.type_sms.id),
                ]
            ),
            1,
        )
        # The same partner and type twice in one batch: the last answer wins.
        both = self.env["privacy.partner.consent"].create(
            [
                {
                    "partner_id": self.partner_2.id,
                    "type_id": self.type_call.id,
                    "state": "refused",
                },
                {
                    "partner_id": self.partner_2.id,
                    "type_id": self.type_call.id,
                    "state": "withdrawn",
                },
            ]
        )
        self.assertEqual(len(both), 2)
        self.assertEqual(both[0], both[1])
        self.assertEqual(both[0].state, "withdrawn")
        self.assertEqual(
            both[0].history_ids.mapped("new_state"), ["withdrawn", "refused"]
        )

    def test_a_history_row_per_change(self):
        consent = self.give(self.partner, self.type_email, days_ago=3, method="written")
        consent.with_user(self.user_privacy).write(
            {"state": "withdrawn", "note": "By phone"}
        )
        consent.write({"note": "Only a note"})  # not an answer: no history
        consent.write({"state": "withdrawn"})  # no change: no history
        consent.write({"method": "email"})
        history = consent.history_ids.sorted("id")
        self.assertEqual(
            [(h.old_state, h.new_state, h.method) for h in history],
            [
                ("none", "given", "written"),
                ("given", "withdrawn", "written"),
                ("withdrawn", "withdrawn", "email"),
            ],
        )
        self.assertEqual(history[0].date_given, self.today - timedelta(days=3))
        self.assertEqual(history[1].user_id, self.user_privacy)
        self.assertEqual(history[1].note, "By phone")
        self.assertEqual(consent.user_id, self.env.user)
        self.assertEqual(self.partner.privacy_consent_history_ids, history)

    def test_history_cannot_be_modified_nor_deleted(self):
        consent = self.give(self.partner, self.type_email)
        row = consent.history_ids
        for user in (self.user_manager, self.user_privacy, self.user_employee):
            with self.subTest(user=user.login):
                with self.assertRaises(UserError):
                    row.with_user(user).write({"new_state": "refused"})
                with self.assertRaises(UserError):
                    row.with_user(user).unlink()
                with self.assertRaises(AccessError):
                    self.env["privacy.consent.history"].with_user(user).create(
                        {
                            "partner_id": self.partner.id,
                            "type_id": self.type_email.id,
                            "new_state": "given",
                        }
                    )
        with self.assertRaisesRegex(UserError, "cannot be modified"):
            row.sudo().write({"new_state": "refused"})
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            row.sudo().unlink()
        self.assertEqual(row.new_state, "given")

    def test_answered_consent_cannot_be_deleted(self):
        consent = self.give(self.partner, self.type_email)
        with self.assertRaisesRegex(UserError, "evidence"):
            consent.with_user(self.user_manager).unlink()
        with self.assertRaises(AccessError):
            self.consent(self.partner, self.type_sms).with_user(
                self.user_privacy
            ).unlink()

    def test_consent_recorded_from_the_partner_form(self):
        line = self.consent(self.partner, self.type_call)
        self.partner.with_user(self.user_privacy).write(
            {
                "privacy_consent_ids": [
                    Command.update(
                        line.id,
                        {
                            "state": "given",
                            "method": "phone",
                            "date_given": self.today,
                            "proof_reference": "CALL-2026-0008",
                        },
                    )
                ]
            }
        )
        self.assertEqual(line.state, "given")
        self.assertEqual(line.user_id, self.user_privacy)
        self.assertEqual(line.history_ids.user_id, self.user_privacy)
        self.assertTrue(
            self.partner.with_user(self.user_privacy).privacy_consent_editable
        )
        self.assertFalse(
            self.partner.with_user(self.user_employee).privacy_consent_editable
        )

    def test_partner_form_lists_active_types_only(self):
        self.type_post.active = False
        self.partner.invalidate_recordset(["privacy_consent_ids"])
        self.assertNotIn(self.type_post, self.partner.privacy_consent_ids.type_id)
        self.assertIn(self.type_sms, self.partner.privacy_consent_ids.type_id)

    def test_deleting_a_partner_erases_its_consents(self):
        partner = self.env["res.partner"].create({"name": "To erase"})
        consent = self.give(partner, self.type_email)
        history = consent.history_ids
        partner.unlink()
        self.assertFalse(consent.exists())
        self.assertFalse(history.exists())

    def test_partner_search_filters(self):
        Partner = self.env["res.partner"]
        given = Partner.create({"name": "Given"})
        sms = Partner.create({"name": "Sms"})
        expired = Partner.create({"name": "Expired"})
        marked_expired = Partner.create({"name": "Marked expired"})
        refused = Partner.create({"name": "Refused"})
        silent = Partner.create({"name": "Silent"})
        self.give(given, self.type_newsletter, days_ago=1)
        self.give(sms, self.type_sms)
        self.give(expired, self.type_newsletter, days_ago=30)
        self.give(marked_expired, self.type_call, days_ago=20)
        self.record(marked_expired, self.type_call, state="expired")
        self.env["privacy.partner.consent"].create(
            {"partner_id": refused.id, "type_id": self.type_sms.id, "state": "refused"}
        )
        population = given | sms | expired | marked_expired | refused | silent

        def matching(field, value=True):
            return Partner.search([("id", "in", population.ids), (field, "=", value)])

        self.assertEqual(matching("privacy_allow_mass_mailing"), given)
        self.assertEqual(matching("privacy_allow_sms"), sms)
        self.assertEqual(matching("privacy_consent_expired"), expired | marked_expired)
        self.assertEqual(matching("privacy_no_answer"), silent)
        self.assertEqual(matching("privacy_no_answer", False), population - silent)
        self.assertEqual(matching("privacy_allow_sms", False), population - sms)
        # The computed values agree with the searches.
        self.assertEqual(population.filtered("privacy_allow_mass_mailing"), given)
        self.assertEqual(
            population.filtered("privacy_consent_expired"), expired | marked_expired
        )
        self.assertEqual(population.filtered("privacy_no_answer"), silent)

    def test_phone_numbers_are_stored_in_e164(self):
        france = self.env.ref("base.fr")
        italy = self.env.ref("base.it")
        partner = self.env["res.partner"].create(
            {
                "name": "Léa",
                "phone": "01 42 68 53 00",
                "mobile": "06 12 34 56 78",
                "country_id": france.id,
            }
        )
        self.assertEqual(partner.privacy_phone_e164, "+33142685300")
        self.assertEqual(partner.privacy_mobile_e164, "+33612345678")
        partner.write(
            {"country_id": italy.id, "phone": "02 1234 5678", "mobile": "not a number"}
        )
        self.assertEqual(partner.privacy_phone_e164, "+390212345678")
        self.assertFalse(partner.privacy_mobile_e164)
        partner.mobile = "+39 347 123 4567"
        self.assertEqual(partner.privacy_mobile_e164, "+393471234567")
