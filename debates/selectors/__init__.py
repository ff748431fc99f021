"""Every read that pages and the API share. Selectors never write, return data (never
HTML), and run a fixed number of queries whatever the size of what they read."""

from .activity import claims_by_author, debates_visible_to, public_debates, recent_activity
from .copies import copy_origin
from .maps import (
    OFF_MAP,
    DebateMap,
    MapNode,
    claim_detail,
    debate_map,
    last_saved_by,
    merge_targets,
    siblings,
    subtree_ids,
    valid_parents,
    visible_children,
)
from .mentions import mention_candidates
from .mine import MyClaim, MyDebate, my_debates
from .sources import (
    annotation_debates,
    citable_claims,
    orphaned_passages,
    source_annotations,
    source_reader,
)

__all__ = [
    "OFF_MAP",
    "DebateMap",
    "MapNode",
    "MyClaim",
    "MyDebate",
    "annotation_debates",
    "citable_claims",
    "claim_detail",
    "claims_by_author",
    "copy_origin",
    "debate_map",
    "debates_visible_to",
    "last_saved_by",
    "mention_candidates",
    "merge_targets",
    "my_debates",
    "orphaned_passages",
    "public_debates",
    "recent_activity",
    "siblings",
    "source_annotations",
    "source_reader",
    "subtree_ids",
    "valid_parents",
    "visible_children",
]
