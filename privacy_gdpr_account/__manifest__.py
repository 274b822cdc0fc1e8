{
    "name": "Privacy GDPR - Invoicing",
    "summary": "Posted customer invoices make a recent customer, for the "
    "existing-customer contact reasons",
    "version": "18.0.1.0.0",
    "category": "Hidden",
    "website": "https://github.com/privacy-gdpr/privacy_gdpr",
    "author": "privacy_gdpr contributors",
    "license": "LGPL-3",
    "depends": ["privacy_gdpr", "account"],
    "auto_install": True,
    "installable": True,
    "application": False,
}
