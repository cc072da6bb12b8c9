"""The client portal's pages. Every view is `client_required` and reads only scoped querysets."""
