{
    "name": "Privacy GDPR - SMS Marketing",
    "summary": "SMS campaigns reach only recipients with a valid consent; the STOP "
    "link withdraws consent",
    "version": "18.0.1.0.0",
    "category": "Hidden",
    "website": "https://github.com/privacy-gdpr/privacy_gdpr",
    "author": "privacy_gdpr contributors",
    "license": "LGPL-3",
    "depends": ["privacy_gdpr_mass_mailing", "mass_mailing_sms"],
    "auto_install": True,
    "installable": True,
    "application": False,
}
