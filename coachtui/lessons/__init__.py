"""Services for lesson joins and the feedback that follows them."""
