{
    "name": "Privacy GDPR - Sale",
    "summary": "Contact preferences printed on quotations and orders, and a nudge "
    "to send a consent request when quoting",
    "version": "18.0.1.0.0",
    "category": "Hidden",
    "website": "https://github.com/privacy-gdpr/privacy_gdpr",
    "author": "privacy_gdpr contributors",
    "license": "LGPL-3",
    "depends": ["privacy_gdpr", "sale"],
    "data": [
        "views/sale_order_views.xml",
        "report/sale_order_report_templates.xml",
    ],
    "auto_install": True,
    "installable": True,
    "application": False,
}
