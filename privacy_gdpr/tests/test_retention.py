from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import freeze_time, tagged

from ..events import PrivacyEvent
from .common import PrivacyCase
from .suppression_common import SuppressionMixin


class Rollback(Exception):
    """Undo what a measure did."""


@tagged("post_install", "-at_install")
class TestRetention(SuppressionMixin, PrivacyCase):
    """Prospects kept for the months of Settings > Privacy after their last
    activity: listed every day, anonymised only when the company says so."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The other companies' contacts (demo data) are kept for 50 years.
        cls.env["res.company"].search([]).privacy_retention_months = 600
        cls.company = cls.env["res.company"].create(
            {"name": "Maison Durand", "privacy_retention_months": 36}
        )
        cls.start = fields.Datetime.now()
        cls.prospect, cls.answered, cls.writer, cls.kept = cls.create_contacts(4)
        cls.prospect.write(
            {"email": "old.prospect@example.fr", "mobile": "+33612345678"}
        )
        cls.user = cls.env["res.users"].create(
            {
                "name": "Kept",
                "login": "kept_user",
                "partner_id": cls.kept.id,
                "company_id": cls.company.id,
                "company_ids": [(6, 0, cls.company.ids)],
            }
        )

    @classmethod
    def create_contacts(cls, count):
        return cls.env["res.partner"].create(
            [
                {"name": f"Prospect {index}", "company_id": cls.company.id}
                for index in range(count)
            ]
        )

    def months_later(self, months):
        return freeze_time(self.start + relativedelta(months=months, days=2))

    def listed(self):
        return (
            self.env["privacy.retention.candidate"]
            .search([("company_id", "=", self.company.id)])
            .partner_id
        )

    def test_the_dry_run_lists_and_changes_nothing(self):
        # An answer at 20 months, a message of the person at 30.
        with self.months_later(20):
            self.record(self.answered, self.type_email, source="page", state="refused")
        with self.months_later(30):
            self.writer.message_post(
                body="Still interested",
                author_id=self.writer.id,
                message_type="comment",
            )
        with self.months_later(35):
            self.env["privacy.retention.candidate"]._cron_retention()
            self.assertFalse(self.listed())
        with self.months_later(37):
            self.env["privacy.retention.candidate"]._cron_retention()
            # The user's contact is kept; the others wait their turn.
            self.assertEqual(self.listed(), self.prospect)
            self.assertEqual(self.prospect.name, "Prospect 0")
            self.assertFalse(self.entry("old.prospect@example.fr"))
        with self.months_later(57):
            self.env["privacy.retention.candidate"]._cron_retention()
            self.assertEqual(self.listed(), self.prospect | self.answered)
        with self.months_later(67):
            self.env["privacy.retention.candidate"]._cron_retention()
            self.assertEqual(self.listed(), self.prospect | self.answered | self.writer)

    def test_applied_automatically_it_anonymises_and_keeps_objections(self):
        self.company.privacy_retention_auto = True
        with self.months_later(37):
            self.env["privacy.retention.candidate"]._cron_retention()
        self.assertFalse(self.listed())
        prospect = self.prospect.with_context(active_test=False)
        self.assertEqual(prospect.name, f"Anonymised contact #{prospect.id}")
        self.assertFalse(prospect.email)
        self.assertEqual(self.entry("old.prospect@example.fr").reason, "retention")
        self.assertEqual(self.entry("+33612345678").reason, "retention")
        self.assertFalse(self.kept.privacy_anonymised_date)
        # Anonymised once: the next run leaves it alone.
        with self.months_later(38):
            self.env["privacy.retention.candidate"]._cron_retention()
        self.assertFalse(self.listed())

    def test_a_large_backlog_goes_in_batches_oldest_first(self):
        self.company.privacy_retention_auto = True
        self.env.cr.execute(
            "UPDATE res_partner SET create_date = create_date - interval '1 day'"
            " WHERE id = %s",
            [self.writer.id],
        )
        Candidate = self.env["privacy.retention.candidate"]
        with self.months_later(37):
            self.assertEqual(Candidate._cron_retention(batch_size=2), 1)
            anonymised = (self.prospect | self.answered | self.writer).filtered(
                "privacy_anonymised_date"
            )
            self.assertEqual(len(anonymised), 2)
            self.assertIn(self.writer, anonymised)
            self.assertEqual(Candidate._cron_retention(batch_size=2), 0)
        self.assertTrue(self.answered.privacy_anonymised_date)
        self.assertTrue(self.prospect.privacy_anonymised_date)

    def test_old_ip_addresses_of_proofs_are_cleared(self):
        self.company.privacy_retention_auto = True
        self.company.privacy_evidence_months = 60
        event = PrivacyEvent("page", ip="192.0.2.1", user_agent="Firefox")
        consent = self.consent(self.kept, self.type_email)
        consent._privacy_record(event, {"state": "refused"})
        with self.months_later(30):
            recent = self.consent(self.kept, self.type_sms)
            recent._privacy_record(
                event.replace(date=fields.Datetime.now()), {"state": "refused"}
            )
        with self.months_later(61):
            self.env["privacy.retention.candidate"]._cron_retention()
        self.env.invalidate_all()
        self.assertFalse(consent.proof_ip or consent.history_ids.proof_ip)
        self.assertFalse(consent.history_ids.proof_user_agent)
        self.assertEqual(recent.history_ids.proof_ip, "192.0.2.1")
        # The answer itself stays.
        self.assertEqual(consent.history_ids.new_state, "refused")

    def test_the_last_consent_request_goes_a_month_before(self):
        self.company.privacy_retention_notice = True
        self.prospect.email = "old.prospect@example.fr"
        with self.months_later(35):
            self.env["privacy.retention.candidate"]._cron_retention()
            requests = self.prospect.privacy_request_ids
            self.assertEqual(requests.origin, "renewal")
            self.assertFalse(self.answered.privacy_request_ids)  # no address
            # Once, not every day.
            self.env["privacy.retention.candidate"]._cron_retention()
            self.assertEqual(self.prospect.privacy_request_ids, requests)

    def queries_for(self, count):
        """The queries of the daily run anonymising ``count`` more contacts."""
        try:
            with self.env.cr.savepoint():
                contacts = self.create_contacts(count)
                for index, partner in enumerate(contacts):
                    partner.email = f"prospect{index}@example.fr"
                self.env.flush_all()
                with self.months_later(37):
                    self.env.invalidate_all()
                    before = self.env.cr.sql_log_count
                    self.env["privacy.retention.candidate"]._cron_retention()
                    queries = self.env.cr.sql_log_count - before
                self.assertTrue(
                    all(
                        contacts.with_context(active_test=False).mapped(
                            "privacy_anonymised_date"
                        )
                    )
                )
                raise Rollback
        except Rollback:
            self.env.invalidate_all()
        return queries

    def test_queries_do_not_grow_with_the_contacts(self):
        self.company.privacy_retention_auto = True
        self.queries_for(1)  # Odoo's caches (languages, users) warm
        self.assertEqual(self.queries_for(10), self.queries_for(100))
