from . import lead_consent_confirm
