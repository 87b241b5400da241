"""Email alerts on the web: ask for emails about a search, confirm, unsubscribe.

Shown only when SMTP is configured (LGSEARCH_SMTP_HOST, LGSEARCH_MAIL_FROM, LGSEARCH_PUBLIC_URL);
otherwise every /alerts/ address is a 404 and results pages carry no link. The work is done by
`indexer.alerts`, which the command line's `lgsearch alerts send` shares. No cookies: each form
carries a signed token (CSRF), and links in emails carry signed tokens naming a subscription.
"""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for

from indexer.alerts import confirm as confirm_subscription
from indexer.alerts import (
    CONFIRM_DAYS,
    AlertsDatabase,
    InvalidAddress,
    MailError,
    Mailer,
    MailSettings,
    SettingsError,
    TokenExpired,
    TokenInvalid,
    Tokens,
    TooManyRequests,
    alert_search,
    checked_address,
    database_path,
    describe,
    search_from_stored,
    secret_key,
    subscribe,
    utc_now,
)
from webui import params
from webui.service import search_service

logger = logging.getLogger(__name__)

bp = Blueprint("alerts", __name__, url_prefix="/alerts")

_TOKENS = "lgsearch.alert_tokens"


def configure(app) -> None:
    """ALERTS_MAIL (MailSettings or None) from the environment unless the app was given one;
    ALERTS_DATABASE beside the index unless given."""
    if "ALERTS_MAIL" not in app.config:
        try:
            app.config["ALERTS_MAIL"] = MailSettings.from_environ()
        except SettingsError as error:
            app.logger.error("Email alerts are off: %s", error)
            app.config["ALERTS_MAIL"] = None
    if not app.config.get("ALERTS_DATABASE"):
        app.config["ALERTS_DATABASE"] = str(database_path(Path(app.config["INDEX_DIR"])))


def alerts_on() -> bool:
    return current_app.config.get("ALERTS_MAIL") is not None


@bp.app_context_processor
def alerts_link():
    """`alerts_link_for(search)` in every template: the "Get emails" address, or None when alerts are off."""

    def alerts_link_for(search):
        return new_alert_url(search) if alerts_on() else None

    return {"alerts_link_for": alerts_link_for}


def new_alert_url(search) -> str:
    return params.with_query(url_for("alerts.new"), alert_search(search).to_params())


class EmailLinks:
    """Full addresses for emails: the app's own routes (so a path prefix is kept) under
    LGSEARCH_PUBLIC_URL rather than the address the request came in at. Needs a request context
    (the command line makes one)."""

    def __init__(self, public_url: str, service_name: str):
        self.base = public_url.rstrip("/")
        self.service_name = service_name

    def _full(self, path: str) -> str:
        root = request.script_root
        return self.base + (path[len(root) :] if root and path.startswith(root) else path)

    def search(self, search) -> str:
        return self._full(params.search_url(search))

    def document(self, doc_id: str) -> str:
        return self._full(params.document_url(doc_id))

    def confirm(self, token: str) -> str:
        return self._full(url_for("alerts.confirm", token=token))

    def unsubscribe(self, token: str) -> str:
        return self._full(url_for("alerts.unsubscribe", token=token))


def tokens() -> Tokens:
    found = current_app.extensions.get(_TOKENS)
    if found is None:
        found = current_app.extensions[_TOKENS] = Tokens(secret_key(Path(current_app.config["ALERTS_DATABASE"])))
    return found


def database() -> AlertsDatabase:
    return AlertsDatabase(Path(current_app.config["ALERTS_DATABASE"]))


@bp.before_request
def only_when_configured():
    if not alerts_on():
        abort(404)


# -- forms -----------------------------------------------------------------------------
def form_token(purpose: str) -> str:
    return tokens().make("form", purpose)


def form_is_ours(purpose: str) -> bool:
    """The form came from our own page, sent lately: its signed token, and no other site's Origin."""
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        return False
    origin = request.headers.get("Origin")
    if origin and origin != "null" and origin.rstrip("/") != request.host_url.rstrip("/"):
        return False
    try:
        return tokens().read("form", request.form.get("csrf_token", "")) == purpose
    except (TokenExpired, TokenInvalid):
        return False


def form_refused():
    return page(
        "This form has expired",
        400,
        "The form was open too long, or was not sent from this site. Go back, reload the page and try again.",
    )


def page(title: str, status: int = 200, *paragraphs: str, headers: dict | None = None, **context):
    """Every alerts page but the form: a heading or a panel, a few sentences, perhaps a button."""
    return render_template("alerts/page.html", title=title, paragraphs=paragraphs, **context), status, headers or {}


