from . import privacy_web_consent
