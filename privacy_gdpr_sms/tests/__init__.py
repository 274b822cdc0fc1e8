from . import test_sms_check
from . import test_sms_mass
