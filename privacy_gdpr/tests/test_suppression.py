import base64

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .suppression_common import SuppressionMixin
from .web_form_common import PrivacyWebFormCase


@tagged("post_install", "-at_install")
class TestSuppression(SuppressionMixin, PrivacyWebFormCase):
    """Erasing a contact keeps its objection, hashed; whoever comes back with
    its address or number objects at once, until a new consent of their own."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.erased = cls.env["res.partner"].create(
            {
                "name": "Hélène Faure",
                "email": "Helene.Faure@Example.FR ",
                "mobile": "+33 6 12 34 56 78",
                "street": "12 rue des Lilas",
            }
        )

    def erase(self):
        self.erased.unlink()

    def import_contact(self, email, name="Hélène F."):
        wizard = self.env["base_import.import"].create(
            {
                "res_model": "res.partner",
                "file": f"Name,Email\n{name},{email}\n".encode(),
                "file_name": "prospects.csv",
                "file_type": "text/csv",
            }
        )
        result = wizard.execute_import(
            ["name", "email"],
            ["Name", "Email"],
            {"has_headers": True, "quoting": '"', "separator": ",", "encoding": ""},
        )
        self.assertFalse(result["messages"], result)
        return self.env["res.partner"].browse(result["ids"])

    def assertObjecting(self, partner):
        states = set(partner.privacy_consent_ids.mapped("state"))
        self.assertEqual(states, {"refused"})
        self.assertFalse(partner._privacy_allowed("mass_mailing"))
        self.assertEqual(
            set(partner.privacy_consent_history_ids.mapped("source")), {"suppression"}
        )
        self.assertEqual(
            self.env["privacy.partner.consent"]._objections(partner).partner_id,
            partner,
        )

    def test_erasure_leaves_hashes_and_nothing_clear(self):
        self.erase()
        email = self.entry("helene.faure@example.fr")
        mobile = self.entry("+33612345678")
        self.assertEqual((email.kind, email.reason), ("email", "erasure"))
        self.assertEqual((mobile.kind, mobile.reason), ("phone", "erasure"))
        self.assertEqual(
            set(email.channels.split(",")),
            {"mass_mailing", "email", "sms", "call", "post"},
        )
        # Nothing of the person in clear, in any column of the table.
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT row_to_json(s)::text FROM privacy_suppression s WHERE id IN %s",
            [tuple((email | mobile).ids)],
        )
        for (row,) in self.env.cr.fetchall():
            for clear in ("helene", "faure", "Hélène", "612345678", "Lilas"):
                self.assertNotIn(clear.lower(), row.lower())

    def test_privacy_lookup_deletion_and_archive_leave_entries(self):
        wizard = self.env["privacy.lookup.wizard"].create(
            {"name": "Hélène Faure", "email": "helene.faure@example.fr"}
        )
        wizard.action_lookup()
        line = wizard.line_ids.filtered(lambda line: line.res_model == "res.partner")
        self.assertEqual(line.res_id, self.erased.id)
        line.action_unlink()
        self.assertFalse(self.erased.exists())
        self.assertTrue(self.entry("helene.faure@example.fr"))
        # Archived from the wizard: the same erasure, the contact kept.
        self.partner.mobile = "+39 347 123 4567"
        wizard = self.env["privacy.lookup.wizard"].create(
            {"name": self.partner.name, "email": self.partner.email}
        )
        wizard.action_lookup()
        wizard.line_ids.filtered(
            lambda line: line.res_model == "res.partner"
        ).action_archive_all()
        self.assertFalse(self.partner.active)
        self.assertTrue(self.entry("camille@example.fr"))
        self.assertTrue(self.entry("+393471234567"))

    def test_an_import_and_a_new_contact_object_at_once(self):
        self.erase()
        imported = self.import_contact("HELENE.FAURE@example.fr")
        self.assertObjecting(imported)
        # By number too, in a batch of contacts created at once.
        other, by_number = self.env["res.partner"].create(
            [
                {"name": "Nobody", "email": "nobody@example.org"},
                {"name": "H. F.", "mobile": "+33612345678"},
            ]
        )
        self.assertObjecting(by_number)
        self.assertEqual(set(other.privacy_consent_ids.mapped("state")), {"none"})
        # A contact whose address becomes an erased one objects too.
        other.email = "helene.faure@example.fr"
        self.assertObjecting(other)

    def test_a_consent_request_is_refused(self):
        self.erase()
        partner = self.env["res.partner"].create(
            {"name": "Hélène", "email": "helene.faure@example.fr"}
        )
        Request = self.env["privacy.consent.request"]
        self.assertIn("suppression list", Request._skip_reasons(partner)[partner.id])
        with self.assertRaisesRegex(UserError, "suppression list"):
            partner.action_privacy_send_consent_request()
        with self.assertRaisesRegex(UserError, "suppression list"):
            Request._send_to(partner, include_objectors=True)
        self.assertFalse(partner.privacy_request_ids)

    def test_a_ticked_box_lifts_the_entry_with_its_proof(self):
        self.erase()
        partner = self.env["res.partner"].create(
            {"name": "Hélène", "email": "helene.faure@example.fr"}
        )
        partner._privacy_record_web_consents(
            self.web_answers(self.type_newsletter, optin=False), self.web_proof()
        )
        consent = self.consent(partner, self.type_newsletter)
        self.assertEqual(consent.state, "given")
        lifted = self.entry("helene.faure@example.fr", active=False)
        self.assertEqual(lifted.lift_source, "web_form")
        self.assertEqual(lifted.lift_history_id, consent.history_ids[:1])
        self.assertEqual(lifted.lift_history_id.proof_ip, "192.0.2.15")
        # The other purposes stay refused; the number stays objected.
        self.assertEqual(self.consent(partner, self.type_sms).state, "refused")
        self.assertTrue(self.entry("+33612345678"))

    def test_only_staff_entries_with_proof_lift_it(self):
        self.erase()
        partner = self.env["res.partner"].create(
            {"name": "Hélène", "email": "helene.faure@example.fr"}
        )
        self.give(partner, self.type_email, method="email")
        self.assertTrue(self.entry("helene.faure@example.fr"))
        self.give(partner, self.type_newsletter, method="written")
        lifted = self.entry("helene.faure@example.fr", active=False)
        self.assertEqual(lifted.lift_source, "staff")
        self.assertEqual(lifted.lift_history_id.proof_reference, "REC-2026-0001")
        # A later erasure puts it back.
        partner.unlink()
        self.assertTrue(self.entry("helene.faure@example.fr"))

    def test_merged_contacts_leave_no_entry(self):
        duplicate = self.env["res.partner"].create(
            {"name": "Camille D.", "email": "camille.d@example.fr"}
        )
        self.env["base.partner.merge.automatic.wizard"]._merge(
            (duplicate | self.partner).ids, self.partner
        )
        self.assertFalse(duplicate.exists())
        self.assertFalse(self.entry("camille.d@example.fr"))

    def test_privacy_managers_lift_entries_and_nobody_edits_them(self):
        self.erase()
        entry = self.entry("helene.faure@example.fr").with_user(self.user_manager)
        with self.assertRaisesRegex(UserError, "lifted or deleted"):
            entry.write({"hash": base64.b16encode(b"x").decode()})
        with self.assertRaises(AccessError):
            entry.with_user(self.user_privacy).read(["hash"])
        with self.assertRaises(AccessError):
            self.env["privacy.suppression"].with_user(self.user_manager).create(
                {
                    "hash": "x",
                    "kind": "email",
                    "channels": "email",
                    "reason": "erasure",
                    "date": "2026-01-01",
                }
            )
        entry.action_archive()
        self.assertFalse(self.entry("helene.faure@example.fr"))
        self.entry("helene.faure@example.fr", active=False).with_user(
            self.user_manager
        ).unlink()
        self.assertFalse(self.entry("helene.faure@example.fr", active=False))
