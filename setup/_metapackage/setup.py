"""odoo-addons-privacy-gdpr: every addon of the repository, in one install."""

import ast
from pathlib import Path

import setuptools

SETUP = Path(__file__).resolve().parent.parent
ADDONS = sorted(
    path.parent.name for path in SETUP.glob("*/setup.py") if path.parent.name[0] != "_"
)
CORE = ast.literal_eval((SETUP.parent / "privacy_gdpr" / "__manifest__.py").read_text())

setuptools.setup(
    name="odoo-addons-privacy-gdpr",
    description="Meta package for the privacy_gdpr addons",
    version=CORE["version"],
    license=CORE["license"],
    install_requires=[f"odoo-addon-{addon}>=18.0dev,<18.1dev" for addon in ADDONS],
    classifiers=[
        "Programming Language :: Python",
        "Framework :: Odoo",
        "Framework :: Odoo :: 18.0",
        "License :: OSI Approved :: GNU Lesser General Public License v3 (LGPLv3)",
    ],
)
