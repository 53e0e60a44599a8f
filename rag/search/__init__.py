"""Search: what a question asks (:mod:`rag.search.query`) and how names are matched (:mod:`rag.search.names`)."""
