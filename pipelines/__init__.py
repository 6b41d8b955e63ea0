"""Population health analytics pipeline for the Nottingham and Nottinghamshire ICS."""
