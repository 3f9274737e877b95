"""The fault matrix: the adapter under every failure Trakt, Cloudflare and the host produce."""
