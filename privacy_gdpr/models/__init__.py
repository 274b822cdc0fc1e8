from . import privacy_code_mixin
from . import privacy_consent_type
from . import privacy_contact_reason
from . import privacy_partner_consent
from . import privacy_consent_history
from . import res_company
from . import res_config_settings
from . import res_partner
