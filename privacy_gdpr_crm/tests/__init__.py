from . import test_lead_call_check
from . import test_lead_email_check
from . import test_lead_sms
from . import test_lead_mailing
from . import test_request_notice
from . import test_lead_web_consents
from . import test_lead_mass
from . import test_lead_suppression
