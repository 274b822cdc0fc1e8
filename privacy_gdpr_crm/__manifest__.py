{
    "name": "Privacy GDPR - CRM",
    "summary": "Consent checks for leads: the person of a lead, calls logged on "
    "leads, and a nudge to send a consent request",
    "version": "18.0.1.0.0",
    "category": "Hidden",
    "website": "https://github.com/privacy-gdpr/privacy_gdpr",
    "author": "privacy_gdpr contributors",
    "license": "LGPL-3",
    "depends": ["privacy_gdpr", "crm"],
    "data": [
        "views/crm_lead_views.xml",
    ],
    "auto_install": True,
    "installable": True,
    "application": False,
}
