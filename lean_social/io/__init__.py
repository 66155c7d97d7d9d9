"""Files in and out: the data folder (CSV, every error at once), the previous plan, client lists written
back, atomic writers and the output folder swapped in whole under a lock."""
