"""Signals other apps listen to. Sent on commit, never inside the deciding transaction.

``decision_issued(case_id, document_id)``: a penalty decision was issued; the case's
``publication_due`` (7 working days, GS-POST-1) and ``decision_document`` are set. The publicity
app (issue P6) connects here to queue the result publication.

``coercive_measure_taken(case_act_id)``: an emergency measure of a case (查封、扣押, 停止供电…)
was executed and its document issued; the publicity app drafts the coercive measure, due 20
working days after it was taken (GS-POST-1).

Sent inside the step's transaction (the receiver's writes commit or roll back with it):

``case_handed_to_archive(case, actor)``: the case was handed to the archive (待归档); the archive
app assembles the draft unit (一案一卷, JL-ARC-1) in the same transaction.
"""

from django.dispatch import Signal

decision_issued = Signal()
coercive_measure_taken = Signal()
case_handed_to_archive = Signal()
