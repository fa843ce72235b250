"""Constants that tune how questions are answered, in one place.

Each was chosen on the two dev sets (../shared/eval/dev.jsonl, dev_paraphrase.jsonl) and a
few hundred questions of our own, by sweeping it and keeping the value where answer accuracy
on answerable questions stopped rising before refusals of unanswerable ones started failing.
"""

# --- retrieval ----------------------------------------------------------------------------
RRF_K = 60  # reciprocal-rank fusion constant (the usual 60; 20–100 changed nothing here)
MAX_ROWS_PER_TABLE = 4  # rows of one table in a result list; its whole-table chunk covers the rest
CANDIDATE_CHUNKS = 15  # chunks the answerer reads: hit@10 was 1.0 on dev, 15 leaves a margin

# --- extractive answers ---------------------------------------------------------------------
MIN_COVERAGE = 0.55  # share of the question's weighted terms a unit must cover
BLOCK_SHARE = 0.5  # a missing key term this heavy (vs. the heaviest) means "not in the report"
TIE_MARGIN = 0.05  # units this close to the best one are listed too
MAX_UNITS = 8
MAX_TABLE_ROWS = 40  # a list question over one table may take all its rows
PRIOR_WEIGHT = 0.6  # weight of an earlier turn's terms in a follow-up question
SOFT_MISSING_COST = 0.5  # a missing non-key word costs this share of its weight
# merit of a unit = coverage + what its own text covers + semantic similarity (the dense
# cosine of its chunk): coverage decides, the other two order near-ties
MERIT_COVERAGE, MERIT_BODY, MERIT_SEMANTIC = 0.7, 0.15, 0.15
# the best unit must be at least this close to the question (cosine of their m3e-small
# vectors); benchmarks/calibrate.py prints the trade-off this was read from
MIN_SEMANTIC = 0.5

NAME_SUFFIX_NAMES = 2  # an ending shared by this many listed companies' names (the text cells of
# rows with a securities code) marks a company name: a word the report lacks before it is a
# company the report lacks. The bundled report gives 科技 ×2 and 网络 ×3; the shared real PDFs
# none. Learned from all short table cells instead, the real reports gave 收益, 资产, 费用 …
# (metric words), which would have blocked their own questions; at 1, every company's ending
# (超媒, 互娱, 影视) would be one

# a line ending in a colon this short announces a list whose items it gives context to (its words
# count as the items' own, like a heading's); the bundled and shared real reports' lead-ins are
# 8–40 characters, a longer line is a paragraph that happens to end in a colon
LIST_LEAD_CHARS = 80
ROW_NAME_CHARS = 20  # a row's text cell this short names the row (公司, 模型, 证券简称) and is said
# beside a looked-up value; longer cells are descriptions, left to the citation's row table

# --- computed answers over tables -------------------------------------------------------------
TABLE_MIN_SCORE = 0.5  # how well a table must match the question's words to be used
# a table scores 1 a question word in its caption, section or headers, 1 a word that is a
# whole cell, and this for a name in a cell: a name says more (华策 in the valuation table)
ENTITY_CELL_POINTS = 1.5
# and this for a word inside a cell (影视 of 华策影视: "影视公司里哪些亏损"): less than a word of
# its own, so a table that has the word whole still wins; own probes of stop 29
PART_CELL_POINTS = 0.5
# a word found only through another of its forms (估值 for PE, a translation) scores this share:
# the word as asked comes first (PE in the PE row over 估值 in every valuation caption: own_real3
# rs14, stop 32); below 1 and above PART_CELL_POINTS/ENTITY_CELL_POINTS, so a synonym that
# names a whole cell still beats a word inside one
ALT_FORM_POINTS = 0.9
# a measure the passage gives under another modifier (移民政策净支持率 when 医疗 is asked) is
# matched by at least this many characters of what follows the asked word: a shorter shared
# ending (率, 价格) is too common to tell kinds apart; set on own_real2/real_probes3, stop 32
MIN_MODIFIED_CHARS = 3
# …in a cell this short (a name: 华策影视, 蓝色光标); a longer one is a description whose words
# (生成 of "使用AIGC技术自动生成攻略…") say nothing of what the table lists (dev_wording w30)
NAME_PART_CELL_CHARS = 8
TABLE_GROUP_MARGIN = 0.6  # tables of one kind scoring this share of the best are taken together
TABLE_TERM_COVERAGE = 0.5  # share of a question's content words its tables must hold (the dev
# table questions hold 0.5–1.0; questions about something else beside a table, 0.33)
# tables of one kind stacked when a question asks across them (answer/stacked.py): two of a
# kind are a pair the plain plan already compares; the 金工 reports print 3–6 per market family
MIN_STACKED_TABLES = 3

