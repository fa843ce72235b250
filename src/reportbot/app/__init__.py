"""What faces users: the command line (cli), the web chat (web), exports a spreadsheet may
open (export) and the evaluation of question sets (evaluate)."""
