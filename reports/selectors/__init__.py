"""Reads behind the dashboard and the HR reports; each module returns plain rows for pages and exports."""
