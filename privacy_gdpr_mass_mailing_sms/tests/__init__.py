from . import test_sms_mailing
