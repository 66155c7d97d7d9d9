"""What people and other tools look at: lean figures (kpi), offline maps, pseudonymised exports. Outputs
never plan."""
