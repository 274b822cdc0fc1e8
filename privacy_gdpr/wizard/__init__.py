from . import privacy_contact_reason_wizard
from . import mail_compose_message
from . import privacy_consent_export_wizard
from . import privacy_consent_request_wizard
from . import base_import_import
from . import base_partner_merge_automatic_wizard
from . import privacy_opposition_import
from . import privacy_lookup_wizard_line
