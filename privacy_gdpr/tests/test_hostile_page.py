import logging
from urllib.parse import quote, urlencode, urlparse

from odoo.tests import tagged

from odoo.addons.privacy_gdpr.controllers.consent_page import ANSWERS
from odoo.addons.privacy_gdpr.models.privacy_consent_request import (
    CONFIRM_SCOPE,
    PREFERENCES_SCOPE,
    REQUEST_SCOPE,
)

from .consent_request_common import USER_AGENT, PrivacyRequestHttpCase
from .hostile_common import (
    HOSTILE_SETTINGS,
    NASTY_TEXT,
    HostileInputMixin,
    assume,
    given,
    st,
)

FORM = "application/x-www-form-urlencoded"
SCOPES = {
    "consent": REQUEST_SCOPE,
    "preferences": PREFERENCES_SCOPE,
    "confirm": CONFIRM_SCOPE,
}
ROUTES = tuple(SCOPES)
# Form fields that the page does not know of; never one of its own.
EXTRA_FIELDS = st.dictionaries(
    st.text(min_size=1, max_size=30).filter(
        lambda name: (
            not name.startswith("consent_")
            and name not in ("csrf_token", "digest", "version")
        )
    ),
    NASTY_TEXT,
    max_size=5,
)
# What is wrong with a submission (each case has at least this defect):
# missing or forged CSRF token, text changed since read, answers changed since
# read, unknown answer, no answer, forged link, body not sent as a form.
DEFECTS = {
    "no_csrf": 400,
    "bad_csrf": 400,
    "bad_digest": 409,
    "stale_version": 409,
    "bad_answer": 400,
    "no_answer": 400,
    "bad_link": 404,
    "not_a_form": 400,
}


