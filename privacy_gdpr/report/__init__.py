from . import privacy_dossier_report
