from unittest import SkipTest

from odoo.addons.privacy_gdpr.tests.contact_common import PrivacyContactCase


class PrivacyLeadCase(PrivacyContactCase):
    """The contacts of the core's tests, and a lead of the customer without
    consent, followed by a salesman who sees every lead."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_sales.groups_id |= cls.env.ref(
            "sales_team.group_sale_salesman_all_leads"
        )
        cls.lead = cls.env["crm.lead"].create(
            {
                "name": "Kitchen renovation",
                "partner_id": cls.partner.id,
                "user_id": cls.user_sales.id,
            }
        )


class WithBridgesMixin:
    """Tests of leads on a channel of another bridge (SMS, mailings): they run
    where that bridge is installed too, as in the project's full test suite."""

    bridges = ()

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        missing = set(cls.bridges) - set(
            cls.env["ir.module.module"]
            .search([("name", "in", cls.bridges), ("state", "=", "installed")])
            .mapped("name")
        )
        if missing:
            raise SkipTest(f"needs {', '.join(sorted(missing))} installed")
