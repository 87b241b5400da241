"""Characters that never mean anything in a post or a search, shared by reading, the query service
and the web (which strips them from parameters and from XML)."""

from __future__ import annotations

import re

# The C0 control characters except tab, line feed and carriage return, and DEL: never text, and a
# null byte must not reach the index. Form feed and vertical tab are here; readers that take them
# as line breaks replace them first.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
