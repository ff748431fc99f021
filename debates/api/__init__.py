"""The machine-facing side: the W3C Web Annotation Protocol (and the REST API to come),
over the same services and selectors as the pages."""
