"""Characters no text in Crux may hold: NUL, which a PostgreSQL text column cannot store,
and lone surrogates, which are not characters at all and cannot be encoded. Pure, so the
formats use it as the services, the API and the request middleware do."""

import re

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
