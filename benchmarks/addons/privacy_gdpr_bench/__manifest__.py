{
    "name": "Privacy GDPR: benchmark routes",
    "summary": "Reference routes of the telephony benchmark (not for production)",
    "version": "18.0.1.0.0",
    "category": "Hidden",
    "license": "LGPL-3",
    "author": "privacy_gdpr contributors",
    # sms: res.partner's phone_mobile_search, the stock lookup compared with.
    "depends": ["privacy_gdpr", "sms"],
    "installable": True,
}
