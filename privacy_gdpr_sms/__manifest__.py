{
    "name": "Privacy GDPR - SMS",
    "summary": "The SMS composer asks a contact reason for recipients without a "
    "valid consent, and logs it",
    "version": "18.0.1.0.0",
    "category": "Hidden",
    "website": "https://github.com/privacy-gdpr/privacy_gdpr",
    "author": "privacy_gdpr contributors",
    "license": "LGPL-3",
    "depends": ["privacy_gdpr", "sms"],
    "data": [
        "wizard/sms_composer_views.xml",
        "views/res_config_settings_views.xml",
    ],
    "assets": {
        "web.assets_tests": ["privacy_gdpr_sms/static/tests/tours/**/*"],
    },
    "auto_install": True,
    "installable": True,
    "application": False,
}
