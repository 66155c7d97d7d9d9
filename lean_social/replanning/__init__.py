"""Re-planning a published week: the published plan, changes in staff and clients, and re-planning the
rest of the week around what was already done."""
