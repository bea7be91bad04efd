"""Support every stage shares: the build cache, atomic output, timings, the build's fixed
time (SOURCE_DATE_EPOCH), the paths a manuscript may use, what WeasyPrint may fetch,
image facts, units and slugs. Imports nothing from the stages."""
