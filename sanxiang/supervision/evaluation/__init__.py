"""案卷评查 (case-file evaluation, JL-USE-1; ADR 0160): campaigns drawn verifiably, files read on
the ground ``evaluation:<campaign>``, scored against a versioned rubric with pre-filled findings,
results per file and unit, rectification requests, the campaign report."""
