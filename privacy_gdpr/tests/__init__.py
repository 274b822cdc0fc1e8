from . import test_consent_type
from . import test_contact_reason
from . import test_partner_consent
from . import test_consent_check
from . import test_access
from . import test_settings
from . import test_contact_log
from . import test_call_check
from . import test_contact_tours
from . import test_consent_export
from . import test_consent_import
from . import test_consent_reports
from . import test_consent_request
from . import test_consent_page
from . import test_double_optin
from . import test_consent_expiry
from . import test_consent_tour
from . import test_telephony_service
from . import test_telephony_api
from . import test_translations
from . import test_concurrency
from . import test_hostile_api
from . import test_hostile_page
from . import test_proof_forgery
from . import test_proof_events
from . import test_type_versions
from . import test_partner_merge
from . import test_resend
from . import test_personal_links
from . import test_audit_log
from . import test_reference_day
from . import test_web_form_consent
<<<<<<< HEAD
from . import test_opposition_register
=======
from . import test_reason_rules
>>>>>>> issue-13b
