from .contact_common import PrivacyContactCase


class MassComposerCommon(PrivacyContactCase):
    """A composer in mass mode: subclasses say how *Send email* or *Send SMS*
    on the contact list opens it (:meth:`composer`)."""

    def composer(self, partners, **values):
        raise NotImplementedError

    def split_queries(self, count, consent_type):
        """The queries of the split of a mass send to ``count`` new contacts,
        half of them with ``consent_type``, measured warm as the form runs it
        (access rules and the company's switches cached, nothing to write)."""
        partners = self.env["res.partner"].create(
            [
                {
                    "name": f"Bulk {count} {i}",
                    "email": f"b{count}.{i}@example.com",
                    "mobile": f"+3361234{i:04d}",
                }
                for i in range(count)
            ]
        )
        for partner in partners[::2]:
            self.give(partner, consent_type)
        composer = self.composer(partners, privacy_mass_decision="leave_out")
        composer._privacy_mass_split()
        self.env.flush_all()
        self.env.registry.clear_cache()
        composer._privacy_mass_split()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        split = composer._privacy_mass_split()
        spent = self.env.cr.sql_log_count - before
        self.assertEqual(len(split.left_ids), count // 2)
        return spent
