"""dlkg's knowledge graph: the store, named queries and the answers built on them.

    >>> from graph import KnowledgeGraph
    >>> kg = KnowledgeGraph.open(memory=True)
    >>> [r.concept.label for r in kg.related(kg.resolve("梯度消失"), "mitigates", "in")][:3]
"""

from .kg import Concept, ConceptCard, Edge, KnowledgeGraph, Related, UnknownConcept
from .store import Backend, EndpointStore, OxigraphStore, StoreError, default_store_dir

__all__ = [
    "Backend", "Concept", "ConceptCard", "Edge", "EndpointStore", "KnowledgeGraph", "OxigraphStore",
    "Related", "StoreError", "UnknownConcept", "default_store_dir",
]
