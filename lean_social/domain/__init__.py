"""The domain: services, clients, programmes, workers and the rules stated once on them (open day, on
duty, hours after lunch, skills a visit needs, reason texts), norms, demand (programmes x dates -> visits)
and capacity. Imports no solver and no files."""
