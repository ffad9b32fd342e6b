"""The verifiable draw now lives in ``sanxiang/core/draw.py`` (ADR 0030, 0160): the inspections'
double-random draw and the case-file evaluation's sample (P12) share its streams and shuffle.
This name stays for the callers and the published instructions."""

from sanxiang.core.draw import (  # noqa: F401
    ALGORITHM,
    DrawInput,
    DrawResult,
    Stream,
    commitment,
    draw_from_published,
    main,
    run_draw,
    shuffled,
)
