"""Upgrade a database of privacy_gdpr 18.0.1 (one addon) with this checkout.

Installs the last version of the single addon (from this repository's history)
on a fresh database, records data of every kind that the upgrade renames or
hands over to a bridge (consents and their history, the contact log of a lead,
a consent request, partners' E.164 numbers and request dates, e-mail and SMS
mailings with their consent types and their traces cancelled for lack of
consent, a saved filter naming a renamed field), then upgrades privacy_gdpr with
this checkout's code and checks that nothing was lost: every row is still
there, renamed fields kept their values, the bridges were installed in the same
run and own the views the core had. Ends with "migration: OK" or the
differences, and exits non-zero on any of them.
"""

import argparse
import subprocess
import sys
import tempfile
from contextlib import closing
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from devtools import (
    CONF,
    ROOT,
    connect,
    drop_database,
    install_database,
    odoo_command,
    read_conf,
    require_conf,
    subprocess_env,
)

PROG = "migration"
# The last commit of 18.0.1, where privacy_gdpr was one addon.
SINGLE_ADDON_COMMIT = "54a6754"
# Data of every kind that moves, recorded with the old code (odoo shell).
POPULATE = """
Partner = env["res.partner"]
one = Partner.create({"name": "Mig One", "email": "mig1@example.com",
    "phone": "+33 1 44 55 66 77", "mobile": "+33 6 11 22 33 44"})
two = Partner.create({"name": "Mig Two", "email": "mig2@example.com",
    "mobile": "+39 347 555 1212"})
email = env.ref("privacy_gdpr.consent_type_commercial_email")
sms = env.ref("privacy_gdpr.consent_type_commercial_sms")
env["privacy.partner.consent"].create([
    {"partner_id": one.id, "type_id": email.id, "state": "given",
     "method": "oral", "date_given": "2026-11-01"},
    {"partner_id": one.id, "type_id": sms.id, "state": "given",
     "method": "written", "date_given": "2026-11-02"},
])
lead = env["crm.lead"].create({"name": "Mig lead", "partner_id": two.id})
env["privacy.contact.log"]._log_contacts(
    two, "call", env.ref("privacy_gdpr.contact_reason_contract"),
    res_model="crm.lead", res_id=lead.id, note="Mig call")
one._privacy_send_consent_requests()
one.gdpr_answer_date = "2026-11-20 10:00:00"
for mailing_type, consent_type, body in (
    ("mail", email, {"body_html": "<p>Hi</p>"}),
    ("sms", sms, {"body_plaintext": "Hi"}),
):
    env["mailing.mailing"].create({
        "subject": f"Mig {mailing_type}", "mailing_type": mailing_type,
        "mailing_model_id": env["ir.model"]._get_id("res.partner"),
        "mailing_domain": repr([("id", "in", (one | two).ids)]),
        "privacy_consent_type_ids": [(6, 0, consent_type.ids)],
        **body,
    }).action_send_mail()
env["ir.filters"].create({"name": "Mig filter", "model_id": "res.partner",
    "domain": "[('gdpr_allow_sms', '=', True)]"})
env.cr.commit()
"""
# What must survive the upgrade: {what: query}.
COUNTS = {
    "answered consents": "SELECT count(*) FROM privacy_partner_consent "
    "WHERE state != 'none'",
    "consent history rows": "SELECT count(*) FROM privacy_consent_history",
    "contact log rows of leads": "SELECT count(*) FROM privacy_contact_log "
    "WHERE res_model = 'crm.lead'",
    "consent requests": "SELECT count(*) FROM privacy_consent_request",
    "consent types of mailings": "SELECT count(*) "
    "FROM mailing_mailing_privacy_consent_type_rel",
    "traces cancelled for lack of consent": "SELECT count(*) FROM mailing_trace "
    "WHERE failure_type = 'privacy_no_consent'",
}
NUMBERS = {
    "before": "SELECT name, gdpr_phone_e164, gdpr_mobile_e164, gdpr_request_date, "
    "gdpr_answer_date FROM res_partner WHERE name LIKE 'Mig %' ORDER BY name",
    "after": "SELECT name, privacy_phone_e164, privacy_mobile_e164, "
    "privacy_request_date, privacy_answer_date FROM res_partner "
    "WHERE name LIKE 'Mig %' ORDER BY name",
}
BRIDGES = [
    "privacy_gdpr_crm",
    "privacy_gdpr_mass_mailing",
    "privacy_gdpr_mass_mailing_sms",
    "privacy_gdpr_sms",
]


def query(database, sql):
    with closing(connect(database, prog=PROG)) as conn, conn.cursor() as cr:
        cr.execute(sql)
        return cr.fetchall()


def snapshot(database, numbers):
    state = {what: query(database, sql)[0][0] for what, sql in COUNTS.items()}
    state["partners' numbers and dates"] = query(database, numbers)
    return state


