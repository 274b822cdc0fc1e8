from odoo import _, http
from odoo.http import request
from odoo.tools.misc import get_lang

from ..events import request_event
from ..models.privacy_consent_request import (
    CONFIRM_SCOPE,
    LINK_EXPIRED,
    LINK_INVALID,
    LINK_SUPERSEDED,
    LINK_USED,
    REQUEST_SCOPE,
)

# A bad link answers with a 4xx page that names neither the person nor the
# company: 404 when the link is unknown (forged, altered, partner deleted),
# 410 Gone when it was genuine but is no longer usable.
LINK_STATUS = {
    LINK_INVALID: 404,
    LINK_EXPIRED: 410,
    LINK_SUPERSEDED: 410,
    LINK_USED: 410,
}
ANSWERS = ("given", "refused")
# Someone signed in who is not the person of the link: nothing is recorded.
NOT_THE_PERSON = "not_the_person"
NOT_THE_PERSON_STATUS = 403

ROUTE = {
    "type": "http",
    "auth": "public",
    # website=True: frontend environment (language, layout) from http_routing,
    # without the website module; multilang=False: no /fr/ redirects, the page
    # speaks the person's language anyway.
    "website": True,
    "multilang": False,
    "sitemap": False,
}


class PrivacyConsentPage(http.Controller):
    """The public preference page, reached from a consent request e-mail, from
    the long-lived preference link of marketing e-mails, and the double opt-in
    confirmation. GET only shows; POST (with its CSRF token) records."""

    # ------------------------------------------------------------
    # Consent request links (time-limited)
    # ------------------------------------------------------------

    @http.route("/privacy/consent/<string:token>", methods=["GET"], **ROUTE)
    def privacy_consent_page(self, token, **kwargs):
        consent_request, problem = self._request_from_token(REQUEST_SCOPE, token)
        if problem:
            return self._refusal(problem)
        return self._render_page(
            consent_request.partner_id,
            consent_request.company_id,
            f"/privacy/consent/{token}/submit",
            consent_request,
        )

    @http.route("/privacy/consent/<string:token>/submit", methods=["POST"], **ROUTE)
    def privacy_consent_submit(self, token, **post):
        consent_request, problem = self._request_from_token(REQUEST_SCOPE, token)
        if problem:
            return self._refusal(problem)
        return self._submit(
            consent_request.partner_id,
            consent_request.company_id,
            f"/privacy/consent/{token}",
            post,
            token,
            consent_request=consent_request,
        )

    # ------------------------------------------------------------
    # Preference links of marketing e-mail footers
    # ------------------------------------------------------------

    @http.route("/privacy/preferences/<string:token>", methods=["GET"], **ROUTE)
    def privacy_preferences_page(self, token, **kwargs):
        partner, company, problem = self._partner_from_token(token)
        if problem:
            return self._refusal(problem)
        return self._render_page(
            partner, company, f"/privacy/preferences/{token}/submit"
        )

    @http.route("/privacy/preferences/<string:token>/submit", methods=["POST"], **ROUTE)
    def privacy_preferences_submit(self, token, **post):
        partner, company, problem = self._partner_from_token(token)
        if problem:
            return self._refusal(problem)
        return self._submit(
            partner, company, f"/privacy/preferences/{token}", post, token
        )

    # ------------------------------------------------------------
    # Double opt-in confirmation
    # ------------------------------------------------------------

    @http.route("/privacy/confirm/<string:token>", methods=["GET"], **ROUTE)
    def privacy_confirm_page(self, token, **kwargs):
        # Only shows a button: mail scanners open links, people click buttons.
        consent_request, problem = self._request_from_token(CONFIRM_SCOPE, token)
        if problem:
            return self._refusal(problem)
        return request.render(
            "privacy_gdpr.privacy_confirm_page",
            {
                "company": consent_request.company_id,
                "consent_types": consent_request.confirm_type_ids,
                "action": f"/privacy/confirm/{token}/submit",
            },
        )

    @http.route("/privacy/confirm/<string:token>/submit", methods=["POST"], **ROUTE)
    def privacy_confirm_submit(self, token, **post):
        consent_request, problem = self._request_from_token(CONFIRM_SCOPE, token)
        if problem:
            return self._refusal(problem)
        consents = consent_request._confirm(
            request_event(request.httprequest, "double_optin", "web_form", token)
        )
        return request.render(
            "privacy_gdpr.privacy_confirm_done",
            {"company": consent_request.company_id, "consents": consents},
        )

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    def _set_partner_lang(self, partner):
        """Speak the partner's language (an installed one), and show dates in
        the partner's time zone, from now on."""
        request.update_context(
            lang=get_lang(request.env, partner.lang).code,
            tz=partner.tz or request.env.context.get("tz"),
        )

    def _request_from_token(self, scope, token):
        """The consent request of a link, and why the visitor may not use it:
        a bad link or ``NOT_THE_PERSON`` (see :meth:`_refusal`), else None."""
        Request = request.env["privacy.consent.request"]
        consent_request, problem = Request._from_token(scope, token)
        if problem:
            return consent_request, problem
        self._set_partner_lang(consent_request.partner_id)
        if not self._is_the_person(consent_request.partner_id):
            return consent_request, NOT_THE_PERSON
        return consent_request.with_env(request.env).sudo(), None

    def _partner_from_token(self, token):
        """The partner and company of a preference link, and why the visitor
        may not use it, as :meth:`_request_from_token`."""
        partner, company, problem = request.env[
            "privacy.consent.request"
        ]._from_preferences_token(token)
        if problem:
            return partner, company, problem
        self._set_partner_lang(partner)
        if not self._is_the_person(partner):
            return partner, company, NOT_THE_PERSON
        return (
            partner.with_env(request.env).sudo(),
            company.with_env(request.env).sudo(),
            None,
        )

    def _is_the_person(self, partner):
        """Whether the visitor may answer for ``partner``: anyone not signed in
        (the link is the key), or ``partner`` signed in. A signed-in employee
        who opens a person's link is not that person."""
        user = request.env.user
        return user._is_public() or user.partner_id == partner

    def _refusal(self, problem):
        """The page of a link the visitor may not use: the link is bad, or the
        visitor is signed in as someone else than its person."""
        if problem == NOT_THE_PERSON:
            return self._not_the_person()
        return self._bad_link(problem)

    def _not_the_person(self):
        return request.render(
            "privacy_gdpr.privacy_not_the_person",
            {"user": request.env.user},
            status=NOT_THE_PERSON_STATUS,
        )

    def _bad_link(self, problem):
        messages = {
            LINK_INVALID: (
                _("This link is not valid"),
                _(
                    "Check that you opened the whole link from the e-mail. If it "
                    "still does not work, ask us for a new one."
                ),
            ),
            LINK_EXPIRED: (
                _("This link has expired"),
                _(
                    "For your security, links to this page work for a limited "
                    "time. Ask us for a new one, or use the link of our latest "
                    "e-mail."
                ),
            ),
            LINK_SUPERSEDED: (
                _("This link was replaced by a newer one"),
                _("Please use the link of the latest e-mail we sent you."),
            ),
            LINK_USED: (
                _("This link was already used"),
                _("Nothing more to do: your answer was already recorded."),
            ),
        }
        title, message = messages[problem]
        return request.render(
            "privacy_gdpr.privacy_link_error",
            {"title": title, "message": message},
            status=LINK_STATUS[problem],
        )

    def _page_content(self, partner, company, consent_request):
        """The page of ``consent_request``, or of a preference link without one
        (origin "preferences": every consent given is confirmed by e-mail)."""
        return (
            request.env["privacy.consent.request"]
            .sudo()
            ._page_content(
                partner,
                company,
                consent_request.origin if consent_request else "preferences",
            )
        )

    def _render_page(
        self, partner, company, action, consent_request=None, error=None, status=200
    ):
        content = self._page_content(partner, company, consent_request)
        expiry = consent_request.date_expiry if consent_request else None
        return request.render(
            "privacy_gdpr.privacy_consent_page",
            {
                **content,
                "choices": [
                    ("given", content["labels"]["accept"]),
                    ("refused", content["labels"]["refuse"]),
                ],
                "action": action,
                "expiry": expiry,
                "error": error,
            },
            status=status,
        )

    def _submit(self, partner, company, page_url, post, token, consent_request=None):
        Request = request.env["privacy.consent.request"].sudo()
        content = self._page_content(partner, company, consent_request)
        action = f"{page_url}/submit"

        def refuse(error, status):
            """The page again, with why nothing was recorded."""
            return self._render_page(
                partner, company, action, consent_request, error=error, status=status
            )

        if post.get("digest") != content["digest"]:
            return refuse(
                _(
                    "This page changed while you were reading it. Please read it "
                    "again and choose your answers: nothing was recorded."
                ),
                409,
            )
        answers = {}
        for item in content["items"]:
            answer = post.get(item["input_name"])
            if answer in ANSWERS:
                answers[item["type"].id] = answer
            elif answer:
                return refuse(_("Unknown answer: nothing was recorded."), 400)
        if not answers:
            return refuse(_("Choose “Yes” or “No” for at least one purpose."), 400)
        Request._lock_for_answers(partner, consent_request)
        if post.get("version") != content["version"]:
            # Answered meanwhile from this very page (a second click, another
            # tab, a concurrent submission) or changed by us: record nothing,
            # show the current choices to choose again.
            return refuse(
                _(
                    "Your choices were already recorded, or changed, since this "
                    "page was opened (from another tab or a second click?). "
                    "Nothing was recorded now: your current choices are shown "
                    "below; choose again to change them."
                ),
                409,
            )
        consent_request = consent_request or Request._create_for_preferences(
            partner, company
        )
        consents = consent_request._record_answers(
            content,
            answers,
            request_event(request.httprequest, "page", "web_form", token),
        )
        return request.render(
            "privacy_gdpr.privacy_consent_done",
            {
                "company": company,
                "consents": consents,
                "page_url": page_url,
                "pending": consents.filtered(lambda c: c.state == "pending"),
            },
        )
