"""AST -> plan: the Videos API requests, their prompts, and the render order."""
