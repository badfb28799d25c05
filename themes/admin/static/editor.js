/*
  The admin panel's Markdown editor. It enhances every <textarea data-editor>
  with a formatting toolbar (heading, bold, italic, lists, link, image, table)
  and a live preview rendered by the server: the Markdown is posted, with the
  form's CSRF token, to /admin/preview/markdown, which answers with the same
  sanitised HTML the website will show once published. Without this script
  the textarea works as it is. No inline script or style: the CSP forbids them.

  Keyboard: Tab reaches the toolbar, the arrow keys (and Home, End) move
  between its buttons, Enter or Space presses one; in the text, Ctrl+B (⌘B)
  makes text bold and Ctrl+I (⌘I) italic.
*/
(function () {
  'use strict';

  var PREVIEW_URL = '/admin/preview/markdown';
  var DEBOUNCE_MS = 500;

  // replace puts text in place of ta's characters [start, end), through the
  // browser's editing commands where possible so that undo still works, and
  // then selects [selStart, selEnd) of the new text (offsets in the text).
  function replace(ta, start, end, text, selStart, selEnd) {
    ta.focus();
    ta.setSelectionRange(start, end);
    var done = false;
    try {
      done = document.execCommand && document.execCommand('insertText', false, text);
    } catch (e) {
      done = false;
    }
    if (!done || ta.value.slice(start, start + text.length) !== text) {
      ta.setRangeText(text, start, end, 'end');
      ta.dispatchEvent(new Event('input', { bubbles: true }));
    }
    ta.setSelectionRange(start + selStart, start + selEnd);
  }

  // wrap puts before and after around the selection (or a placeholder).
  function wrap(before, after, placeholder) {
    return function (ta) {
      var s = ta.selectionStart, e = ta.selectionEnd;
      var sel = ta.value.slice(s, e) || placeholder;
      replace(ta, s, e, before + sel + after, before.length, before.length + sel.length);
    };
  }

  // lines applies prefix(i) to every line the selection touches, or takes
  // the prefixes away when every line has one already.
  function lines(prefix, pattern) {
    return function (ta) {
      var v = ta.value;
      var start = v.lastIndexOf('\n', ta.selectionStart - 1) + 1;
      var end = v.indexOf('\n', ta.selectionEnd > ta.selectionStart ? ta.selectionEnd - 1 : ta.selectionEnd);
      if (end < 0) {
        end = v.length;
      }
      var ls = v.slice(start, end).split('\n');
      var all = ls.every(function (l) { return pattern.test(l); });
      var out = ls.map(function (l, i) {
        return all ? l.replace(pattern, '') : prefix(i) + l.replace(pattern, '');
      }).join('\n');
      replace(ta, start, end, out, 0, out.length);
    };
  }

  // link inserts a link or an image around the selected words, then selects
  // the address for the user to type.
  function link(bang, placeholder) {
    return function (ta) {
      var s = ta.selectionStart, e = ta.selectionEnd;
      var words = ta.value.slice(s, e) || placeholder;
      var text = bang + '[' + words + '](https://)';
      var at = bang.length + words.length + 3;
      replace(ta, s, e, text, at, at + 'https://'.length);
    };
  }

  // table inserts a two-column table on lines of its own.
  function table(ta) {
    var s = ta.selectionStart, e = ta.selectionEnd, v = ta.value;
    var before = s > 0 && v.charAt(s - 1) !== '\n' ? '\n\n' : (s > 1 && v.charAt(s - 2) !== '\n' ? '\n' : '');
    var text = before + '| Heading | Heading |\n| --- | --- |\n| Cell | Cell |\n';
    var at = before.length + 2;
    replace(ta, s, e, text, at, at + 'Heading'.length);
  }

  var TOOLS = [
    { label: 'Heading', run: lines(function () { return '## '; }, /^#{1,6} /) },
    { label: 'Bold', run: wrap('**', '**', 'bold text') },
    { label: 'Italic', run: wrap('_', '_', 'italic text') },
    { label: 'Bulleted list', run: lines(function () { return '- '; }, /^[-*+] /) },
    { label: 'Numbered list', run: lines(function (i) { return (i + 1) + '. '; }, /^\d+[.)] /) },
    { label: 'Link', run: link('', 'link text') },
    { label: 'Image', run: link('!', 'Describe the image') },
    { label: 'Table', run: table }
  ];

  function el(tag, attrs, text) {
    var n = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { n.setAttribute(k, attrs[k]); });
    if (text) {
      n.textContent = text;
    }
    return n;
  }

  // toolbar builds the buttons, one tab stop with arrow keys between them.
  function toolbar(ta) {
    var bar = el('div', { 'class': 'admin-editor__toolbar', role: 'toolbar', 'aria-label': 'Formatting', 'aria-controls': ta.id });
    var buttons = TOOLS.map(function (tool, i) {
      var b = el('button', { type: 'button', 'class': 'admin-editor__button', tabindex: i === 0 ? '0' : '-1' }, tool.label);
      b.addEventListener('click', function () { tool.run(ta); });
      bar.appendChild(b);
      return b;
    });
    bar.addEventListener('keydown', function (ev) {
      var i = buttons.indexOf(document.activeElement);
      if (i < 0) {
        return;
      }
      var next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: buttons.length - 1 }[ev.key];
      if (next === undefined) {
        return;
      }
      ev.preventDefault();
      next = (next + buttons.length) % buttons.length;
      buttons[i].setAttribute('tabindex', '-1');
      buttons[next].setAttribute('tabindex', '0');
      buttons[next].focus();
    });
    return bar;
  }

  // preview builds the live preview region and keeps it up to date.
  function preview(ta, token) {
    var id = ta.id + '-preview';
    var box = el('div', { 'class': 'admin-editor__preview-box' });
    box.appendChild(el('h2', { 'class': 'nhsuk-heading-s', id: id + '-heading' }, 'Preview'));
    var status = el('p', { 'class': 'nhsuk-body-s admin-editor__status' },
      'How the content will look on the website. It updates as you type; it is not saved until you save or publish.');
    box.appendChild(status);
    var out = el('div', { 'class': 'admin-editor__preview', id: id, 'aria-live': 'polite', 'aria-labelledby': id + '-heading' });
    box.appendChild(out);

    var timer = 0, seq = 0, last = null;
    function refresh() {
      var body = ta.value;
      if (body === last) {
        return;
      }
      last = body;
      var mine = ++seq;
      out.setAttribute('aria-busy', 'true');
      fetch(PREVIEW_URL, {
        method: 'POST', credentials: 'same-origin', redirect: 'manual',
        body: new URLSearchParams({ _csrf: token, body: body })
      }).then(function (resp) {
        if (resp.type === 'opaqueredirect') {
          throw new Error('You have been signed out. Copy your text, then sign in again in another tab.');
        }
        return resp.text().then(function (html) {
          if (!resp.ok && resp.status !== 422) {
            throw new Error('The preview is not available right now. Your text is still here and is saved when you save or publish.');
          }
          return html;
        });
      }).then(function (html) {
        if (mine === seq) {
          out.innerHTML = html; // the server's sanitised HTML
          status.textContent = 'How the content will look on the website. It updates as you type; it is not saved until you save or publish.';
        }
      }, function (err) {
        if (mine === seq) {
          status.textContent = err.message;
          last = null;
        }
      }).then(function () {
        if (mine === seq) {
          out.removeAttribute('aria-busy');
        }
      });
    }
    ta.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, DEBOUNCE_MS);
    });
    refresh();
    return box;
  }

  function enhance(ta) {
    if (!ta.id || ta.hasAttribute('data-editor-ready')) {
      return;
    }
    ta.setAttribute('data-editor-ready', '');
    var form = ta.form;
    var tokenInput = form && form.querySelector('input[name="_csrf"]');
    ta.parentNode.insertBefore(toolbar(ta), ta);
    ta.addEventListener('keydown', function (ev) {
      if (!(ev.ctrlKey || ev.metaKey) || ev.altKey) {
        return;
      }
      var key = ev.key.toLowerCase();
      if (key === 'b') {
        ev.preventDefault();
        TOOLS[1].run(ta);
      } else if (key === 'i') {
        ev.preventDefault();
        TOOLS[2].run(ta);
      }
    });
    if (tokenInput && window.fetch && window.URLSearchParams) {
      var group = ta.closest('.nhsuk-form-group') || ta;
      group.parentNode.insertBefore(preview(ta, tokenInput.value), group.nextSibling);
    }
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll('textarea[data-editor]'), enhance);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
}());