# --- chat model -------------------------------------------------------------------------------
LLM_SOURCES = 6  # chunks given to a chat model
# A reply's length cap: answers here are a few sentences (< 200 tokens); a small model caught
# in a loop otherwise writes until its context is full (200 s and an HTTP 500 with llama.cpp).
LLM_MAX_TOKENS = 400
# A reply repeating one line this often is a model stuck in a loop, not an answer.
LLM_REPEATED_LINES = 3
NAME_CELL_CHARS = 16  # a column whose cells average this many characters or fewer holds names,
# not descriptions (the report's name columns average 2–10, its description columns 30+)

# A question names a report when one of its words is on the covers (file name, title, first
# page) of at most this share of the corpus's reports: "南京证券" is on one cover of 200, "AIGC"
# on all. A third keeps a series' shared words (行业评级, the sector) from scoping a question.
NAMING_COVER_SHARE = 1 / 3
COVER_LINES = 8  # lines of a report's first chunk read as its cover (broker, title, rating)

# Caches for hundreds of reports, where a question's words are each found in thousands of
# units and tables: sized for a few hundred questions' words (each entry is small).
OCCURRENCE_CACHE = 4096  # words whose units / table cells are remembered
# Texts shorter than this (in characters, all together) are scanned for a word instead of
# given a bigram index. Measured on the 200-report library's unit texts, 300 words each: at
# 50 000 characters a scan takes 0.08 ms a word and the index 0.09 ms; at 100 000, 0.16 ms
# against 0.12 ms; at 400 000, 0.62 ms against 0.41 ms.
GRAM_INDEX_MIN_CHARS = 100_000

# Free space an ingest needs, foreseen before it writes (index/store.py). A chunk takes about
# 30 KB with its unit vectors and records in Chroma (the bundled report: 3.5 MB for 117
# chunks); until an index holds enough chunks to measure its own, 40 KB is assumed (a third
# more). The margin covers SQLite's journal and Chroma's segment files growing in steps.
DEFAULT_BYTES_PER_CHUNK = 40_000
BYTES_PER_CHUNK_MIN_SAMPLE = 50
FREE_SPACE_MARGIN = 8 << 20
# and what each new chunk is counted as, against the index's own measure: twice, for the
# units' vectors and the HNSW segments' growth in steps
CHUNK_SPACE_FACTOR = 2.0

# PDF page layout (documents/layout.py), set on the shared real PDFs' built-on questions and
# our own renderings of the bundled report:
LAYOUT_SEGMENT_GAP = 1.2  # a gap this many font sizes wide splits a line into cells (a space
# is ~0.3, table gutters and a body/sidebar gap ≥ 1.5)
LAYOUT_PROSE_CHARS = 15  # a segment of body text has at least this many characters …
LAYOUT_PROSE_WIDTH = 0.28  # … and spans this share of the page (a two-column page: ~0.45)
LAYOUT_TABLE_MIN_ROWS = 2  # data rows an unruled table needs (one aligned line is not a table)
LAYOUT_NUMBER_GAP = 0.5  # … and a gap this wide beside a number (numbers hold no spaces; tight
# financial columns set ~0.8 apart)
# b·c of a glyph's text matrix up to this share of a·d is a producer's rounding noise, not a
# turn (a real turn of 1° gives -3e-4; noise seen in a real macro weekly's table, 2e-15)
UPRIGHT_NOISE = 1e-6
LAYOUT_MIN_FONT = 5.5  # text smaller than this (pt) is hidden: tracking strings and stamps are
# 3–5 pt, the smallest footnotes and chart labels in the shared real PDFs 6 pt …
SMALL_PRINT_FLOOR = 4.0  # … except where it forms a data table: a real 金工 report sets whole
# tables in 4.7–5.4 pt; below this nothing seen was meant to be read (tracking strings 1–3 pt,
# chart hatching 2–3.7 pt); chart ticks between the two are no data table and stay out
# a framed table this many rows long or shorter (a header of two lines and a row: a real macro
# weekly's heat table) goes on with the rows right under it; a longer one is whole — merging
# any table with the rows under it joined a scan's two valuation tables (dev_wording on the
# two-column scan 0.600 → 0.512)
FRAMED_HEAD_ROWS = 3
LAYOUT_APART = 4.0  # segments of a line this many font sizes apart are separate items (a cover's
# date and its report kind), not words of one sentence
LAYOUT_CELL_CHARS = 100  # a ruled cell longer than this frames a paragraph or a whole table (the
# shared real PDFs' framed sub-tables: 100+); the printed report's description cells run 40–100,
# and at 40 its table of generation models was taken for a layout grid (dev_paraphrase 1.00 → 0.95)
LAYOUT_OVERLAID_CHARS = 3  # a line is two texts printed over each other when this many of its
# characters half cover the one before (a template tag under a title: a dozen); one glyph box
# wider than its ink (《 in the printed report) is not
LAYOUT_BESIDE_ROWS = 3  # body lines with a sidebar item or a second column on the same line that
# make a page two regions (a company note's cover: 15; a one-column page with tables wider than
# its text: 0)

