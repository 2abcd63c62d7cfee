"""`make nlu-eval`: typed answers and questions about the work, on the sealed set."""
