"""Signals other apps listen to. Sent on commit, never inside the deciding transaction.

``inspection_closed(inspection_id)``: an on-site inspection was closed (办结) with the result
summary that may be published; the publicity app drafts the inspection result, due 20 working
days after closure (GS-POST-1).

``onsite_measure_taken(measure_id)``: an on-site measure was taken and its document issued; the
publicity app drafts the coercive ones (撤出作业人员, 暂停使用), due 20 working days after.
"""

from django.dispatch import Signal

inspection_closed = Signal()
onsite_measure_taken = Signal()
