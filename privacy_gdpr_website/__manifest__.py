{
    "name": "Privacy GDPR - Website",
    "summary": "Consent boxes on website forms and the portal sign-up, with the "
    "information GDPR requires; privacy pages without trackers",
    "version": "18.0.1.0.0",
    "category": "Hidden",
    "website": "https://github.com/privacy-gdpr/privacy_gdpr",
    "author": "privacy_gdpr contributors",
    "license": "LGPL-3",
    "depends": ["privacy_gdpr", "website"],
    "data": [
        "views/privacy_web_consent_templates.xml",
        "views/snippets_templates.xml",
        "views/res_config_settings_views.xml",
    ],
    "assets": {
        "web.assets_frontend": [
            "privacy_gdpr_website/static/src/js/consent_fields.js",
        ],
        "website.assets_wysiwyg": [
            "privacy_gdpr_website/static/src/js/form_options.js",
        ],
        "web.assets_tests": [
            "privacy_gdpr_website/static/tests/tours/**/*",
        ],
    },
    "auto_install": True,
    "installable": True,
    "application": False,
}
