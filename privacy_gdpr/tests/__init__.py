from . import test_consent_type
from . import test_contact_reason
from . import test_partner_consent
from . import test_consent_check
from . import test_access
from . import test_settings
from . import test_contact_log
from . import test_email_check
