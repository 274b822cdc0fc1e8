{
    "name": "Privacy GDPR - CRM",
    "summary": "Consent checks for leads: the person of a lead, calls logged on "
    "leads, a nudge to send a consent request, consents given on web forms",
    "version": "18.0.1.0.0",
    "category": "Hidden",
    "website": "https://github.com/privacy-gdpr/privacy_gdpr",
    "author": "privacy_gdpr contributors",
    "license": "LGPL-3",
    "depends": ["privacy_gdpr", "crm"],
    "data": [
        "security/ir.model.access.csv",
        "security/privacy_lead_consent_security.xml",
        "data/mail_template_data.xml",
        "views/crm_lead_views.xml",
        "views/privacy_lead_consent_templates.xml",
    ],
    "auto_install": True,
    "installable": True,
    "application": False,
}
