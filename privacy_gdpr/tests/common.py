from contextlib import contextmanager
from datetime import timedelta

from odoo.tests import TransactionCase, new_test_user

from ..events import PrivacyEvent


class PrivacyCase(TransactionCase):
    """Consent types for every channel, partners, and users of each privacy group."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        # The reference day of the company, whatever the hour and the user.
        cls.today = cls.env.company._privacy_today()
        Type = cls.env["privacy.consent.type"]
        cls.type_newsletter = Type.create(
            {
                "name": "Newsletter",
                "code": "T_NEWSLETTER",
                "allow_mass_mailing": True,
                "validity_days": 30,
            }
        )
        cls.type_email = Type.create(
            {"name": "Single e-mail", "code": "T_EMAIL", "allow_email": True}
        )
        cls.type_sms = Type.create({"name": "SMS", "code": "T_SMS", "allow_sms": True})
        cls.type_call = Type.create(
            {"name": "Calls", "code": "T_CALL", "allow_call": True, "validity_days": 10}
        )
        cls.type_post = Type.create(
            {"name": "Postal", "code": "T_POST", "allow_post": True}
        )
        cls.partner = cls.env["res.partner"].create(
            {"name": "Camille Durand", "email": "camille@example.fr"}
        )
        cls.partner_2 = cls.env["res.partner"].create(
            {"name": "Giulia Rossi", "email": "giulia@example.it"}
        )
        cls.user_employee = new_test_user(
            cls.env, login="privacy_employee", groups="base.group_user"
        )
        cls.user_privacy = new_test_user(
            cls.env,
            login="privacy_user",
            groups="base.group_user,privacy_gdpr.group_privacy_user",
        )
        cls.user_manager = new_test_user(
            cls.env,
            login="privacy_manager",
            groups="base.group_user,privacy_gdpr.group_privacy_manager",
        )
        cls.user_portal = new_test_user(
            cls.env, login="privacy_portal", groups="base.group_portal"
        )

    @contextmanager
    def assertRaisesRegex(self, exception, regex):
        # Odoo's assertRaises rolls the savepoint back; unittest's Regex twin does not.
        with self.assertRaises(exception) as context:
            yield context
        self.assertRegex(str(context.exception), regex)

    @classmethod
    def consent(cls, partner, consent_type):
        return partner.privacy_consent_ids.filtered(lambda c: c.type_id == consent_type)

    @classmethod
    def give(cls, partner, consent_type, days_ago=0, method="oral", **vals):
        """Record that ``partner`` gave ``consent_type`` ``days_ago`` days ago,
        as staff entering it (with the reference an oral consent needs)."""
        if method in ("oral", "written", "phone") and "proof_document" not in vals:
            vals.setdefault("proof_reference", "REC-2026-0001")
        return cls.env["privacy.partner.consent"].create(
            {
                "partner_id": partner.id,
                "type_id": consent_type.id,
                "state": "given",
                "method": method,
                "date_given": cls.today - timedelta(days=days_ago),
                **vals,
            }
        )

    @classmethod
    def record(cls, partner, consent_type, source="import", **values):
        """Record an answer of ``partner`` in any state (pending, expired...),
        as the event ``source`` (default: an import) would."""
        consent = cls.consent(partner, consent_type)
        consent._privacy_record(PrivacyEvent(source), values)
        return consent
