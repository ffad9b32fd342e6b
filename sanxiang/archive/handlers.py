"""Signal receivers: the hand-over of a case, the closing of an inspection and the issue of a
safety-supervision letter assemble a draft unit. They run inside the sender's transaction on purpose: a unit that cannot be assembled
fails the hand-over, rather than leaving a case in 待归档 that the archive never picked up."""

from __future__ import annotations


def on_case_handed(sender, case, actor, **kwargs) -> None:
    from .assembly import unit_assemble_for_case

    unit_assemble_for_case(actor=actor, case=case)


def on_inspection_closing(sender, inspection, actor, **kwargs) -> None:
    from .assembly import unit_assemble_for_inspection

    unit_assemble_for_inspection(actor=actor, inspection=inspection)


def on_letter_issued(sender, letter, document, actor, **kwargs) -> None:
    from .assembly import unit_assemble_for_letter

    unit_assemble_for_letter(actor=actor, document=document)
