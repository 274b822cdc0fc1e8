from . import mail_thread_phone
from . import phone_blacklist
from . import mailing_contact
from . import mailing_mailing
from . import privacy_dossier
from . import privacy_erasure
