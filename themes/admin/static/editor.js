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

  Image opens a picker (a native modal <dialog>: focus stays inside, Escape
  closes it and focus goes back to the button) listing the media library's
  images, read from the address in the field's data-media-picker. The
  chosen image goes in on a paragraph of its own, with the alt text from
  the library, which the user can change; an image without alt text needs
  one, or the explicit choice that it is decoration (written
  ![](address "decorative")). Without this script, the paragraph under the
  field links to the library, where each image shows its Markdown to copy.
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

  // paragraph inserts text as a paragraph of its own after the line the
  // cursor is on (never inside a list item or a sentence), with an empty
  // line before and after it, and selects it.
  function paragraph(ta, text) {
    var v = ta.value, s = ta.selectionEnd;
    var lineStart = v.lastIndexOf('\n', s - 1) + 1;
    var at = v.indexOf('\n', s);
    if (at < 0) {
      at = v.length;
    }
    if (v.slice(lineStart, at).trim() === '') {
      at = lineStart; // an empty line: use it
    }
    var before = v.slice(0, at), after = v.slice(at);
    var pre = before === '' || /\n\n$/.test(before) ? '' : (/\n$/.test(before) ? '\n' : '\n\n');
    var post = after === '' ? '\n' : (/^\n\n/.test(after) ? '' : (/^\n/.test(after) ? '\n' : '\n\n'));
    replace(ta, at, at, pre + text + post, pre.length, pre.length + text.length);
  }

  // imageMarkdown is the Markdown of an image: alt text between the
  // brackets (escaped, on one line), or empty with the decorative title.
  function imageMarkdown(src, alt, decorative) {
    var dest = /[\s()<>]/.test(src) ? '<' + src.replace(/[<>]/g, '') + '>' : src;
    if (decorative) {
      return '![](' + dest + ' "decorative")';
    }
    var a = alt.replace(/\s+/g, ' ').trim().replace(/([\\\[\]])/g, '\\$1');
    return '![' + a + '](' + dest + ')';
  }

  var pickerSeq = 0;

  // picker builds the image picker of ta: a modal dialog with the library's
  // images as radio buttons, the alt text, the decorative choice, and
  // Insert and Cancel buttons.
  function picker(ta, url) {
    var id = ta.id + '-picker-' + (++pickerSeq);
    var dlg = el('dialog', { 'class': 'admin-picker', 'aria-labelledby': id + '-title' });
    var form = el('form', { method: 'dialog', novalidate: '' });
    dlg.appendChild(form);
    form.appendChild(el('h2', { 'class': 'nhsuk-heading-m', id: id + '-title' }, 'Insert an image'));
    var status = el('p', { 'class': 'nhsuk-body admin-picker__status', role: 'status' });
    form.appendChild(status);
    var errors = el('div', { 'class': 'nhsuk-error-summary admin-picker__errors', role: 'alert', tabindex: '-1', hidden: '' });
    form.appendChild(errors);

    var group = el('div', { 'class': 'nhsuk-form-group' });
    var fs = el('fieldset', { 'class': 'nhsuk-fieldset', id: id + '-images' });
    fs.appendChild(el('legend', { 'class': 'nhsuk-fieldset__legend nhsuk-fieldset__legend--s' }, 'Choose an image'));
    var chooseErr = el('span', { 'class': 'nhsuk-error-message', id: id + '-images-error', hidden: '' });
    fs.appendChild(chooseErr);
    var list = el('div', { 'class': 'nhsuk-radios admin-picker__list' });
    fs.appendChild(list);
    group.appendChild(fs);
    form.appendChild(group);

    var altGroup = el('div', { 'class': 'nhsuk-form-group' });
    altGroup.appendChild(el('label', { 'class': 'nhsuk-label nhsuk-label--s', 'for': id + '-alt' }, 'Alt text'));
    altGroup.appendChild(el('div', { 'class': 'nhsuk-hint', id: id + '-alt-hint' },
      'What the image shows, for people who cannot see it. It comes from the media library; change it to suit this page'));
    var altErr = el('span', { 'class': 'nhsuk-error-message', id: id + '-alt-error', hidden: '' });
    altGroup.appendChild(altErr);
    var alt = el('textarea', { 'class': 'nhsuk-textarea', id: id + '-alt', rows: '2', 'aria-describedby': id + '-alt-hint' });
    altGroup.appendChild(alt);
    form.appendChild(altGroup);

    var decoGroup = el('div', { 'class': 'nhsuk-form-group' });
    var decoWrap = el('div', { 'class': 'nhsuk-checkboxes' });
    var decoItem = el('div', { 'class': 'nhsuk-checkboxes__item' });
    var deco = el('input', { 'class': 'nhsuk-checkboxes__input', type: 'checkbox', id: id + '-decorative', 'aria-describedby': id + '-decorative-hint' });
    decoItem.appendChild(deco);
    decoItem.appendChild(el('label', { 'class': 'nhsuk-label nhsuk-checkboxes__label', 'for': id + '-decorative' }, 'The image is only decoration'));
    decoItem.appendChild(el('div', { 'class': 'nhsuk-hint nhsuk-checkboxes__hint', id: id + '-decorative-hint' },
      'It adds nothing to the text, so screen readers skip it and it has no alt text'));
    decoWrap.appendChild(decoItem);
    decoGroup.appendChild(decoWrap);
    form.appendChild(decoGroup);

    var buttons = el('div', { 'class': 'nhsuk-button-group' });
    var insert = el('button', { 'class': 'nhsuk-button', type: 'submit', value: 'insert' }, 'Insert image');
    var cancel = el('button', { 'class': 'nhsuk-button nhsuk-button--secondary', type: 'button' }, 'Cancel');
    buttons.appendChild(insert);
    buttons.appendChild(cancel);
    form.appendChild(buttons);
    var more = el('p', { 'class': 'nhsuk-body-s' });
    form.appendChild(more);

    var images = [];
    function chosen() {
      var r = list.querySelector('input:checked');
      return r ? images[+r.value] : null;
    }
    function showError(span, group, input, msg) {
      span.hidden = !msg;
      span.textContent = msg ? 'Error: ' + msg : '';
      group.classList.toggle('nhsuk-form-group--error', !!msg);
      if (input) {
        var ids = (input.getAttribute('aria-describedby') || '').split(' ').filter(function (x) { return x && x !== span.id; });
        if (msg) {
          ids.push(span.id);
        }
        input.setAttribute('aria-describedby', ids.join(' '));
      }
    }
    function clearErrors() {
      errors.hidden = true;
      errors.textContent = '';
      showError(chooseErr, group, null, '');
      showError(altErr, altGroup, alt, '');
    }
    deco.addEventListener('change', function () {
      alt.disabled = deco.checked;
    });
    list.addEventListener('change', function () {
      var img = chosen();
      if (img) {
        alt.value = img.alt;
        deco.checked = false;
        alt.disabled = false;
      }
    });
    cancel.addEventListener('click', function () { dlg.close(''); });
    form.addEventListener('submit', function (ev) {
      ev.preventDefault(); // closed below, with the Markdown as its value
      var img = chosen();
      var problems = [];
      clearErrors();
      if (!img) {
        problems.push(['Choose an image', fs, chooseErr, group, null]);
      } else if (!deco.checked && alt.value.trim() === '') {
        problems.push(['Enter alt text, or tick “The image is only decoration”', alt, altErr, altGroup, alt]);
      }
      if (problems.length) {
        errors.hidden = false;
        errors.appendChild(el('h3', { 'class': 'nhsuk-error-summary__title' }, 'There is a problem'));
        var ul = el('ul', { 'class': 'nhsuk-list nhsuk-error-summary__list' });
        problems.forEach(function (p) {
          ul.appendChild(el('li', {}, p[0]));
          showError(p[2], p[3], p[4], p[0]);
        });
        errors.appendChild(ul);
        (problems[0][4] || list.querySelector('input') || errors).focus();
        return;
      }
      dlg.close(imageMarkdown(img.src, alt.value, deco.checked));
    });

    // load fills the list from the library, each time the picker opens.
    function load() {
      clearErrors();
      list.textContent = '';
      more.textContent = '';
      images = [];
      alt.value = '';
      deco.checked = false;
      alt.disabled = false;
      status.textContent = 'Loading your images…';
      return fetch(url, { credentials: 'same-origin', redirect: 'manual', headers: { Accept: 'application/json' } }).then(function (resp) {
        if (!resp.ok) {
          throw new Error('status ' + resp.status);
        }
        return resp.json();
      }).then(function (data) {
        images = data.images || [];
        status.textContent = images.length ? images.length + (images.length === 1 ? ' image' : ' images') + ' in your media library.' :
          'There are no images in your media library yet.';
        images.forEach(function (img, i) {
          var item = el('div', { 'class': 'nhsuk-radios__item admin-picker__item' });
          var rid = id + '-image-' + i;
          item.appendChild(el('input', { 'class': 'nhsuk-radios__input', type: 'radio', name: id + '-image', id: rid, value: String(i) }));
          var label = el('label', { 'class': 'nhsuk-label nhsuk-radios__label admin-picker__label', 'for': rid });
          if (img.thumb) {
            label.appendChild(el('img', { src: img.thumb, alt: '', width: '96', loading: 'lazy' }));
          }
          label.appendChild(el('span', {}, img.alt || 'No alt text yet'));
          label.appendChild(el('span', { 'class': 'nhsuk-body-s admin-picker__file' }, img.filename));
          item.appendChild(label);
          list.appendChild(item);
        });
        var a = el('a', { href: data.upload || '/admin/media/new', target: '_blank', rel: 'noopener' }, 'Upload an image (opens in a new tab)');
        more.appendChild(a);
        more.appendChild(document.createTextNode(', then open this picker again.'));
        insert.disabled = images.length === 0;
      }, function () {
        status.textContent = 'Your images could not be loaded. Copy an image\'s Markdown from the media library instead.';
        insert.disabled = true;
        var a = el('a', { href: '/admin/media', target: '_blank', rel: 'noopener' }, 'Open images and files (opens in a new tab)');
        more.appendChild(a);
      });
    }

    return { dialog: dlg, load: load };
  }

  // pickImage opens ta's picker; the chosen image goes in as a paragraph.
  // Without a picker address (or <dialog>), it inserts a placeholder, still
  // on a paragraph of its own.
  function pickImage(ta, button) {
    var group = ta.closest('.nhsuk-form-group') || ta.parentNode;
    var source = group.querySelector('[data-media-picker]');
    if (!source || typeof HTMLDialogElement !== 'function' || !window.fetch) {
      var text = '![Describe the image](https://)';
      paragraph(ta, text);
      var start = ta.selectionStart;
      ta.setSelectionRange(start + 2, start + 2 + 'Describe the image'.length);
      return;
    }
    if (!ta.pcnwebPicker) {
      ta.pcnwebPicker = picker(ta, source.getAttribute('data-media-picker'));
      document.body.appendChild(ta.pcnwebPicker.dialog);
      ta.pcnwebPicker.dialog.addEventListener('close', function () {
        var md = ta.pcnwebPicker.dialog.returnValue;
        if (md) {
          paragraph(ta, md);
        } else if (ta.pcnwebPicker.opener) {
          ta.pcnwebPicker.opener.focus();
        }
      });
    }
    var p = ta.pcnwebPicker;
    p.opener = button;
    p.dialog.returnValue = '';
    p.dialog.showModal();
    p.load();
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
    { label: 'Image', run: pickImage, popup: 'dialog' },
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
      if (tool.popup) {
        b.setAttribute('aria-haspopup', tool.popup);
      }
      b.addEventListener('click', function () { tool.run(ta, b); });
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
