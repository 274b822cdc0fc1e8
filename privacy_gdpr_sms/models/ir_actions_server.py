from odoo import models

from odoo.addons.privacy_gdpr.models.privacy_mass_contact_mixin import SENT_BY_CODE


class IrActionsServer(models.Model):
    _inherit = "ir.actions.server"

    def _run_action_sms_multi(self, eval_context=None):
        # An automated action's SMS is sent by code, as before the mass mode
        # was checked: the composer's check is for people sending from a list.
        return super(
            IrActionsServer, self.with_context(privacy_mass_sent_by=SENT_BY_CODE)
        )._run_action_sms_multi(eval_context=eval_context)
