"""Packages the addons the way Odoo addons are published on PyPI.

``pip install .`` installs every addon of this repository (each top-level folder
with a ``__manifest__.py``: ``odoo.addons.privacy_gdpr``,
``odoo.addons.privacy_gdpr_sale``...) next to Odoo 18.0.
"""

import ast
from pathlib import Path

from setuptools import setup

ROOT = Path(__file__).resolve().parent
MAIN_ADDON = "privacy_gdpr"
ADDONS = sorted(path.parent.name for path in ROOT.glob("*/__manifest__.py"))
MANIFEST = ast.literal_eval((ROOT / MAIN_ADDON / "__manifest__.py").read_text())


def addon_packages(addon):
    """The addon and each of its folders, as odoo.addons.* packages."""
    base = ROOT / addon
    folders = [
        path.relative_to(base).parts
        for path in sorted(base.rglob("*"))
        if path.is_dir() and "__pycache__" not in path.parts
    ]
    return [f"odoo.addons.{addon}"] + [
        ".".join(("odoo", "addons", addon, *parts)) for parts in folders
    ]


PACKAGES = [package for addon in ADDONS for package in addon_packages(addon)]

setup(
    name=f"odoo-addon-{MAIN_ADDON}",
    version=MANIFEST["version"],
    description=MANIFEST["summary"],
    long_description=(ROOT / "README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    license=MANIFEST["license"],
    author=MANIFEST["author"],
    url=MANIFEST["website"],
    python_requires=">=3.10",
    packages=PACKAGES,
    package_dir={f"odoo.addons.{addon}": addon for addon in ADDONS},
    package_data={package: ["*"] for package in PACKAGES},
    exclude_package_data={"": ["*.pyc"]},
    install_requires=["odoo>=18.0a,<18.1dev", "phonenumbers", "xlsxwriter"],
    classifiers=[
        "Programming Language :: Python",
        "Framework :: Odoo",
        "Framework :: Odoo :: 18.0",
    ],
    zip_safe=False,
)
