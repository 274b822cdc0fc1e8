from .common import PrivacyCase

FR_NUMBER = "+33647218359"
FR_FORMATS = [
    "06 47 21 83 59",
    "0647218359",
    "06.47.21.83.59",
    "06-47-21-83-59",
    "+33 6 47 21 83 59",
    "+33 (0)6 47 21 83 59",
    "+33647218359",
    "0033 6 47 21 83 59",
    "0033647218359",
    " +33-6-47-21-83-59 ",
]
IT_MOBILE = "+393475551212"
IT_MOBILE_FORMATS = [
    "+39 347 555 1212",
    "+393475551212",
    "0039 347 555 1212",
    "0039-347-555-1212",
    "+39.347.555.1212",
]
# Written without prefix: readable only with Italy as the region.
IT_MOBILE_NATIONAL = ["347 555 1212", "347.555.1212", "347-5551212"]
IT_LANDLINE = "+390669821234"
DUPLICATE_NUMBER = "+33240112233"
UNKNOWN_NUMBER = "+33 2 99 00 11 22"


class TelephonyCase(PrivacyCase):
    """Partners with French and Italian numbers, two sharing one number."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fr = cls.env.ref("base.fr")
        cls.it = cls.env.ref("base.it")
        cls.env.company.country_id = cls.fr
        cls.reason = cls.env.ref("privacy_gdpr.contact_reason_contract")
        Partner = cls.env["res.partner"]
        cls.fr_partner = Partner.create(
            {
                "name": "Camille Martin",
                "phone": "06 47 21 83 59",
                "country_id": cls.fr.id,
            }
        )
        cls.it_partner = Partner.create(
            {
                "name": "Giulia Bianchi",
                "phone": "06 6982 1234",
                "mobile": "347 555 1212",
                "country_id": cls.it.id,
                "email": "Giulia.Bianchi@Example.it",
            }
        )
        cls.dup_phone = Partner.create(
            {"name": "Accueil Nantes", "phone": "02 40 11 22 33"}
        )
        cls.dup_mobile = Partner.create(
            {"name": "Louis Nantes", "mobile": "+33 2 40 11 22 33"}
        )
