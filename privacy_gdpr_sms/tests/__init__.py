from . import test_sms_check
