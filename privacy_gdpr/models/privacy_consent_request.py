import hashlib
import secrets
import time
from datetime import timedelta

from markupsafe import Markup

from odoo import _, api, fields, models, tools
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..events import PrivacyEvent

REQUEST_SCOPE = "privacy_gdpr.consent_request"
CONFIRM_SCOPE = "privacy_gdpr.consent_confirm"
PREFERENCES_SCOPE = "privacy_gdpr.preferences"
# Longer tokens than any we sign are refused before any decoding.
MAX_TOKEN_LENGTH = 512

# What is wrong with a link; the controller maps each to an HTTP status.
LINK_INVALID = "invalid"
LINK_EXPIRED = "expired"
LINK_SUPERSEDED = "superseded"
LINK_USED = "used"

OPEN_STATES = ("sent", "answered")
# The recipients group of the person in the e-mails of their personal links.
PERSON_GROUP = "privacy_person"

# What the e-mail templates get for the person's links: the copy of the e-mail
# kept in the chatter, readable by every employee, carries these dead links; the
# e-mail sent to the person alone gets the real ones (see res.partner's
# _notify_by_email_render_layout).
PERSONAL_LINK = {
    "consent": "https://personal-link.invalid/privacy/consent",
    "confirm": "https://personal-link.invalid/privacy/confirm",
}


