"""Other views of a map: the SVG graph and the balance view."""

urlpatterns: list = []
