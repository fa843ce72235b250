"""What the web page adds to Gradio's own: a script that links [n] to its source, and styles."""

# [n] in a finished answer becomes a link to its source below it. Done on the page, not in the
# message, so that copying an answer copies clean Markdown ("… [1]" and "[1] location").
CITE_LINKS_JS = """<script>
(() => {
  const CITE = /\\[(\\d+)\\]/g;
  const wrap = (message, sources) => {
    const walker = document.createTreeWalker(message, NodeFilter.SHOW_TEXT);
    const nodes = [];
    while (walker.nextNode()) {
      const node = walker.currentNode;
      if (CITE.test(node.data) && !node.parentElement.closest('a, .rb-source, code')) nodes.push(node);
      CITE.lastIndex = 0;
    }
    for (const node of nodes) {
      const part = document.createDocumentFragment();
      let at = 0;
      node.data.replace(CITE, (all, n, offset) => {
        part.append(node.data.slice(at, offset));
        const target = sources.querySelector(`.rb-source[id$="-${n}"]`);
        if (target) {
          const a = document.createElement('a');
          a.className = 'rb-cite'; a.href = '#' + target.id; a.textContent = all;
          a.addEventListener('click', (e) => {
            e.preventDefault();
            const box = target.closest('details'); if (box) box.open = true;
            target.scrollIntoView({block: 'center'}); target.classList.add('rb-flash');
            setTimeout(() => target.classList.remove('rb-flash'), 1500);
          });
          part.append(a);
        } else part.append(all);
        at = offset + all.length;
      });
      part.append(node.data.slice(at));
      node.replaceWith(part);
    }
  };
  const scan = () => {
    document.querySelectorAll('#chat .message-row').forEach((row) => {
      if (!row.querySelector('.rb-source[id^="src-"]')) return;
      const answer = [...row.querySelectorAll('.message')].find(
        (m) => !m.classList.contains('thought') && !m.querySelector('.rb-source'));
      if (answer && !answer.dataset.rbLinked) { answer.dataset.rbLinked = '1'; wrap(answer, row); }
    });
  };
  new MutationObserver(scan).observe(document.documentElement, {childList: true, subtree: true});
})();
</script>"""
PAGE_CSS = """
.rb-source { margin: .4em 0; } .rb-source blockquote { margin: .3em 0 .3em .5em; }
.rb-row { font-size: .85em; border-collapse: collapse; }
.rb-row td, .rb-row th { border: 1px solid #ccc; padding: 2px 6px; }
.rb-row td.cited { background: #fff3b0; } .rb-flash { outline: 2px solid #f5a623; }
.rb-file { color: #888; font-size: .8em; } .rb-why { color: #b00; font-size: .8em; }
#library-table { width: 100%; font-size: .9em; } #library-table td, #library-table th { padding: 2px 6px; }
"""