# --- serving ----------------------------------------------------------------------------------
WATCH_INTERVAL_S = 5.0  # `serve --watch` looks at the corpus folder this often: a copied file is
# answered within seconds, and a look (hashing the bundled report) costs ~10 ms
LIBRARY_REFRESH_S = 2.0  # the page re-reads the library list this often (state, progress, counts)
STREAM_PIECE_CHARS = 6  # characters of an answer per streamed event (page and REST)

# --- OCR (documents/ocr.py) ---------------------------------------------------------------------
OCR_SCALE = 1.5  # a page is rendered at 108 dpi for OCR. On the printed report scanned at 150 dpi
# (pages 3, 6, 9, 13; character-pair recall against its text layer): 1.0 → 0.78–0.98 at 5.5 s a
# page, 1.5 → 0.78–0.985 at 5.6 s, 2.0 → 0.78–0.985 at 8.5 s (2 busy cores)
# a sentence ending at a full line's end goes on below when the page indents its paragraphs'
# first lines (the 申万 weekly: 第一次石油危机中…消失。 | 禁运前油价约2.9美元/桶, one paragraph)
# and the next line is not indented; a line this many characters short of the edge is full
# (a full line ending in 。 stood 0.5 characters past the page's usual line end there; read
# over the six real PDFs and the print PDF, the joins changed only paragraphs cut at a line end)
FULL_LINE_SLACK = 1.5
PARAGRAPH_INDENT = (1.5, 3.0)  # a first line's indent, in characters: 2 in Chinese typesetting
OCR_TABLE_MIN_WIDTH = 0.2  # rulings spanning this share of a scanned page's width frame a table
# (the printed report's tables span 0.8; a heading's underline is one rule, no grid)
# a scanned three-line table's columns: the gutters through all but this share of its rows,
# with this many rows or more (OCR boxes 6月苹果 as one where a timeline's gap is one character:
# 3 of its 14 rows; with the pitch below, the two-column scan's dev 0.688 → 0.812 at stop 34)
OCR_MERGED_ROWS = 0.25
OCR_MERGED_MIN_ROWS = 6
# OCR'd lines' tops wander (12–15 pt pitches in the scan's timeline at 9 pt): a padded row gap
# must be this many font sizes over the tightest pitch (0.15 on a text layer)
OCR_PITCH_JITTER = 0.4
OCR_MIN_SCORE = 0.5  # RapidOCR's confidence below which a box is noise (chart strokes, stamps)
OCR_GUTTER = 1.0  # a gap this many of a line's mean character widths between two characters'
# own boxes is a column gutter the detector ran the line across, never inside a figure (4.11);
# 2.0 first (stop 33: the gutter between two page columns, 50 px), 1.0 at stop 34 for a
# timeline's cells one character apart (时间 | 公司): the two-column scan's dev 0.688 → 0.812,
# dev_wording 0.750 → 0.787, the Word scan unchanged; body text's own gaps: 99% under 0.72.
# Placing every character by its own box instead opened gaps inside numbers (21 5.2)

