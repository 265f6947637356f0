"""Reports from online services: intake schemas (JSON and NCMEC-style XML) and the offline
IP-range table used for routing. Decisions live in eucentre.rules."""
