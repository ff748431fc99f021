"""The class pages, by area: the classes themselves, joining, the roster, shared maps."""