@tagged("post_install", "-at_install")
class TestHostilePage(HostileInputMixin, PrivacyRequestHttpCase):
    """Property-based: forged links and hostile form posts on the public
    preference page get a 4xx page saying why, never a 500, never a change."""

    def setUp(self):
        super().setUp()
        # Refused CSRF tokens are logged as warnings by Odoo: expected here.
        http_logger = logging.getLogger("odoo.http")
        self.addCleanup(http_logger.setLevel, http_logger.level)
        http_logger.setLevel(logging.ERROR)
        self.type_newsletter.double_optin = True
        self.paths = {
            "consent": self.send_request(self.partner),
            "preferences": urlparse(self.partner._privacy_preferences_url()).path,
            "confirm": self.confirm_path(),
        }
        self.csrf_token = self.hidden_field(self.paths["consent"], "csrf_token")
        # The text shown, hence its digest, of each link (the preference link
        # says that a consent given from it is confirmed by e-mail first).
        self.digests = {
            route: self.hidden_field(self.paths[route], "digest")
            for route in ("consent", "preferences")
        }
        self.digest = self.digests["consent"]
        self.assertNotEqual(self.digests["preferences"], self.digest)
        # What the page showed of the answers (none yet): a submission based
        # on another state of them is refused.
        self.version = self.hidden_field(self.paths["consent"], "version")
        self.input_names = [
            f"consent_{consent_type.id}"
            for consent_type in self.env["privacy.consent.type"].search([])
        ]

    def hidden_field(self, path, name):
        form = self.form_of(self.open_page(path))
        return form.xpath(f".//input[@name='{name}']")[0].get("value")

    def confirm_path(self):
        """A live double opt-in link of partner_2."""
        path = self.send_request(self.partner_2)
        self.submit(path, {self.type_newsletter: "given"})
        confirmations = self.request_messages(self.partner_2).filtered(
            lambda m: "confirm your consent" in m.subject
        )
        return self.link_in(confirmations[:1], "/privacy/confirm/")

    def post(self, path, fields, content_type=FORM, user_agent=USER_AGENT):
        # Encoded here: lone surrogates travel as the invalid bytes they are.
        body = urlencode(fields, encoding="utf-8", errors="surrogatepass")
        return self.count_response(
            self.url_open(
                path,
                data=body.encode(),
                headers={"Content-Type": content_type, "User-Agent": user_agent},
            )
        )

    def assertLinkError(self, response, status):
        self.assertEqual(response.status_code, status, response.text[:1000])
        self.assertIn("o_privacy_link_error", response.text)
        self.assertNotIn(self.partner.name, response.text)
        self.assertNotIn(self.partner.email, response.text)

    # ------------------------------------------------------------
    # Links
    # ------------------------------------------------------------

    def forged_token(self, data, route):
        Request = self.env["privacy.consent.request"]
        token = self.paths[route].rstrip("/").split("/")[-1]
        other = self.paths[ROUTES[(ROUTES.index(route) + 1) % len(ROUTES)]]
        forged = data.draw(
            st.one_of(
                st.text(min_size=1, max_size=700),
                st.builds(
                    lambda index, char: token[:index] + char + token[index + 1 :],
                    st.integers(0, len(token) - 1),
                    st.characters(codec="utf-8"),
                ),
                st.integers(1, len(token) - 1).map(lambda size: token[:size]),
                st.text(min_size=1, max_size=20).map(lambda tail: token + tail),
                st.just(other.rstrip("/").split("/")[-1]),
            ),
            label="token",
        )
        # Odoo decodes tokens leniently (characters out of the alphabet, unused
        # bits), and its router ignores a trailing slash: a variant that still
        # carries our signature is the same link.
        assume(Request._verify(SCOPES[route], forged.rstrip("/")) is None)
        return forged

    @given(
        data=st.data(),
        route=st.sampled_from(ROUTES),
        method=st.sampled_from(["GET", "POST"]),
    )
    @HOSTILE_SETTINGS
    def test_forged_links(self, data, route, method):
        forged = self.forged_token(data, route)
        path = f"/privacy/{route}/{quote(forged, safe='')}"
        with self.assertUnchanged():
            if method == "GET":
                response = self.count_response(
                    self.url_open(path, headers={"User-Agent": USER_AGENT})
                )
            else:
                response = self.post(
                    f"{path}/submit",
                    {"csrf_token": self.csrf_token, "digest": self.digest},
                )
        self.assertForgedLink(response, forged)

    def assertForgedLink(self, response, forged):
        if forged == "." and response.request.method == "POST":
            # The client sends "..././submit" as ".../submit": the page of a
            # token "submit", which Odoo's router only opens with GET.
            self.assertEqual(response.status_code, 405)
        elif "/" in forged or forged in (".", ".."):
            # Not a token for the router: Odoo's own 404 page.
            self.assertEqual(response.status_code, 404)
        else:
            self.assertLinkError(response, 404)

    @given(
        route=st.sampled_from(ROUTES),
        query=st.dictionaries(st.text(min_size=1, max_size=20), NASTY_TEXT, max_size=5),
    )
    @HOSTILE_SETTINGS
    def test_opening_a_link_changes_nothing(self, route, query):
        # Consent answers in the query string included: GET only shows the page.
        query = {**query, f"consent_{self.type_newsletter.id}": "given"}
        path = f"{self.paths[route]}?{urlencode(query, errors='surrogatepass')}"
        with self.assertUnchanged():
            response = self.count_response(
                self.url_open(path, headers={"User-Agent": USER_AGENT})
            )
        self.assertEqual(response.status_code, 200, response.text[:1000])

    # ------------------------------------------------------------
    # Form posts
    # ------------------------------------------------------------

    @given(
        data=st.data(),
        defect=st.sampled_from(list(DEFECTS)),
        route=st.sampled_from(ROUTES),
        extra=EXTRA_FIELDS,
    )
    @HOSTILE_SETTINGS
    def test_hostile_submissions(self, data, defect, route, extra):
        if route == "confirm":
            # The confirmation form has no answer nor text: only CSRF and link.
            assume(defect in ("no_csrf", "bad_csrf", "bad_link", "not_a_form"))
        digest = self.digests.get(route, self.digest)
        fields = {
            **extra,
            "csrf_token": self.csrf_token,
            "digest": digest,
            "version": self.version,
        }
        answer_names = data.draw(
            st.lists(st.sampled_from(self.input_names), unique=True), label="answered"
        )
        for name in answer_names:
            fields[name] = data.draw(st.sampled_from(ANSWERS), label=name)
        path, forged = self.spoil(data, defect, route, fields)
        content_type = FORM
        if defect == "not_a_form":
            content_type = data.draw(
                st.sampled_from(["application/json", "text/plain", "application/xml"])
            )
        with self.assertUnchanged():
            response = self.post(f"{path}/submit", fields, content_type)
        status = DEFECTS[defect]
        if defect == "bad_link":
            self.assertForgedLink(response, forged)
        else:
            self.assertEqual(response.status_code, status, response.text[:1000])
        if defect in ("bad_digest", "stale_version", "bad_answer", "no_answer"):
            # The page again, saying what to do, with nothing recorded.
            self.assertIn("o_privacy_error", response.text)
            self.assertIn("o_privacy_consent_form", response.text)

    def spoil(self, data, defect, route, fields):
        """Give the post of ``fields`` to ``route`` its ``defect`` (``fields``
        is changed in place); return the path posted to and the forged token
        (of a bad link)."""
        path, forged = self.paths[route], None
        if defect == "no_csrf":
            del fields["csrf_token"]
        elif defect == "bad_csrf":
            fields["csrf_token"] = data.draw(
                st.one_of(
                    NASTY_TEXT,
                    st.just(self.csrf_token[:-1] + "0"),
                    st.just(self.csrf_token.replace("o", "x")),
                ),
                label="csrf",
            )
            assume(fields["csrf_token"] != self.csrf_token)
        elif defect == "bad_digest":
            fields["digest"] = data.draw(NASTY_TEXT, label="digest")
            assume(fields["digest"] != self.digests.get(route, self.digest))
        elif defect == "stale_version":
            # Stale only when it comes with an answer: without, "no answer".
            fields[self.input_names[0]] = "given"
            fields["version"] = data.draw(NASTY_TEXT, label="version")
            assume(fields["version"] != self.version)
        elif defect == "bad_answer":
            name = data.draw(st.sampled_from(self.input_names), label="bad answer")
            fields[name] = data.draw(
                NASTY_TEXT.filter(lambda value: value and value not in ANSWERS),
                label="value",
            )
        elif defect == "no_answer":
            for name in self.input_names:
                fields[name] = ""
        elif defect == "bad_link":
            forged = self.forged_token(data, route)
            path = f"/privacy/{route}/{quote(forged, safe='')}"
        return path, forged

    def test_nul_beyond_the_routes(self):
        """Regression: a path under the page's routes but matched by none, with
        a NUL character, made Odoo's attachment fallback answer 500."""
        for path in ("/privacy/consent/0/%00", "/privacy/confirm/x%2F%00", "/%00"):
            with self.subTest(path=path), self.assertUnchanged():
                response = self.count_response(self.url_open(path))
                self.assertEqual(response.status_code, 404)

    def test_oversized_form(self):
        """A form beyond Odoo's limit (10 MB in memory) is refused whole."""
        with self.assertUnchanged():
            response = self.post(
                f"{self.paths['consent']}/submit",
                {
                    "csrf_token": self.csrf_token,
                    "digest": self.digest,
                    self.input_names[0]: "given",
                    "note": "x" * (11 * 1024 * 1024),
                },
            )
        self.assertEqual(response.status_code, 413)

    def test_user_agent_with_nul_characters(self):
        """Regression: a NUL character in the User-Agent header, kept as proof of
        the answer, made the answer fail with a 500."""
        response = self.post(
            f"{self.paths['consent']}/submit",
            {
                "csrf_token": self.csrf_token,
                "digest": self.digest,
                "version": self.version,
                f"consent_{self.type_sms.id}": "refused",
            },
            user_agent="Mozilla/5.0\x00 (hostile)",
        )
        self.assertEqual(response.status_code, 200, response.text[:1000])
        sms = self.consent(self.partner, self.type_sms)
        self.assertEqual(sms.state, "refused")
        self.assertEqual(sms.proof_user_agent, "Mozilla/5.0 (hostile)")

    def tearDown(self):
        self.log_figures(self._testMethodName)
        super().tearDown()
