{
    "name": "Privacy GDPR - Email Marketing",
    "summary": "E-mail campaigns reach only recipients with a valid consent; "
    "unsubscribing withdraws consent",
    "version": "18.0.1.0.0",
    "category": "Hidden",
    "website": "https://github.com/privacy-gdpr/privacy_gdpr",
    "author": "privacy_gdpr contributors",
    "license": "LGPL-3",
    "depends": ["privacy_gdpr", "mass_mailing"],
    "data": [
        "views/mailing_mailing_views.xml",
        "views/mailing_trace_views.xml",
        "views/res_config_settings_views.xml",
    ],
    "auto_install": True,
    "installable": True,
    "application": False,
}
