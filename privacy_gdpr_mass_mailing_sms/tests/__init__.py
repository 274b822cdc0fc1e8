from . import test_sms_mailing
from . import test_privacy_dossier
