"""Reading Chinese and English words: the matching form and terms (terms), tokenising with
jieba (tokens), synonym and alias lexicons (lexicons), dates and years (dates), English
questions (english). Imports nothing else of reportbot's but the shared tuning."""
