{
    "name": "Privacy GDPR - Website CRM",
    "summary": "Consent boxes on the Contact us form: the consents wait on the "
    "lead until it gets its contact",
    "version": "18.0.1.0.0",
    "category": "Hidden",
    "website": "https://github.com/privacy-gdpr/privacy_gdpr",
    "author": "privacy_gdpr contributors",
    "license": "LGPL-3",
    "depends": ["privacy_gdpr_website", "privacy_gdpr_crm", "website_crm"],
    "data": [],
    "assets": {
        "web.assets_tests": [
            "privacy_gdpr_website_crm/static/tests/tours/**/*",
        ],
    },
    "auto_install": True,
    "installable": True,
    "application": False,
}
