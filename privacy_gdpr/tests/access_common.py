from odoo.tests import new_test_user

from .common import PrivacyCase

# The kinds of users of the access matrix, in the order of its columns.
USER_KINDS = (
    "public",
    "portal",
    "employee",
    "privacy",
    "manager",
    "other_company",
    "settings_admin",
)


class AccessCase(PrivacyCase):
    """A user of each kind, and privacy records of the main company and shared
    ones (no company), for the access matrix.

    ``other_company`` is a Privacy Manager of a second company only;
    ``settings_admin`` an administrator (Settings) without privacy group.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.main_company = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "Company B"})
        cls.user_other_company = new_test_user(
            cls.env,
            login="privacy_manager_b",
            groups="base.group_user,privacy_gdpr.group_privacy_manager",
            company_id=cls.company_b.id,
            company_ids=[(6, 0, cls.company_b.ids)],
        )
        cls.user_settings_admin = new_test_user(
            cls.env, login="privacy_settings_admin", groups="base.group_system"
        )
        cls.users = {
            "public": cls.env.ref("base.public_user"),
            "portal": cls.user_portal,
            "employee": cls.user_employee,
            "privacy": cls.user_privacy,
            "manager": cls.user_manager,
            "other_company": cls.user_other_company,
            "settings_admin": cls.user_settings_admin,
        }
        cls.type_main = cls.env["privacy.consent.type"].create(
            {
                "name": "Main company offers",
                "code": "T_MAIN",
                "allow_email": True,
                "company_id": cls.main_company.id,
            }
        )
        cls.reason = cls.env.ref("privacy_gdpr.contact_reason_contract")
        cls.consent_main = cls.give(cls.partner_2, cls.type_main)
        cls.consent_shared = cls.give(cls.partner, cls.type_email)
        cls.log_main = cls.env["privacy.contact.log"]._log_contacts(
            cls.partner, "email", cls.reason
        )
        cls.request_main = cls.env["privacy.consent.request"]._create_for_partners(
            cls.partner, "request"
        )
