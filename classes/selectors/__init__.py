"""Every read the class pages share, with a fixed number of queries; never writes."""

from .classrooms import (
    ClassPage,
    MyClass,
    Roster,
    SharedMap,
    class_by_code,
    class_page,
    my_classes,
    roster,
    shareable_maps,
)

__all__ = [
    "ClassPage",
    "MyClass",
    "Roster",
    "SharedMap",
    "class_by_code",
    "class_page",
    "my_classes",
    "roster",
    "shareable_maps",
]
