"""lean_social."""
