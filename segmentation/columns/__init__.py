"""What each column of a table means: roles, value shapes, numbers, dates, states, contacts and
the reading notes, ending in the canonical transactions (:mod:`.loading`)."""
