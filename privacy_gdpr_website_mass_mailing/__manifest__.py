{
    "name": "Privacy GDPR - Website Newsletter",
    "summary": "Consent boxes on the newsletter block and popup of the website",
    "version": "18.0.1.0.0",
    "category": "Hidden",
    "website": "https://github.com/privacy-gdpr/privacy_gdpr",
    "author": "privacy_gdpr contributors",
    "license": "LGPL-3",
    "depends": [
        "privacy_gdpr_website",
        "privacy_gdpr_mass_mailing",
        "website_mass_mailing",
    ],
    "data": [
        "views/snippets_templates.xml",
    ],
    "assets": {
        "web.assets_frontend": [
            "privacy_gdpr_website_mass_mailing/static/src/js/newsletter_consents.js",
        ],
        "web.assets_tests": [
            "privacy_gdpr_website_mass_mailing/static/tests/tours/**/*",
        ],
    },
    "auto_install": True,
    "installable": True,
    "application": False,
}
