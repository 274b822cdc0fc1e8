import re
from pathlib import Path

import polib

from odoo.modules.module import get_module_path
from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import TranslationModuleReader

# OCA's formatting empties a translation equal to its source; such entries say
# so in a translator comment, so that an untranslated new term still shows.
SAME_AS_SOURCE = "same as the source"
# Python format placeholders must survive translation, or the string breaks
# at run time in that language only.
PLACEHOLDER_RE = re.compile(r"%\(\w+\)[sdf]|%[sdf]")


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    """French and Italian cover everything a user of the addons sees."""

    LANGS = ("fr", "it")

    def installed_modules(self):
        return self.env["ir.module.module"].search(
            [("name", "like", "privacy_gdpr"), ("state", "=", "installed")]
        )

    def current_terms(self, module):
        """The terms Odoo's own export finds in the module's code and data."""
        reader = TranslationModuleReader(self.env.cr, modules=[module])
        return {row[4] for row in reader if row[0] == module}

    def catalogue(self, module, name):
        return polib.pofile(str(Path(get_module_path(module), "i18n", name)))

    def test_catalogues_cover_every_term(self):
        modules = self.installed_modules()
        self.assertIn("privacy_gdpr", modules.mapped("name"))
        # The reader finds the terms of the core: an empty reader passes nothing.
        self.assertTrue(self.current_terms("privacy_gdpr"))
        for module in modules.mapped("name"):
            terms = self.current_terms(module)
            if not terms:
                # A bridge of tests alone (privacy_gdpr_website_crm): nothing
                # to translate, no catalogue.
                self.assertFalse(
                    Path(get_module_path(module), "i18n").exists(),
                    f"{module} has catalogues but nothing to translate",
                )
                continue
            template = {
                entry.msgid for entry in self.catalogue(module, f"{module}.pot")
            }
            self.assertFalse(
                sorted(terms - template),
                f"{module}.pot is out of date: export it again",
            )
            for lang in self.LANGS:
                with self.subTest(module=module, lang=lang):
                    entries = [
                        entry
                        for entry in self.catalogue(module, f"{lang}.po")
                        if not entry.obsolete
                        and (entry.msgstr or entry.tcomment == SAME_AS_SOURCE)
                    ]
                    missing = terms - {entry.msgid for entry in entries}
                    self.assertFalse(sorted(missing), f"untranslated in {lang}.po")
                    for entry in filter(lambda entry: entry.msgstr, entries):
                        self.assertEqual(
                            sorted(PLACEHOLDER_RE.findall(entry.msgstr)),
                            sorted(PLACEHOLDER_RE.findall(entry.msgid)),
                            f"placeholders changed in {lang}.po: {entry.msgid!r}",
                        )

    def test_labels_shown_in_the_user_language(self):
        langs = {"fr": "fr_FR", "it": "it_IT"}
        for code in langs.values():
            self.env["res.lang"]._activate_lang(code)
        self.env["ir.module.module"]._load_module_terms(
            ["privacy_gdpr"], list(langs.values()), overwrite=True
        )
        consents = self.env["privacy.partner.consent"]
        english = dict(consents.fields_get(["state"])["state"]["selection"])
        for code in langs.values():
            labels = dict(
                consents.with_context(lang=code).fields_get(["state"])["state"][
                    "selection"
                ]
            )
            self.assertEqual(labels.keys(), english.keys())
            for state, label in labels.items():
                self.assertNotEqual(label, english[state], f"{state} in {code}")
        # Italian keeps the English word "Privacy" for the menu.
        menu = self.env.ref("privacy_gdpr.menu_privacy_root")
        self.assertEqual(menu.with_context(lang="fr_FR").name, "Confidentialité")
