"""Signals other apps listen to. Sent on commit, never inside the deciding transaction.

``inspection_closed(inspection_id)``: an on-site inspection was closed (办结) with the result
summary that may be published; the publicity app drafts the inspection result, due 20 working
days after closure (GS-POST-1).

``onsite_measure_taken(measure_id)``: an on-site measure was taken and its document issued; the
publicity app drafts the coercive ones (撤出作业人员, 暂停使用), due 20 working days after.

Sent inside the step's transaction (the receiver's writes commit or roll back with it):

``inspection_closing(inspection, actor)``: the inspection is being closed; the archive app
assembles the draft inspection unit when no case was filed from it (JL-ARC-1).

``letter_issued(letter, document, actor)``: a safety-supervision letter was approved and its
document issued; the archive app assembles the letter's own unit (JL-ARC-1) in the same
transaction, so a letter is never issued without its draft unit.
"""

from django.dispatch import Signal

inspection_closed = Signal()
inspection_closing = Signal()
letter_issued = Signal()
onsite_measure_taken = Signal()
