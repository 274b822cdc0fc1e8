import sys
from pathlib import Path

# setup/_odoo18.py: setuptools-odoo, taught the Odoo series 18.0.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _odoo18 import setup_addon

setup_addon()
