"""The REST API, version 1, under /api/v1/ (see README "REST API" and /api/docs/).

Thin like the pages: serializers check the shape of a request, `policy` answers every
permission question, `services` do every write and `selectors` every shared read. Errors
have one shape (`errors.handle`), lists are cursor-paginated and run a fixed number of
queries, and throttles come from settings (`throttles`).
"""
