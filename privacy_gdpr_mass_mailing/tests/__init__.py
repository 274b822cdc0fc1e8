from . import test_mass_mailing
from . import test_mailing_unsubscribe
from . import test_web_consents
from . import test_mailing_retention
from . import test_privacy_dossier
