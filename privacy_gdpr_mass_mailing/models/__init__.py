from . import mail_thread
from . import mail_thread_blacklist
from . import mail_blacklist
from . import mailing_contact
from . import mailing_subscription
from . import mailing_trace
from . import mailing_mailing
from . import privacy_consent_history
