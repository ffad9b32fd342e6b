"""Signals other apps listen to. Sent on commit, never inside the deciding transaction.

``decision_issued(case_id, document_id)``: a penalty decision was issued; the case's
``publication_due`` (7 working days, GS-POST-1) and ``decision_document`` are set. The publicity
app (issue P6) connects here to queue the result publication.
"""

from django.dispatch import Signal

decision_issued = Signal()
