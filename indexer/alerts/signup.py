"""Asking for alerts: an address and a search in, a confirmation email out, within the limits.

Whatever happens (a new subscription, one already there, an address at its limit), the person
asking is told the same thing, "check your email", so no page says who is subscribed to what.
Only the limit on all confirmation emails in an hour, which says nothing about any address, is
shown as such.
"""

from __future__ import annotations

import datetime
import logging
import re
from dataclasses import dataclass

from indexer.query import IndexUnavailable, SearchRequest, SearchService
from indexer.alerts.database import AlertsDatabase, Subscription
from indexer.alerts.mailer import Mailer
from indexer.alerts.messages import Links, Listed, confirmation_email, limit_email
from indexer.alerts.searches import search_from_stored, stored_search
from indexer.alerts.tokens import CONFIRM_DAYS, Tokens

logger = logging.getLogger(__name__)

MOST_SEARCHES_AN_ADDRESS = 20  # subscriptions an address may have, confirmed or waiting
CONFIRMATIONS_AN_ADDRESS_AN_HOUR = 3  # emails asking one address to confirm
CONFIRMATIONS_AN_HOUR = 200  # emails asking anyone to confirm, in all
LONGEST_ADDRESS = 254  # RFC 5321's limit on a path

# Letters, digits and the punctuation addresses commonly use; no quotes, spaces or brackets.
_LOCAL_PART = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+$")
_DOMAIN = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")


class InvalidAddress(ValueError):
    """What was typed is not an email address we can send to; the message says what to do."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class TooManyRequests(Exception):
    """Confirmation emails have reached their limit for the hour, for everyone."""


@dataclass(frozen=True)
class Outcome:
    """What happened, for the log and the tests; the person asking always sees "check your email"."""

    action: str  # "confirm" (a confirmation email), "limit" (the limit email), "held" (nothing sent)
    subscription: Subscription | None = None


def checked_address(text: str) -> str:
    """The address as it is kept (its domain in lower case, as IDNA), or InvalidAddress."""
    address = (text or "").strip()
    if not address:
        raise InvalidAddress("Enter your email address")
    wrong = InvalidAddress("Enter an email address in the correct format, like name@example.com")
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain or len(address) > LONGEST_ADDRESS:
        raise wrong
    if not _LOCAL_PART.match(local) or local.startswith(".") or local.endswith(".") or ".." in local:
        raise wrong
    try:
        domain = domain.lower().encode("idna").decode("ascii")
    except UnicodeError:
        raise wrong from None
    if not _DOMAIN.match(domain):
        raise wrong
    return f"{local}@{domain}"


def subscribe(
    database: AlertsDatabase,
    mailer: Mailer,
    tokens: Tokens,
    links: Links,
    address: str,
    search: SearchRequest,
    now: datetime.datetime,
) -> Outcome:
    """Record the subscription (unconfirmed) and email a confirmation link, within the limits.
    Raises TooManyRequests, or MailError when the email could not be sent."""
    hour_ago = now - datetime.timedelta(hours=1)
    database.forget_old(confirmations_before=hour_ago, unconfirmed_before=now - datetime.timedelta(days=CONFIRM_DAYS))
    query_string = stored_search(search)
    with database.transaction():
        if database.confirmation_emails_since(hour_ago) >= CONFIRMATIONS_AN_HOUR:
            raise TooManyRequests()
        if database.confirmation_emails_since(hour_ago, address) >= CONFIRMATIONS_AN_ADDRESS_AN_HOUR:
            logger.info(
                "Confirmation email held back: its address has had %d this hour", CONFIRMATIONS_AN_ADDRESS_AN_HOUR
            )
            return Outcome("held")
        subscription = database.find(address, query_string)
        if subscription is None and database.count_for(address) >= MOST_SEARCHES_AN_ADDRESS:
            existing = database.for_address(address)
            outcome = Outcome("limit")
        else:
            if subscription is None:
                subscription = database.add(address, query_string, now)
            outcome = Outcome("confirm", subscription)
        # Counted before sending, so a failing server is not asked again and again.
        database.note_confirmation_email(address, now)
    mail_from = mailer.settings.mail_from
    if outcome.action == "limit":
        listed = [
            Listed(search_from_stored(s.search), links.unsubscribe(tokens.make("unsubscribe", s.key))) for s in existing
        ]
        message = limit_email(mail_from, address, MOST_SEARCHES_AN_ADDRESS, listed, links, now)
    else:
        confirm_url = links.confirm(tokens.make("confirm", outcome.subscription.key))
        message = confirmation_email(mail_from, address, search_from_stored(query_string), confirm_url, links, now)
    mailer.send(message)
    return outcome


def confirm(database: AlertsDatabase, service: SearchService, key: str, now: datetime.datetime) -> Subscription | None:
    """Confirm a subscription: its emails are about posts indexed from now on. Before the first
    alert run of all, the posts in the index now are noted as already there, so that run does
    not mistake what a reindex in between brings for posts that were always there."""
    try:
        if not database.has_runs():
            post_ids, index_version = service.document_ids()
            database.start_run(post_ids, index_version, now)
        index_version = service.index_version()
    except IndexUnavailable:
        index_version = None
    return database.confirm(key, now, index_version)
