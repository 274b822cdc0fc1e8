from . import privacy_consent_request_wizard
