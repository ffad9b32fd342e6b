"""The archive (档案): case files that outlive the case — JL-ARC-1…4, JL-USE-1…3.

Units (案卷) are assembled from a finished case or inspection, rendered as one paginated
volume, checked (四性检测, DA/T 70), filed with a head's approval under a gapless 档号,
kept for their retention period, exported as self-verifying BagIt packages and disposed
of only through an approved appraisal.
"""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchiveConfig(AppConfig):
    name = "sanxiang.archive"
    label = "archive"
    verbose_name = _("执法档案")

    def ready(self) -> None:
        """JL-ARC-1: a case handed over (待归档), an inspection closed without a case or an
        issued safety-supervision letter becomes a draft unit in the same transaction (the
        signals are sent inside it). JL-ARC-3: a mine's units are in its file (ADR 0126)."""
        from sanxiang.cases.signals import case_handed_to_archive
        from sanxiang.documents.borrowing import register_borrowable
        from sanxiang.inspections.signals import inspection_closing, letter_issued
        from sanxiang.registry.timeline import register_timeline_source

        from . import handlers, timeline, tombstone_feed
        from .reading import UNIT, unit_borrowable

        register_borrowable(UNIT, unit_borrowable)  # JL-USE-2: archive units are borrowed too
        register_timeline_source(tombstone_feed.feeds)  # 一矿一档 shows what was destroyed

        case_handed_to_archive.connect(handlers.on_case_handed, dispatch_uid="archive.case")
        inspection_closing.connect(
            handlers.on_inspection_closing, dispatch_uid="archive.inspection"
        )
        letter_issued.connect(handlers.on_letter_issued, dispatch_uid="archive.letter")
        register_timeline_source(timeline.feeds)
