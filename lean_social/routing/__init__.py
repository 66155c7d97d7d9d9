"""The routing core: a neutral, array-based instance (no clients, no files), route timing, the
construction that gives a complete plan before any search, the engine that searches within a kept budget
or a count of work, the OR-Tools and PyVRP adapters (the only importers of those) and the Solomon reader."""
