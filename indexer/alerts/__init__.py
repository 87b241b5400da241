"""Email alerts: subscriptions to a search, confirmed by email, and the run that emails each one
the posts new since its last email. Shared by the web (subscribing, confirming, unsubscribing)
and the command line (`lgsearch alerts send|list|remove`); it searches through the query service
and knows no web paths and no Whoosh."""

from indexer.alerts.database import AlertsDatabase, Subscription, utc_now
from indexer.alerts.mailer import Mailer, MailError, ServerUnavailable
from indexer.alerts.messages import Links
from indexer.alerts.searches import alert_search, describe, newest_first, search_from_stored, stored_search
from indexer.alerts.sending import AlertRunBusy, RunLock, SendReport, send_alerts
from indexer.alerts.settings import MailSettings, SettingsError, database_path
from indexer.alerts.signup import InvalidAddress, TooManyRequests, checked_address, confirm, subscribe
from indexer.alerts.tokens import CONFIRM_DAYS, TokenExpired, TokenInvalid, Tokens, secret_key

__all__ = [
    "AlertRunBusy",
    "AlertsDatabase",
    "CONFIRM_DAYS",
    "InvalidAddress",
    "Links",
    "MailError",
    "MailSettings",
    "Mailer",
    "RunLock",
    "SendReport",
    "ServerUnavailable",
    "SettingsError",
    "Subscription",
    "TokenExpired",
    "TokenInvalid",
    "Tokens",
    "TooManyRequests",
    "alert_search",
    "checked_address",
    "confirm",
    "database_path",
    "describe",
    "newest_first",
    "search_from_stored",
    "secret_key",
    "send_alerts",
    "stored_search",
    "subscribe",
    "utc_now",
]
