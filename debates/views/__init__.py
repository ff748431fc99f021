"""The pages and htmx fragments, one module per page area. A view parses input, calls one
service or selector, and renders."""
