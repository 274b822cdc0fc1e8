"""The channels a person is contacted on: the one list the whole addon uses.

A channel is what the one check is asked about. Each is allowed by a flag of
the consent type (``allow_<channel>``); some have a check that Settings >
Privacy switches on or off (``privacy_check_<channel>`` on the company); the
contacts made one at a time are logged, with their reason, when made without
a valid consent.
"""

CHANNELS = [
    ("mass_mailing", "Mass mailing (e-mail)"),
    ("email", "Single e-mail"),
    ("sms", "SMS"),
    ("call", "Phone call"),
    ("post", "Postal mail"),
]
# The consent type's flag that allows each channel.
CHANNEL_FIELDS = {channel: f"allow_{channel}" for channel, _label in CHANNELS}
# The channels whose check has its own switch in Settings > Privacy.
SWITCHED_CHANNELS = ("email", "mass_mailing", "call", "sms")
# The contacts made one at a time, which the contact log records.
LOGGED_CHANNELS = [
    (code, label) for code, label in CHANNELS if code in ("email", "sms", "call")
]
