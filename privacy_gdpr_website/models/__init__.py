from . import privacy_web_consent
from . import privacy_consent_type
from . import website
from . import res_config_settings
from . import ir_http
