"""The three emails alerts send, as plain text with an HTML twin: the confirmation link, the
notice that an address has reached its limit, and the alert itself.

Links come from a `Links` object the caller gives (the web app builds them with its own routes,
under LGSEARCH_PUBLIC_URL), so this module knows no web paths.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from html import escape
from typing import Protocol, Sequence

from indexer.query import SearchRequest
from indexer.alerts.searches import describe, newest_first
from indexer.alerts.tokens import CONFIRM_DAYS

MOST_POSTS_LISTED = 25  # an email lists this many new posts, newest first, and links to the rest
SUBJECT_SEARCH_LENGTH = 80


class Links(Protocol):
    """Full addresses for emails."""

    service_name: str

    def search(self, search: SearchRequest) -> str: ...

    def document(self, doc_id: str) -> str: ...

    def confirm(self, token: str) -> str: ...

    def unsubscribe(self, token: str) -> str: ...


@dataclass(frozen=True)
class Listed:
    """A subscription named in an email, with its unsubscribe link."""

    search: SearchRequest
    unsubscribe_url: str


def _display_date(value: str | None) -> str | None:
    """A publication date as GOV.UK writes it: 1 December 2026."""
    if not value:
        return None
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        return value
    return f"{day.day} {day:%B %Y}"


def _short(text: str, length: int = SUBJECT_SEARCH_LENGTH) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _message(
    mail_from: str, address: str, subject: str, text: str, html_body: str, now: datetime.datetime
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = mail_from
    message["To"] = address
    message["Subject"] = subject
    message["Date"] = format_datetime(now.astimezone(datetime.timezone.utc))
    message["Message-ID"] = make_msgid(domain=mail_from.rpartition("@")[2].strip(" >") or None)
    message["Auto-Submitted"] = "auto-generated"  # no out-of-office replies, please (RFC 3834)
    message.set_content(text)
    message.add_alternative(_page(subject, html_body), subtype="html")
    return message


def _page(title: str, body: str) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title></head>'
        f'<body style="font-family: Arial, sans-serif; font-size: 16px; line-height: 1.4; color: #0b0c0c">'
        f"{body}</body></html>\n"
    )


def _link(url: str, text: str) -> str:
    return f'<a href="{escape(url)}" style="color: #1d70b8">{escape(text)}</a>'


def confirmation_email(
    mail_from: str, address: str, search: SearchRequest, confirm_url: str, links: Links, now: datetime.datetime
) -> EmailMessage:
    described = describe(search)
    subject = f"Confirm you want emails about {_short(described)}"
    search_url = links.search(search)
    text = (
        f"Someone, we hope you, asked {links.service_name} to email this address when new posts match "
        f"this search:\n\n  {described}\n  {search_url}\n\n"
        f"To start getting these emails, confirm here (the link works for {CONFIRM_DAYS} days):\n\n"
        f"{confirm_url}\n\n"
        "If you did not ask for this, ignore this email: nothing more will be sent.\n\n"
        "We keep only your email address and this search.\n"
    )
    html_body = (
        f"<p>Someone, we hope you, asked {escape(links.service_name)} to email this address when new posts "
        f"match this search:</p><p>{_link(search_url, described)}</p>"
        f"<p>To start getting these emails, confirm here (the link works for {CONFIRM_DAYS} days):</p>"
        f"<p>{_link(confirm_url, 'Confirm you want these emails')}</p>"
        "<p>If you did not ask for this, ignore this email: nothing more will be sent.</p>"
        "<p>We keep only your email address and this search.</p>"
    )
    return _message(mail_from, address, subject, text, html_body, now)


def limit_email(
    mail_from: str, address: str, limit: int, subscriptions: Sequence[Listed], links: Links, now: datetime.datetime
) -> EmailMessage:
    """Sent instead of a confirmation when the address already has as many searches as it may."""
    subject = f"You already get emails about {limit} searches"
    lines = "\n".join(f"  {describe(s.search)}\n  Unsubscribe: {s.unsubscribe_url}\n" for s in subscriptions)
    text = (
        f"Someone, we hope you, asked {links.service_name} for emails about another search. "
        f"This address already gets emails about {limit} searches, the most it can.\n\n"
        f"To add another, first unsubscribe from one of these:\n\n{lines}\n"
        "If you did not ask for this, ignore this email.\n"
    )
    items = "".join(
        f"<li>{escape(describe(s.search))}: {_link(s.unsubscribe_url, 'unsubscribe')}</li>" for s in subscriptions
    )
    html_body = (
        f"<p>Someone, we hope you, asked {escape(links.service_name)} for emails about another search. "
        f"This address already gets emails about {limit} searches, the most it can.</p>"
        f"<p>To add another, first unsubscribe from one of these:</p><ul>{items}</ul>"
        "<p>If you did not ask for this, ignore this email.</p>"
    )
    return _message(mail_from, address, subject, text, html_body, now)


def alert_email(
    mail_from: str,
    address: str,
    search: SearchRequest,
    posts: Sequence[dict],
    unsubscribe_url: str,
    links: Links,
    now: datetime.datetime,
) -> EmailMessage:
    """The new posts that match a search, newest first, with one-click unsubscribe (RFC 8058)."""
    described = describe(search)
    count = len(posts)
    subject = f"{count} new {'post' if count == 1 else 'posts'}: {_short(described)}"
    shown = posts[:MOST_POSTS_LISTED]
    search_url = links.search(newest_first(search))
    text_items, html_items = [], []
    for post in shown:
        about = " · ".join(
            part for part in (_display_date(post.get("date")), post.get("source") or post.get("author")) if part
        )
        title = post.get("title") or post["id"]
        url = links.document(post["id"])
        text_items.append(f"{title}\n{about + chr(10) if about else ''}{url}\n")
        html_items.append(
            f'<li style="margin-bottom: 12px">{_link(url, title)}'
            + (f'<br><span style="color: #505a5f">{escape(about)}</span>' if about else "")
            + "</li>"
        )
    more = count - len(shown)
    more_text = f"And {more} more: " if more else "See them all, newest first: "
    text = (
        f"{count} new {'post matches' if count == 1 else 'posts match'} your search on {links.service_name}:\n"
        f"{described}\n\n" + "\n".join(text_items) + f"\n{more_text}{search_url}\n\n"
        f"You get at most one email a day about this search.\nUnsubscribe: {unsubscribe_url}\n"
    )
    html_body = (
        f"<p>{count} new {'post matches' if count == 1 else 'posts match'} your search on "
        f"{escape(links.service_name)}: <strong>{escape(described)}</strong></p><ul>{''.join(html_items)}</ul>"
        f"<p>{escape(more_text.rstrip(': '))}: {_link(search_url, described)}</p>"
        f'<p style="color: #505a5f">You get at most one email a day about this search. '
        f"{_link(unsubscribe_url, 'Unsubscribe')}</p>"
    )
    message = _message(mail_from, address, subject, text, html_body, now)
    message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return message
