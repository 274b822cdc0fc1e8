from odoo.tools.misc import format_date

from .contact_common import PrivacyContactCase


class ReasonRulesCase(PrivacyContactCase):
    """The shipped contact reasons, a person who objected to every logged
    channel, and companies and their contacts in France and Italy."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.request = ref("privacy_gdpr.contact_reason_customer_request")
        cls.vital = ref("privacy_gdpr.contact_reason_vital_interests")
        cls.customer = ref("privacy_gdpr.contact_reason_existing_customer")
        cls.b2b = ref("privacy_gdpr.contact_reason_b2b_prospect")
        cls.elsewhere = ref("privacy_gdpr.contact_reason_consent_elsewhere")
        cls.Reason = cls.env["privacy.contact.reason"]
        cls.fr = ref("base.fr")
        cls.it = ref("base.it")
        Partner = cls.env["res.partner"]
        # partner refused e-mails and SMS and withdrew calls.
        cls.record(cls.partner, cls.type_email, state="refused")
        cls.record(cls.partner, cls.type_sms, state="refused")
        cls.record(cls.partner, cls.type_call, state="withdrawn")
        cls.partner.country_id = cls.fr
        cls.objected_on = format_date(cls.env, cls.today)
        cls.fr_company = Partner.create(
            {
                "name": "Dupont SA",
                "is_company": True,
                "country_id": cls.fr.id,
                "email": "contact@dupont.example.fr",
                "mobile": "+33 6 11 11 11 11",
            }
        )
        cls.fr_contact = Partner.create(
            {
                "name": "Julie Dupont",
                "parent_id": cls.fr_company.id,
                "email": "julie@dupont.example.fr",
                "mobile": "+33 6 22 22 22 22",
            }
        )
        cls.fr_person = Partner.create(
            {
                "name": "Paul Lefort",
                "country_id": cls.fr.id,
                "email": "paul@example.fr",
                "mobile": "+33 6 33 33 33 33",
            }
        )
        cls.it_company = Partner.create(
            {
                "name": "Bianchi Srl",
                "is_company": True,
                "country_id": cls.it.id,
                "email": "info@bianchi.example.it",
                "mobile": "+39 347 111 1111",
            }
        )
        # Her own country is not given: her company's counts.
        cls.it_contact = Partner.create(
            {
                "name": "Sara Bianchi",
                "parent_id": cls.it_company.id,
                "email": "sara@bianchi.example.it",
                "mobile": "+39 347 222 2222",
            }
        )

    def usable(self, partners, channel):
        """The reasons the dialogs offer for ``partners`` on ``channel``."""
        return self.Reason._usable_reasons(partners, channel)

    def create_recall(self):
        """A reason for Italy, for SMS and calls only."""
        return self.Reason.create(
            {
                "name": "Product recall",
                "code": "RECALL_IT",
                "legal_basis": "legal_obligation",
                "allow_email": False,
                "country_ids": [(6, 0, [self.it.id])],
            }
        )


class CustomerReasonCase(PrivacyContactCase):
    """*Existing customer*, and a company with two contacts, for the bridges
    whose documents make recent customers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer_reason = cls.env.ref(
            "privacy_gdpr.contact_reason_existing_customer"
        )
        Partner = cls.env["res.partner"]
        cls.company = Partner.create({"name": "Dupont SA", "is_company": True})
        cls.buyer = Partner.create(
            {"name": "Julie Dupont", "parent_id": cls.company.id}
        )
        cls.colleague = Partner.create(
            {"name": "Marc Dupont", "parent_id": cls.company.id}
        )

    def usable(self, partners, channel="email"):
        """The ones of ``partners`` *Existing customer* may be used for."""
        refusals = self.customer_reason._refusals(partners, channel)
        return partners - partners.browse().union(*refusals[self.customer_reason])
