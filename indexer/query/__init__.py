"""The query service: a SearchRequest in, a SearchResult out, shared by the CLI and the web.

This package is exactly what the web layer may use (tests/test_architecture.py holds it to that):
requests and their validation, the service, the results it answers with, and the explore pages'
figures. It knows nothing of Flask or of web paths.
"""

from indexer.organisations import KINDS
from indexer.query.explore import Explorer
from indexer.query.org_names import OTHER_KIND, aliases_of, display_name
from indexer.query.request import (
    DEFAULT_FACET_SIZE,
    FILTER_FIELDS,
    FILTER_LABELS,
    FILTER_PLURALS,
    MAX_FACET_SIZE,
    MAX_QUERY_LENGTH,
    SORTS,
    InvalidParameter,
    SearchRequest,
    canonical_value,
    facet_size_from,
    filter_key,
    request_from_params,
)
from indexer.query.results import (
    Correction,
    DocumentPage,
    FacetValue,
    Hit,
    IndexStatus,
    IndexUnavailable,
    Organisation,
    OrganisationProfile,
    PeriodCount,
    SearchResult,
    Timeline,
)
from indexer.query.service import SearchService
from indexer.text import CONTROL_CHARS

__all__ = [
    "CONTROL_CHARS",
    "DEFAULT_FACET_SIZE",
    "FILTER_LABELS",
    "FILTER_PLURALS",
    "MAX_FACET_SIZE",
    "FILTER_FIELDS",
    "KINDS",
    "MAX_QUERY_LENGTH",
    "OTHER_KIND",
    "SORTS",
    "Correction",
    "DocumentPage",
    "Explorer",
    "FacetValue",
    "Hit",
    "IndexStatus",
    "IndexUnavailable",
    "InvalidParameter",
    "Organisation",
    "OrganisationProfile",
    "PeriodCount",
    "SearchRequest",
    "SearchResult",
    "SearchService",
    "Timeline",
    "aliases_of",
    "canonical_value",
    "display_name",
    "facet_size_from",
    "filter_key",
    "request_from_params",
]
