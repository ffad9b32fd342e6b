"""Catalog models: one generic version row per published edition, and the items of each kind."""

from .compendium import DiscretionBenchmark, FindingKind, PartyScope, Severity, ViolationEntry
from .decisions import MajorDecisionItem
from .documents import DocumentType, StageRule
from .legal import LegalArticle, LegalBasis, LegalCategory
from .lists import (
    InspectionWeight,
    PowerCategory,
    PowerItem,
    ProcedureGuide,
    ProcedureKind,
    RandomInspectionItem,
    RemedyItem,
    RemedyKind,
)
from .retention import RetentionPeriod, RetentionRule, UnitKind
from .versions import PUBLIC_KINDS, CatalogKind, CatalogVersion

__all__ = [
    "PUBLIC_KINDS",
    "CatalogKind",
    "CatalogVersion",
    "DiscretionBenchmark",
    "DocumentType",
    "FindingKind",
    "InspectionWeight",
    "LegalArticle",
    "LegalBasis",
    "LegalCategory",
    "MajorDecisionItem",
    "PartyScope",
    "PowerCategory",
    "PowerItem",
    "ProcedureGuide",
    "ProcedureKind",
    "RandomInspectionItem",
    "RemedyItem",
    "RemedyKind",
    "RetentionPeriod",
    "RetentionRule",
    "Severity",
    "StageRule",
    "UnitKind",
    "ViolationEntry",
]
