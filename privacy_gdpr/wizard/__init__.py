from . import privacy_consent_export_wizard