# -- asking for emails -----------------------------------------------------------------
@bp.route("/new", methods=["GET", "POST"])
def new():
    """The form for an address, for the search in the query string."""
    search = alert_search(params.with_canonical_orgs(params.parse_search(request.args)))
    if request.method == "GET" and not params.is_canonical(request.args, search):
        return redirect(new_alert_url(search), code=302)
    if request.method == "GET":
        return show_form(search)
    if not form_is_ours("new"):
        return form_refused()
    typed = request.form.get("email", "")
    try:
        address = checked_address(typed)
    except InvalidAddress as error:
        return show_form(search, typed, error.message, status=400)
    settings = current_app.config["ALERTS_MAIL"]
    links = EmailLinks(settings.public_url, current_app.config["SERVICE_NAME"])
    try:
        with database() as db, Mailer(settings) as mailer:
            subscribe(db, mailer, tokens(), links, address, search, utc_now())
    except TooManyRequests:
        return page(
            "Too many requests",
            429,
            "Many people have asked for emails in the last hour. Try again in an hour.",
            headers={"Retry-After": "3600"},
        )
    except MailError as error:
        logger.error("Could not send a confirmation email: %s", error)
        return page("Sorry, we could not send the email", 503, "There is a problem sending email. Try again later.")
    return redirect(url_for("alerts.check_email"), code=303)


def show_form(search, typed: str = "", error: str | None = None, status: int = 200):
    return render_template(
        "alerts/new.html",
        search=search,
        described=describe(search),
        typed=typed,
        error=error,
        page_error=bool(error),
        csrf_token=form_token("new"),
        back_url=params.search_url(search),
        action=new_alert_url(search),
        confirm_days=CONFIRM_DAYS,
    ), status


@bp.get("/check-email")
def check_email():
    """The same page whatever happened, so it never says who is subscribed to what."""
    return page(
        "Check your email",
        200,
        "We have sent an email to the address you gave. Follow the link in it to confirm you want "
        "emails about this search.",
        f"The link works for {CONFIRM_DAYS} days. If the email has not arrived in a few minutes, "
        "check your spam or junk folder.",
    )


# -- links in emails -------------------------------------------------------------------
def subscription_for(purpose: str, token: str):
    """The subscription a link names, or the page saying what is wrong with the link."""
    try:
        key = tokens().read(purpose, token)
    except TokenInvalid:
        return None, page("This link does not work", 400, "Check you copied the whole link from the email.")
    except TokenExpired as expired:
        with database() as db:
            found = db.by_key(expired.value)
        if purpose == "confirm":
            again = new_alert_url(search_from_stored(found.search)) if found is not None else None
            return None, page(
                "This link has expired", 400, f"Confirmation links work for {CONFIRM_DAYS} days.", again_url=again
            )
        return None, page("This link has expired", 400, "Use the unsubscribe link in a more recent email from us.")
    with database() as db:
        found = db.by_key(key)
    if found is None:
        gone = (
            "You are not subscribed to this search. You may have unsubscribed already."
            if purpose == "unsubscribe"
            else "This subscription no longer exists. Ask for emails about the search again."
        )
        return None, page("You are not subscribed", 200 if purpose == "unsubscribe" else 404, gone)
    return found, None


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str):
    """A button rather than confirming on GET: mail scanners that follow every link in an email
    must not confirm on the reader's behalf."""
    subscription, problem = subscription_for("confirm", token)
    if problem:
        return problem
    search = search_from_stored(subscription.search)
    described = describe(search)
    if request.method == "POST" and not subscription.confirmed:
        if not form_is_ours("confirm"):
            return form_refused()
        with database() as db:
            subscription = confirm_subscription(db, search_service(), subscription.key, utc_now())
    if subscription.confirmed:
        return page(
            "You are subscribed",
            200,
            f"We will email you when new posts match “{described}”, at most once a day.",
            "Each email has a link to unsubscribe.",
            panel=True,
            search_url=params.search_url(search),
            search_described=described,
        )
    return page(
        "Confirm you want emails",
        200,
        "You will get an email when new posts match this search, at most once a day.",
        search_url=params.search_url(search),
        search_described=described,
        form={
            "action": url_for("alerts.confirm", token=token),
            "button": "Confirm",
            "csrf_token": form_token("confirm"),
        },
    )


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token: str):
    """A page with a button; a mail program's one-click POST (RFC 8058) unsubscribes at once."""
    subscription, problem = subscription_for("unsubscribe", token)
    if problem:
        return problem
    search = search_from_stored(subscription.search)
    described = describe(search)
    if request.method == "POST":
        one_click = request.form.get("List-Unsubscribe") == "One-Click"
        if not one_click and not form_is_ours("unsubscribe"):
            return form_refused()
        with database() as db:
            db.remove(subscription.key)
        return page("You have unsubscribed", 200, f"You will get no more emails about “{described}”.", panel=True)
    return page(
        "Unsubscribe from these emails?",
        200,
        "You will get no more emails when new posts match this search.",
        search_url=params.search_url(search),
        search_described=described,
        form={
            "action": url_for("alerts.unsubscribe", token=token),
            "button": "Unsubscribe",
            "csrf_token": form_token("unsubscribe"),
        },
    )
