"""Signal receivers: a decision elsewhere becomes a publication draft here (GS-POST-1).

Each receiver only enqueues a task; a failure is logged and never reaches the deciding side
(its transaction has committed already), and the daily tick creates any draft that was missed.
"""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


def on_decision_issued(sender, case_id: int, document_id: int | None = None, **kwargs) -> None:
    from .tasks import draft_for_case

    try:
        draft_for_case.enqueue(case_id=case_id)
    except Exception:
        logger.exception("publication draft for case %s not enqueued", case_id)


def on_inspection_closed(sender, inspection_id: int, **kwargs) -> None:
    from .tasks import draft_for_inspection

    try:
        draft_for_inspection.enqueue(inspection_id=inspection_id)
    except Exception:
        logger.exception("publication draft for inspection %s not enqueued", inspection_id)


def on_measure_taken(
    sender, measure_id: int | None = None, case_act_id: int | None = None, **kwargs
) -> None:
    from .tasks import draft_for_measure

    try:
        draft_for_measure.enqueue(measure_id=measure_id, case_act_id=case_act_id)
    except Exception:
        logger.exception(
            "publication draft for measure %s/%s not enqueued", measure_id, case_act_id
        )