# A page is a table of contents / list of figures when at least CONTENTS_MIN_ENTRIES of its
# lines are entries (图表N：…) and entries with leaders make CONTENTS_SHARE of them. Chosen on
# the shared real PDFs' list-of-figures pages (OCR'd: 30 entries, 0.8–0.9 of the lines); a page
# of charts has one caption and one 资料来源 line per chart, so about half.
CONTENTS_MIN_ENTRIES = 8
CONTENTS_SHARE = 0.7

# Answers about the report itself and about lists and sums in its text (answer/coverfacts.py,
# extractive.py, textsum.py). Chosen on the bundled report and the six shared real PDFs
# (built-on thirds only), with questions of our own; the trade-off of each is said beside it.
COVER_CHUNKS = 2  # a cover's facts stand in a report's first two chunks (all six real PDFs, the bundled text)
CONTENTS_CHUNKS = 3  # a table of contents stands in the first three chunks (the bundled report's is in its first)
CONTENTS_MIN_PARTS = 3  # two numbered lines are a short list; three in sequence, a report's parts
LIST_ITEMS = 8  # lines of an announced list shown; a count is said only for a list shorter than this
# an explanation says more than a word or two: "推荐：预计6个月内该行业超越…" explains 推荐,
# "行业评级：推荐" (6 characters after the colon) does not
EXPLANATION_CHARS = 8
# a side of a sum ("国产加进口") stands this close to its figure ("84个国产游戏版号": 0); wider
# reaches took a clause's other figure in our own test passages
SIDE_REACH = 6
# A number asked of a noun (月活用户有多少) stands this close to it where the passage names it
# ("用户数量达到1500万": 4 characters, "478个游戏版号": 3); chosen on questions of our own
# (tests/test_precision.py and probes: the 50mm of a camera sentence stands 25 away from 用户);
# the visible sets were measured at 8 only, and did not move from before the rule
AMOUNT_REACH = 8
# Two characters jieba cut apart (日 / 频择 / 时 of 日频择时) are rejoined as the report's own word
# when it writes them together in at least this many passages, and in at least this share of
# the passages of the rarer character (日频: most passages with 频; 是用: a few of those with 用).
# Measured on the shared real PDFs' jargon and the bundled report; looser shares made 是用 a word.
REPORT_WORD_MIN_DF = 3
REPORT_WORD_COHESION = 0.3

# Tables ruled only across (documents/threeline.py). A rule is a filled rectangle or line this
# thin (Chromium draws 1px borders as 0.75 pt rectangles, Word's 1.5 pt rules as 1.5 pt ones);
# rules whose ends lie this close are of one extent (rounding of cell borders drawn one by one:
# ≤ 2 pt in the Chromium and LibreOffice prints made in the tests); a rule shorter than this is
# an underline or a chart tick, not a table's (the narrowest table column pair seen: ~70 pt).
RULE_THICKNESS = 2.5
RULE_ALIGN = 3.0
RULE_MIN_WIDTH = 60.0
# A table this share as wide as the page's text spans its columns: it cuts the page into bands
# read one after another (documents/reading.py). 0.8: the two-column print's wide tables span
# 1.0, a table in one column of two 0.45–0.5; a main column beside a sidebar (the real company
# note) is ~0.7 of the page and stays one column with its sidebar.
SPANNING_SHARE = 0.8
# A table pads its rows when this share of its line-to-line steps (and two at least) are wider
# than its tightest (documents/threeline.py): a padded table has a gap at every row, 0.2–0.5
# of the steps in the two-column print (a narrow first column wraps a name over four lines);
# a table of single-line rows only at its row groups (0.05–0.15 in the real company note's
# statements), whose rows a figure under a figure starts anyway. 0.1 takes both right; a
# text-only table of unpadded rows with two row-group gaps is the case it would get wrong.
PADDED_SHARE = 0.1
# A line this many of its font sizes above a table, in its column, is the table's caption and
# the table follows it (documents/reading.py); farther, the table goes before what is below it.
# 3: captions stand 0.5–2 sizes above their tables in the real PDFs and the prints made in the
# tests; the running header above a table at the top of a column stands 3.5+ away.
CAPTION_GAP = 3.0

# documents/gridfit.py: glyphs closer than this share of the font size run on as one word over a
# cell's edge; cell padding is wider. Set between the two cases seen (the test run's Chromium
# border=1 cells, a padding apart; figures a rule runs through in fzzq's tables, no gap); not swept.
WORD_GAP = 0.15
