"""The application: one planning run (read, plan, check, write), and the lean-social command line, the
only place that configures logging."""
