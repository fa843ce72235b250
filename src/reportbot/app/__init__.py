"""What faces users: the command line (cli), the web chat (web) and the evaluation of
question sets (evaluate)."""