def old_checkout(workdir):
    """The single addon's code in ``workdir``, and an Odoo configuration for it."""
    subprocess.run(
        [
            "git",
            "-C",
            str(ROOT),
            "worktree",
            "add",
            "--detach",
            str(workdir),
            SINGLE_ADDON_COMMIT,
        ],
        check=True,
        capture_output=True,
    )
    options = read_conf()
    options.update(addons_path=str(workdir), data_dir=str(workdir / ".odoo-data"))
    conf = workdir / ".odoo.conf"
    conf.write_text(
        "[options]\n" + "".join(f"{key} = {value}\n" for key, value in options.items())
    )
    return conf


def problems_after_upgrade(database, before):
    after = snapshot(database, NUMBERS["after"])
    problems = [
        f"{what}: {before[what]!r} before, {after[what]!r} after"
        for what in before
        if before[what] != after[what]
    ]
    installed = {
        name
        for (name,) in query(
            database, "SELECT name FROM ir_module_module WHERE state = 'installed'"
        )
    }
    problems += [
        f"{bridge} is not installed" for bridge in BRIDGES if bridge not in installed
    ]
    [(domain,)] = query(
        database, "SELECT domain FROM ir_filters WHERE name = 'Mig filter'"
    )
    if "privacy_allow_sms" not in domain:
        problems.append(f"the saved filter still names the old field: {domain}")
    # Views of bridged apps are the bridges', not copies left to the core.
    left = query(
        database,
        "SELECT d.name FROM ir_model_data d JOIN ir_ui_view v ON v.id = d.res_id "
        "WHERE d.model = 'ir.ui.view' AND d.module = 'privacy_gdpr' "
        "AND v.model IN "
        "('crm.lead', 'mailing.mailing', 'mailing.trace', 'sms.composer')",
    )
    problems += [f"the core still owns the view {name}" for (name,) in left]
    # 18.0.2.1: every history row says what recorded it, every type has a text.
    [(sourceless,)] = query(
        database, "SELECT count(*) FROM privacy_consent_history WHERE source IS NULL"
    )
    if sourceless:
        problems.append(f"{sourceless} history rows without a source")
    [(textless,)] = query(
        database, "SELECT count(*) FROM privacy_consent_type WHERE text_id IS NULL"
    )
    if textless:
        problems.append(f"{textless} consent types without a text version")
    # 18.0.2.3: the shipped contact reasons say what a new database says.
    reasons = {
        code: rest
        for code, *rest in query(
            database,
            "SELECT code, COALESCE(is_marketing, FALSE), condition, "
            "allow_email, allow_sms, allow_call FROM privacy_contact_reason",
        )
    }
    expected = {
        "CONTRACT": [False, "none", True, True, True],
        "EXISTING_CUSTOMER": [True, "recent_customer", True, True, True],
        "B2B_PROSPECT": [True, "business", True, True, True],
        "CONSENT_ELSEWHERE": [True, "none", True, True, True],
        "VITAL_INTERESTS": [False, "none", False, True, True],
    }
    problems += [
        f"the contact reason {code} is {reasons.get(code)}, not {values}"
        for code, values in expected.items()
        if reasons.get(code) != values
    ]
    return problems, after


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", default="privacy_gdpr_migration")
    args = parser.parse_args()
    require_conf(PROG)
    with tempfile.TemporaryDirectory(prefix="privacy_gdpr_18.0.1_") as tmp:
        workdir = Path(tmp) / "checkout"
        try:
            old_conf = old_checkout(workdir)
            print(f"{PROG}: installing the single addon ({SINGLE_ADDON_COMMIT})")
            install_database(
                args.database,
                "privacy_gdpr,privacy_gdpr_sale",
                conf=old_conf,
                prog=PROG,
            )
            # Odoo's subcommand comes first on its command line.
            python, module, odoo, *options = odoo_command(conf=old_conf)
            subprocess.run(
                [python, module, odoo, "shell", *options, "-d", args.database],
                input=POPULATE,
                text=True,
                check=True,
                capture_output=True,
                cwd=ROOT,
                env=subprocess_env(),
            )
            before = snapshot(args.database, NUMBERS["before"])
            print(f"{PROG}: upgrading privacy_gdpr with this checkout")
            subprocess.run(
                odoo_command(
                    "-d",
                    args.database,
                    "-u",
                    "privacy_gdpr",
                    "--stop-after-init",
                    "--no-http",
                    "--log-level",
                    "warn",
                    conf=CONF,
                ),
                check=True,
                cwd=ROOT,
                env=subprocess_env(),
            )
            problems, after = problems_after_upgrade(args.database, before)
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(workdir)],
                check=False,
                capture_output=True,
            )
            drop_database(args.database, prog=PROG)
    for what, value in after.items():
        print(f"{PROG}: {what}: {value}")
    for problem in problems:
        print(f"{PROG}: ERROR: {problem}")
    print(f"{PROG}: {'FAILED' if problems else 'OK'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
