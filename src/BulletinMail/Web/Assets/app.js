// Keyboard shortcuts for the review queue: j/k move between entries, a approves, r rejects,
// e edits (the date field takes the cursor), Esc cancels an edit. The page works without this script; it only saves reaching for the mouse.
(function () {
  'use strict';
  var entries = function () { return Array.prototype.slice.call(document.querySelectorAll('[data-entry]')); };
  var current = null;

  function select(entry) {
    if (!entry) { return; }
    if (current) { current.classList.remove('current'); }
    current = entry;
    current.classList.add('current');
    current.scrollIntoView({ block: 'nearest' });
    try { sessionStorage.setItem('bulletinmail.current', current.id); } catch (e) { /* private mode */ }
  }

  function step(delta) {
    var list = entries();
    if (list.length === 0) { return; }
    var at = current ? list.indexOf(current) : -1;
    select(list[Math.max(0, Math.min(list.length - 1, at + delta))]);
  }

  function press(key) {
    var target = current && current.querySelector('[data-key="' + key + '"]');
    if (!target || target.offsetParent === null) { return; } // none, or hidden (a sent month's entries)
    if (key === 'a' || key === 'r') {
      // After the page reloads, carry on with the next entry.
      var list = entries();
      var next = list[list.indexOf(current) + 1];
      try { sessionStorage.setItem('bulletinmail.next', next ? next.id : ''); } catch (e) { /* private mode */ }
    }
    if (key === 'e') {
      // Without the link's #fragment: Chromium takes the focus off the date field when it scrolls to one.
      try { sessionStorage.setItem('bulletinmail.next', current.id); } catch (e) { /* private mode */ }
      location.href = target.href.split('#')[0];
      return;
    }
    target.click();
  }

  document.addEventListener('DOMContentLoaded', function () {
    var wanted = null;
    try { wanted = sessionStorage.getItem('bulletinmail.next'); sessionStorage.removeItem('bulletinmail.next'); } catch (e) { /* private mode */ }
    var id = wanted || (location.hash ? location.hash.slice(1) : null);
    var start = id ? document.getElementById(id) : null;
    if (start && start.hasAttribute('data-entry')) { select(start); }
    document.querySelectorAll('[data-entry]').forEach(function (entry) {
      entry.addEventListener('click', function () { select(entry); });
    });
  });

  document.addEventListener('keydown', function (event) {
    // Esc leaves an edit form unsaved, from any of its fields.
    var cancel = event.key === 'Escape' && event.target && event.target.closest && event.target.closest('form.editing');
    if (cancel) { cancel.querySelector('[data-key="cancel"]').click(); event.preventDefault(); return; }
    var tag = event.target && event.target.tagName;
    if (event.ctrlKey || event.metaKey || event.altKey || tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT') { return; }
    switch (event.key) {
      case 'j': step(1); break;
      case 'k': step(-1); break;
      case 'a': case 'r': case 'e': press(event.key); break;
      default: return;
    }
    event.preventDefault();
  });
}());