class PrivacyConsentRequest(models.Model):
    """A consent request: the e-mail with its signed link, and the proof of the answer.

    Requests sent by e-mail (origin request or renewal) carry a link to the
    preference page valid until ``date_expiry``; sending a newer one supersedes
    the older links of the partner. Answers given from the long-lived preference
    link (origin preferences) get a request too, created when they are
    submitted, so every web answer keeps the whole text that was shown. So do
    consents given by ticking boxes of a web form (origin web_form), with the
    page and the form.
    """

    _name = "privacy.consent.request"
    _description = "Consent Request"
    _order = "date_sent desc, id desc"

    partner_id = fields.Many2one(
        "res.partner", required=True, readonly=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        index=True,
        default=lambda self: self.env.company,
    )
    origin = fields.Selection(
        [
            ("request", "Request"),
            ("renewal", "Renewal before expiry"),
            ("preferences", "Preference page"),
            ("web_form", "Web form"),
        ],
        required=True,
        readonly=True,
        default="request",
    )
    state = fields.Selection(
        [
            ("sent", "Sent"),
            ("answered", "Answered"),
            ("superseded", "Superseded"),
            ("expired", "Expired"),
        ],
        required=True,
        readonly=True,
        default="sent",
        index=True,
        help="Superseded: a newer request was sent, this link no longer works.",
    )
    user_id = fields.Many2one(
        "res.users", string="Sent by", readonly=True, default=lambda self: self.env.user
    )
    lang = fields.Char(string="Language", readonly=True)
    date_sent = fields.Datetime(
        string="Sent on", required=True, readonly=True, default=fields.Datetime.now
    )
    date_expiry = fields.Datetime(
        string="Link valid until", readonly=True, help="Empty: no link was sent."
    )
    date_answer = fields.Datetime(string="Answered on", readonly=True)
    # The secret part of the link: without it a signed link cannot be rebuilt.
    nonce = fields.Char(readonly=True, copy=False, groups="base.group_system")
    text_shown = fields.Text(
        string="Text shown",
        readonly=True,
        help="The whole text of the preference page when the person answered, "
        "in their language.",
    )
    answer_ip = fields.Char(
        string="Answer IP address",
        readonly=True,
        groups="privacy_gdpr.group_privacy_user",
    )
    answer_user_agent = fields.Char(
        readonly=True, groups="privacy_gdpr.group_privacy_user"
    )
    history_ids = fields.One2many(
        "privacy.consent.history", "request_id", string="Answers recorded"
    )
    confirm_nonce = fields.Char(readonly=True, copy=False, groups="base.group_system")
    confirm_type_ids = fields.Many2many(
        "privacy.consent.type",
        string="Awaiting confirmation",
        readonly=True,
        help="Consents given on the page that wait for the double opt-in confirmation.",
    )
    confirm_date_expiry = fields.Datetime(
        string="Confirmation link valid until", readonly=True
    )
    date_confirmed = fields.Datetime(string="Confirmed on", readonly=True)
    # Web forms: where the boxes were ticked, and what the form created.
    page_url = fields.Char(string="Page", readonly=True)
    form_name = fields.Char(string="Form", readonly=True)
    res_model = fields.Char(string="Created by the form", readonly=True)
    res_id = fields.Many2oneReference(
        string="Record created", model_field="res_model", readonly=True
    )

    @api.depends("partner_id", "date_sent")
    def _compute_display_name(self):
        for consent_request in self:
            consent_request.display_name = _(
                "%(partner)s, %(date)s",
                partner=consent_request.partner_id.display_name,
                date=fields.Date.to_string(consent_request.date_sent),
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(_("Consent requests are evidence: they cannot be deleted."))

    # ------------------------------------------------------------
    # Signed links
    # ------------------------------------------------------------

    @api.model
    def _new_nonce(self):
        return secrets.token_urlsafe(32)

    @api.model
    def _sign(self, scope, values):
        # Validity is checked on the stored record, not in the token, so that
        # an expired link can be told apart from a forged one.
        return tools.hash_sign(self.env(su=True), scope, values)

    @api.model
    def _verify(self, scope, token):
        """The values signed in ``token`` for ``scope``, or None when forged.

        The signature is compared in constant time.
        """
        if not token or len(token) > MAX_TOKEN_LENGTH:
            return None
        try:
            values = tools.verify_hash_signed(self.env(su=True), scope, token)
        except ValueError:  # not base64, unknown version, not JSON
            return None
        if not isinstance(values, list) or not all(
            isinstance(value, int | str) for value in values
        ):
            return None
        return values

    # ------------------------------------------------------------
    # Personal links: only in the e-mail sent to the person
    # ------------------------------------------------------------

    @api.model
    def _personal_link_groups(self, partner, groups, message, msg_vals):
        """The recipients groups of a message of ``partner`` (see mail.thread's
        ``_notify_get_recipients_groups``): the person gets a group of their own
        for the e-mails that carry their personal links (consent requests and
        confirmations), so that only their e-mail carries the real links."""
        subtype_id = (msg_vals or {}).get("subtype_id") or message.subtype_id.id
        if len(partner) != 1 or subtype_id != self.env[
            "ir.model.data"
        ]._xmlid_to_res_id("privacy_gdpr.mt_consent_request"):
            return groups
        return [
            [
                PERSON_GROUP,
                lambda pdata: pdata["id"] == partner.id,
                {"active": True, "has_button_access": False},
            ],
            *groups,
        ]

    @api.model
    def _personal_links_in(self, partner, body, recipients_group):
        """``body`` (an e-mail rendered for ``recipients_group``) with the real
        links of ``partner`` in place of the placeholders of PERSONAL_LINK, when
        the e-mail goes to the person alone."""
        if recipients_group.get(
            "notification_group_name"
        ) != PERSON_GROUP or recipients_group.get("recipients") != [partner.id]:
            return body
        current = self._current_for(partner)
        awaiting = self._awaiting_confirmation_for(partner)
        links = {
            PERSONAL_LINK["consent"]: current and current._get_url(),
            PERSONAL_LINK["confirm"]: awaiting and awaiting._get_confirm_url(),
        }
        for placeholder, url in links.items():
            if url:
                body = body.replace(placeholder, url)
        return body

    def _get_url(self):
        self.ensure_one()
        token = self._sign(REQUEST_SCOPE, [self.id, self.sudo().nonce])
        return f"{self.get_base_url()}/privacy/consent/{token}"

    def _get_confirm_url(self):
        self.ensure_one()
        token = self._sign(CONFIRM_SCOPE, [self.id, self.sudo().confirm_nonce])
        return f"{self.get_base_url()}/privacy/confirm/{token}"

    @api.model
    def _from_token(self, scope, token):
        """The request (as superuser) a link points to, and what is wrong with it.

        :return: ``(request, problem)`` where ``problem`` is None for a usable
            link, else one of LINK_INVALID, LINK_EXPIRED, LINK_SUPERSEDED,
            LINK_USED; ``request`` is empty for LINK_INVALID.
        """
        values = self._verify(scope, token)
        if not values or len(values) != 2 or not isinstance(values[0], int):
            return self.browse(), LINK_INVALID
        consent_request = self.sudo().browse(values[0]).exists()
        if not consent_request:  # never existed, or its partner was deleted
            return self.browse(), LINK_INVALID
        confirming = scope == CONFIRM_SCOPE
        nonce = consent_request.confirm_nonce if confirming else consent_request.nonce
        if not nonce or not tools.consteq(nonce, str(values[1])):
            # Signed by us with another secret: a newer link replaced it.
            return consent_request, LINK_SUPERSEDED
        if confirming:
            return consent_request, consent_request._confirm_problem()
        return consent_request, consent_request._answer_problem()

    def _answer_problem(self):
        """Why the preference page of this request cannot be used, or None."""
        if self.state == "superseded":
            return LINK_SUPERSEDED
        if (
            self.state == "expired"
            or not self.date_expiry
            or self.date_expiry <= fields.Datetime.now()
        ):
            return LINK_EXPIRED
        return None

    def _confirm_problem(self):
        """Why the double opt-in link of this request cannot be used, or None."""
        if self.state == "superseded":
            return LINK_SUPERSEDED
        if self.date_confirmed:
            return LINK_USED
        if not self.confirm_date_expiry or (
            self.confirm_date_expiry <= fields.Datetime.now()
        ):
            return LINK_EXPIRED
        return None

    # ------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------

    @api.model
    def _action_send(self, partners):
        """Send a consent request to ``partners`` (the contact form's button),
        or say why one of them cannot get one. People who refused or withdrew a
        consent get it only once confirmed in the dialog that names them."""
        self._check_can_send(partners)
        if self.env["privacy.partner.consent"]._objections(partners):
            return self.env["privacy.consent.request.wizard"]._action_open(partners)
        self._send_to(partners)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": _(
                    "Consent request sent to %(emails)s.",
                    emails=", ".join(partners.mapped("email")),
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    @api.model
    def _check_can_send(self, partners):
        """Raise, naming the first of ``partners`` no request can be sent to."""
        skipped = self._skip_reasons(partners)
        if skipped:
            partner = partners.browse(next(iter(skipped)))
            raise UserError(
                _(
                    "No consent request can be sent to %(partner)s: %(reason)s.",
                    partner=partner.display_name,
                    reason=skipped[partner.id],
                )
            )

    @api.model
    def _skip_reasons(self, partners):
        """``{partner_id: reason}`` for the partners no request can be sent to."""
        reasons = {}
        # The address of an erased person who objected: only they can lift it,
        # by a new consent of their own (a form, the preference page).
        suppressed = self.env["privacy.suppression"].sudo()._suppressed(partners)
        for partner in partners:
            if partner in suppressed:
                reasons[partner.id] = _(
                    "its address or number is on the suppression list of erased "
                    "contacts who objected"
                )
            elif not partner.email:
                reasons[partner.id] = _("no e-mail address")
            elif not partner.email_normalized:
                reasons[partner.id] = _("invalid e-mail address")
            elif partner.is_blacklisted:
                reasons[partner.id] = _("e-mail address in the blacklist")
        return reasons

    @api.model
    def _send_to(self, partners, origin="request", include_objectors=False):
        """E-mail each partner a consent request with a new signed link.

        Earlier links of these partners stop working. A request sent again by
        hand (``origin`` "request" to a partner who already received one) also
        resets the partner's given and pending answers to "no answer", the
        history keeping them; refusals and withdrawals stay until the person
        answers again. A renewal (``origin`` "renewal") leaves the answers valid
        until they expire.

        A request to people who refused or withdrew a consent is sent only with
        ``include_objectors`` (the renewal of consents that expire does not ask).

        :return: the requests created
        """
        if not self.env.su and not self.env.user._is_internal():
            raise AccessError(_("Only employees can send consent requests."))
        if not partners:
            return self
        if origin == "request" and not include_objectors:
            objectors = (
                self.env["privacy.partner.consent"]._objections(partners).partner_id
            )
            if objectors:
                raise UserError(
                    _(
                        "%(names)s refused or withdrew a consent: confirm that "
                        "they should be asked again.",
                        names=", ".join(objectors.mapped("display_name")),
                    )
                )
        suppressed = self.env["privacy.suppression"].sudo()._suppressed(partners)
        if suppressed:
            raise UserError(
                _(
                    "%(names)s: the address or number is on the suppression list "
                    "of erased contacts who objected; only a new consent of their "
                    "own lifts it.",
                    names=", ".join(suppressed.mapped("display_name")),
                )
            )
        if origin == "request":
            self.env["privacy.partner.consent"]._reset_answers(
                partners.filtered("privacy_request_date"),
                self.env._("Reset: a new consent request was sent"),
            )
        requests = self._create_for_partners(partners, origin)
        partners.sudo().write({"privacy_request_date": fields.Datetime.now()})
        template = (
            "privacy_gdpr.mail_template_consent_renewal"
            if origin == "renewal"
            else "privacy_gdpr.mail_template_consent_request"
        )
        for consent_request in requests:
            consent_request._post_on_partner(template)
        return requests

    @api.model
    def _current_for(self, partner):
        """The request whose link ``partner`` may use now (as superuser)."""
        partner.ensure_one()
        return self.sudo().search(
            [
                ("partner_id", "=", partner.id),
                ("state", "in", OPEN_STATES),
                ("origin", "in", ("request", "renewal")),
            ],
            limit=1,
        )

    @api.model
    def _awaiting_confirmation_for(self, partner):
        """The request of ``partner`` whose double opt-in confirmation is
        awaited (as superuser)."""
        partner.ensure_one()
        return self.sudo().search(
            [
                ("partner_id", "=", partner.id),
                ("state", "in", OPEN_STATES),
                ("confirm_type_ids", "!=", False),
                ("date_confirmed", "=", False),
            ],
            order="confirm_date_expiry desc, id desc",
            limit=1,
        )

    @api.model
    def _preferences_url(self, partner, company=None):
        """The link of ``partner`` to the preference page, for the footer of
        marketing e-mails: the person changes or withdraws consents there.

        Signed with the database secret (HMAC-SHA256) over the partner, the
        company and the time it was issued, so it cannot be guessed or forged;
        it works for the company's *Preference links of marketing e-mails valid
        for (days)* from then (a forwarded e-mail does not give the page for
        ever), and stops working when the partner is deleted. The answers are
        recorded for ``company`` (default: the partner's, else the current one).
        """
        partner.ensure_one()
        company = company or partner.company_id or self.env.company
        token = self._sign(
            PREFERENCES_SCOPE, [partner.id, company.id, int(time.time())]
        )
        return f"{partner.get_base_url()}/privacy/preferences/{token}"

    @api.model
    def _from_preferences_token(self, token):
        """The partner and company (as superuser) of a preference link, and what
        is wrong with it.

        :return: ``(partner, company, problem)``: ``problem`` is None for a
            usable link, LINK_INVALID (forged, partner deleted: empty partner
            and company) or LINK_EXPIRED (issued too long ago, or a link of a
            version that did not say when it was issued)
        """
        values = self._verify(PREFERENCES_SCOPE, token)
        Partner = self.env["res.partner"].sudo()
        Company = self.env["res.company"].sudo()
        if (
            not values
            or len(values) not in (2, 3)
            or not all(isinstance(value, int) for value in values)
        ):
            return Partner, Company, LINK_INVALID
        partner = Partner.browse(values[0]).exists() or self.env[
            "privacy.partner.alias"
        ]._resolve(values[0])
        company = Company.browse(values[1]).exists()
        if not partner or not company:
            return Partner, Company, LINK_INVALID
        days = company.privacy_preferences_link_days
        if len(values) == 2 or values[2] + days * 86400 <= time.time():
            return partner, company, LINK_EXPIRED
        return partner, company, None

    @api.model
    def _create_for_partners(self, partners, origin):
        """Supersede the open requests of ``partners`` and create new ones."""
        now = fields.Datetime.now()
        self.sudo().search(
            [("partner_id", "in", partners.ids), ("state", "in", OPEN_STATES)]
        ).write({"state": "superseded"})
        vals_list = []
        for partner in partners:
            company = partner.company_id or self.env.company
            vals_list.append(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "origin": origin,
                    "date_sent": now,
                    "date_expiry": now
                    + timedelta(days=company.privacy_request_validity_days),
                    "lang": partner.lang,
                    "nonce": self._new_nonce(),
                    "user_id": self.env.uid,
                }
            )
        return self.sudo().create(vals_list)

    @api.model
    def _expire_requests(self):
        """Mark expired the requests whose link expired unanswered, in one
        statement however many they are."""
        self.flush_model(["state", "date_expiry"])
        now = fields.Datetime.now()
        self.env.cr.execute(
            SQL(
                """
                UPDATE %(table)s
                   SET state = 'expired', write_uid = %(uid)s, write_date = %(now)s
                 WHERE state = 'sent' AND date_expiry <= %(now)s
                """,
                table=SQL.identifier(self._table),
                uid=self.env.uid,
                now=now,
            ),
            # A concurrent answer may make it fail: the cron handles that.
            log_exceptions=False,
        )
        self.invalidate_model(["state", "write_uid", "write_date"])

    def _post_on_partner(self, template_xmlid):
        """E-mail the partner with ``template_xmlid`` and keep it in its chatter,
        under the "Consent requests" subtype.

        Sent in the company's name (the template's sender); who sent it is the
        request's ``user_id``.
        """
        self.ensure_one()
        # Write what is pending first: the template renderer turns any error
        # into a user error, while a serialization failure (a concurrent answer
        # or resend) must reach Odoo, which retries the whole transaction.
        self.env.flush_all()
        self.partner_id.sudo().message_post_with_source(
            template_xmlid,
            subtype_xmlid="privacy_gdpr.mt_consent_request",
            email_layout_xmlid="privacy_gdpr.mail_notification_consent",
        )

    def _send_confirmation(self, consent_types):
        """Ask the partner to confirm ``consent_types`` (double opt-in)."""
        self.ensure_one()
        company = self.company_id
        self.sudo().write(
            {
                "confirm_nonce": self._new_nonce(),
                "confirm_type_ids": [fields.Command.set(consent_types.ids)],
                "confirm_date_expiry": fields.Datetime.now()
                + timedelta(days=company.privacy_request_validity_days),
                "date_confirmed": False,
            }
        )
        self._post_on_partner("privacy_gdpr.mail_template_consent_confirm")

    # ------------------------------------------------------------
    # The preference page
    # ------------------------------------------------------------

    @api.model
    def _page_labels(self, company):
        """The sentences of the page that are part of the consent, in the
        language of the environment (the person's)."""
        return {
            "intro": _(
                "%(company)s would like to know how you agree to be contacted. "
                "For each purpose below, choose yes or no. Nothing is chosen in "
                "advance and you do not have to agree to anything.",
                company=company.display_name,
            ),
            "accept": _("Yes, I agree"),
            "refuse": _("No, I do not agree"),
            "channels": _("Channels"),
            "more_info": _("More information"),
            "keep": _(
                "If you choose neither, your current choice for this purpose "
                "stays as it is."
            ),
            "optin": _(
                "For this purpose we will send you an e-mail to confirm your "
                "choice: your consent counts only once you confirm it."
            ),
        }

    @api.model
    def _channel_labels(self):
        return {
            "allow_mass_mailing": _("newsletters and offers by e-mail"),
            "allow_email": _("individual e-mails"),
            "allow_sms": _("SMS"),
            "allow_call": _("phone calls"),
            "allow_post": _("postal mail"),
        }

    @api.model
    def _consent_text(self, texts, labels, channel_labels, optin):
        """The text of one purpose as people read it, on the preference page
        and on web forms alike.

        :param texts: the consent type's texts (name, description, extra text,
            link, channels), in the person's language
        :param optin: whether the person is told that an e-mail will ask to
            confirm
        :return: ``(channels, text)``: the labels of its channels, and the text
        """
        channels = [label for fname, label in channel_labels.items() if texts[fname]]
        lines = [
            texts.name,
            texts.description,
            texts.extra_text,
            texts.info_url and f"{labels['more_info']}: {texts.info_url}",
            f"{labels['channels']}: {', '.join(channels)}",
            optin and labels["optin"],
        ]
        return channels, "\n".join(line for line in lines if line)

    @api.model
    def _page_content(self, partner, company, origin=None):
        """What the preference page shows to ``partner`` for ``company``.

        The texts come from here only, from the current version of each consent
        type's texts (``privacy.consent.type._current_text``), so the text
        recorded as proof is the one the page displayed and each answer points
        to its version. ``digest`` identifies this exact text: an answer
        submitted against another digest (the texts changed meanwhile) is not
        recorded. From a preference link of a marketing e-mail (``origin``
        "preferences"), which anyone the e-mail was forwarded to can open, every
        consent given is confirmed by e-mail first.
        """
        partner, company = partner.sudo(), company.sudo()
        labels = self._page_labels(company)
        channel_labels = self._channel_labels()
        consent_types = (
            self.env["privacy.consent.type"]
            .sudo()
            .search([("company_id", "in", [False, company.id])])
        )
        consent_types._current_text()
        consents = {
            consent.type_id: consent
            for consent in self.env["privacy.partner.consent"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", partner.id),
                    ("type_id", "in", consent_types.ids),
                ]
            )
        }
        states = dict(
            self.env["privacy.partner.consent"]
            ._fields["state"]
            ._description_selection(self.env)
        )
        items = []
        for consent_type in consent_types:
            version = consent_type.text_id
            consent = consents.get(consent_type)
            optin = version.double_optin or origin == "preferences"
            channels, text = self._consent_text(version, labels, channel_labels, optin)
            items.append(
                {
                    "type": consent_type,
                    "version": version,
                    "optin": optin,
                    "input_name": f"consent_{consent_type.id}",
                    "channels": channels,
                    "state": consent.state if consent else "none",
                    "state_label": states[consent.state if consent else "none"],
                    "date_given": consent.date_given if consent else False,
                    "date_expiry": consent.date_expiry if consent else False,
                    "text": text,
                }
            )
        notice = company._privacy_notice(
            partner.country_id, [item["version"].name for item in items]
        )
        text_shown = "\n\n".join(
            [
                labels["intro"],
                *(item["text"] for item in items),
                f"{labels['accept']} / {labels['refuse']}",
                labels["keep"],
                notice["text"],
            ]
        )
        return {
            "company": company,
            "labels": labels,
            "notice": notice,
            "items": items,
            "text_shown": text_shown,
            "digest": hashlib.sha256(text_shown.encode()).hexdigest(),
            "version": str(self._answers_version(partner)),
        }

    @api.model
    def _answers_version(self, partner):
        """The version of ``partner``'s answers: the id of its latest history
        row (0 without any). Every change of an answer adds a row, so a page
        posting the version it showed can tell that the answers changed since
        (another tab, a second click, a concurrent submission)."""
        self.env["privacy.consent.history"].flush_model(["partner_id"])
        self.env.cr.execute(
            SQL(
                "SELECT COALESCE(MAX(id), 0) FROM privacy_consent_history"
                " WHERE partner_id = %s",
                partner.id,
            )
        )
        return self.env.cr.fetchone()[0]

    @api.model
    def _lock_for_answers(self, partner, consent_request=None):
        """Serialise the answers of ``partner`` (through ``consent_request``).

        Locks the rows every answer writes (the request, the partner's answer
        date), as Odoo locks rows (``FOR NO KEY UPDATE``): a concurrent answer,
        resend or expiry waits here until the other transaction ends. When that
        one committed a change, PostgreSQL raises a serialization failure
        (Odoo's transactions are REPEATABLE READ) and Odoo retries the whole
        HTTP request in a new transaction, which then sees the new answers
        (stale page: nothing recorded) or the link superseded or expired.
        Nothing is written before this lock, so a retry writes nothing twice.
        """
        # A failure here is expected under concurrency and retried: not logged.
        if consent_request:
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM %s WHERE id = %s FOR NO KEY UPDATE",
                    SQL.identifier(self._table),
                    consent_request.id,
                ),
                log_exceptions=False,
            )
        self.env.cr.execute(
            SQL(
                "SELECT id FROM res_partner WHERE id = %s FOR NO KEY UPDATE",
                partner.id,
            ),
            log_exceptions=False,
        )

    # ------------------------------------------------------------
    # Answers
    # ------------------------------------------------------------

    @api.model
    def _create_for_preferences(self, partner, company):
        """The request that keeps the proof of answers given from the long-lived
        preference link."""
        return self.sudo().create(
            {
                "partner_id": partner.id,
                "company_id": company.id,
                "origin": "preferences",
                "state": "answered",
                "lang": self.env.lang,
            }
        )

    @api.model
    def _record_web_form(self, partner, answers, proof):
        """Record the consents ``partner`` gave by ticking boxes of a web form,
        with their proof.

        Only ticked boxes are answers: a box left unticked changes nothing. A
        consent refused or withdrawn before is given again: a ticked box is
        the new explicit consent it is. A type with double opt-in stays
        pending until the person confirms it from the e-mail sent to them.

        :param answers: one dict per ticked box: ``type`` (the consent type),
            ``texts`` (the version of its texts the form showed), ``text`` (the
            text shown, in the person's language) and ``optin`` (whether it
            waits for a double opt-in confirmation)
        :param proof: ``date`` (of the submission), ``ip``, ``user_agent``,
            ``page_url``, ``form_name``, ``company``, ``lang``, ``notice`` (the
            information given with the consents, as text), ``text_shown`` (the
            whole consent part of the form), ``source`` (the record the form
            created) and optionally ``note`` (the history's, default "Given on
            the web form ...")
        :return: the consents recorded
        """
        partner = partner.sudo()
        self._lock_for_answers(partner)
        source = proof.get("source")
        consent_request = self.sudo().create(
            {
                "partner_id": partner.id,
                "company_id": proof["company"].id,
                "origin": "web_form",
                "state": "answered",
                "lang": proof.get("lang"),
                "date_sent": proof["date"],
                "page_url": proof.get("page_url"),
                "form_name": proof.get("form_name"),
                "res_model": source._name if source else False,
                "res_id": source.id if source else False,
            }
        )
        internal = consent_request._internal_env()
        where = internal._(
            "Web form “%(form)s” on %(page)s",
            form=proof.get("form_name") or "?",
            page=proof.get("page_url") or "?",
        )
        labels = {"accept": internal._("Box ticked")}
        content = {
            "labels": labels,
            "text_shown": proof["text_shown"],
            "items": [
                {
                    "type": answer["type"],
                    "version": answer["texts"],
                    "optin": answer["optin"],
                    "text": "\n\n".join((answer["text"], proof["notice"], where)),
                }
                for answer in answers
            ],
        }
        event = PrivacyEvent(
            "web_form",
            method="web_form",
            date=proof["date"],
            ip=proof.get("ip"),
            user_agent=proof.get("user_agent"),
            link=proof.get("page_url"),
            note=proof.get("note")
            or internal._("Given by ticking a box: %(where)s", where=where),
        )
        return consent_request._record_answers(
            content,
            dict.fromkeys((answer["type"].id for answer in answers), "given"),
            event,
        )

    def _record_answers(self, content, answers, event):
        """Record the answers given on the preference page (or a web form), with
        their proof.

        :param content: the page content (:meth:`_page_content`) answered
        :param answers: ``{consent_type_id: "given" | "refused"}``; the types
            left out keep their current answer
        :param event: the submission (a ``PrivacyEvent`` of source "page" or
            "web_form": its date-time, IP address, user agent and link, and the
            note of the history rows when it has one), completed here with the
            text of each purpose and the version of the texts
        :return: the consents changed
        """
        self.ensure_one()
        if not answers:
            return self.env["privacy.partner.consent"]
        today = self.company_id._privacy_today(event.date)
        Consent = self.env["privacy.partner.consent"].sudo()
        items = [item for item in content["items"] if item["type"].id in answers]
        consent_types = self.env["privacy.consent.type"].sudo()
        for item in items:
            consent_types |= item["type"]
        Consent._create_placeholders(
            partners=self.partner_id, consent_types=consent_types
        )
        consents = {
            consent.type_id: consent
            for consent in Consent.search(
                [
                    ("partner_id", "=", self.partner_id.id),
                    ("type_id", "in", consent_types.ids),
                ]
            )
        }
        labels = content["labels"]
        changes = []
        pending = Consent
        internal = self._internal_env()
        event = event.replace(
            note=event.note or internal._("Answered on the preference page"),
            request_id=self.id,
        )
        for item in items:
            consent_type, answer = item["type"], answers[item["type"].id]
            consent = consents[consent_type]
            old_state = consent.state
            if answer == "given":
                state = "pending" if item["optin"] else "given"
            else:
                state = "withdrawn" if old_state == "given" else "refused"
            choice = labels["accept"] if answer == "given" else labels["refuse"]
            consent._privacy_record(
                event.replace(
                    text=f"{item['text']}\n→ {choice}",
                    type_text_id=item["version"].id,
                ),
                {
                    "state": state,
                    "method": "web_form",
                    "date_given": today if state == "given" else False,
                },
            )
            changes.append((consent_type, old_state, state))
            if state == "pending":
                pending |= consent
        self.sudo().write(
            {
                "state": "answered" if self.state == "sent" else self.state,
                "date_answer": event.date,
                "text_shown": content["text_shown"],
                "answer_ip": event.ip,
                "answer_user_agent": event.user_agent,
            }
        )
        self.partner_id.sudo().privacy_answer_date = event.date
        self._post_answer_summary(changes)
        if pending:
            self._send_confirmation(
                Consent.search(
                    [("partner_id", "=", self.partner_id.id), ("state", "=", "pending")]
                ).type_id
            )
        recorded = Consent.browse([consent.id for consent in consents.values()])
        self._consents_given(recorded.filtered(lambda c: c.state == "given"))
        return recorded

    def _confirm(self, event):
        """The person clicked the double opt-in link: the pending consents it
        covers become given, with the proof of the click (``event``, of source
        "double_optin") and the text they agreed to on the page.

        :return: the consents confirmed
        """
        self.ensure_one()
        consents = (
            self.env["privacy.partner.consent"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", self.partner_id.id),
                    ("type_id", "in", self.confirm_type_ids.ids),
                    ("state", "=", "pending"),
                ]
            )
        )
        internal = self._internal_env()
        confirmation = _(
            "Confirmed from the link sent to %(email)s.", email=self.partner_id.email
        )
        event = event.replace(
            note=internal._("Confirmed from the double opt-in e-mail"),
            request_id=self.id,
        )
        today = self.company_id._privacy_today()
        changes = []
        for consent in consents:
            consent._privacy_record(
                event.replace(
                    text=f"{consent.proof_text or ''}\n{confirmation}",
                    type_text_id=consent.type_text_id.id or None,
                ),
                {"state": "given", "method": "web_form", "date_given": today},
            )
            changes.append((consent.type_id, "pending", "given"))
        self.sudo().date_confirmed = event.date
        self.partner_id.sudo().privacy_answer_date = event.date
        self._post_answer_summary(changes)
        self._consents_given(consents)
        return consents

    def _consents_given(self, consents):
        """Hook: ``consents`` were just given by the person, through this
        request (an answer, a ticked box, a double opt-in confirmation)."""

    def _internal_env(self):
        """The environment in the company's language, for what staff read."""
        lang = self.company_id.partner_id.lang or self.env.lang
        return self.with_context(lang=lang).env

    def _post_answer_summary(self, changes):
        """Log the answers in the partner's chatter, as the partner. Every
        employee reads the chatter: the proof (IP address, user agent) stays on
        the consents, for Privacy Users."""
        if not changes:
            return
        internal = self._internal_env()
        states = dict(
            self.env["privacy.partner.consent"]
            ._fields["state"]
            ._description_selection(internal)
        )
        lines = Markup("").join(
            Markup("<li>%s: %s → %s</li>")
            % (
                consent_type.with_env(internal).name,
                states[old_state],
                states[new_state],
            )
            for consent_type, old_state, new_state in changes
        )
        if self.origin == "web_form":
            title = internal._(
                "Consents given on the web form %(form)s:", form=self.form_name or "?"
            )
        else:
            title = internal._("Consent answers received from the preference page:")
        self.partner_id.sudo().message_post(
            body=Markup("<p>%s</p><ul>%s</ul>") % (title, lines),
            subtype_xmlid="privacy_gdpr.mt_consent_answer",
            message_type="notification",
            author_id=self.partner_id.id,
        )
